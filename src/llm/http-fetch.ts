import type { IncomingMessage, RequestOptions } from "node:http";
import { LiteHeaders, type HeadersInitLike } from "./lite-headers.js";

/**
 * The `fetch` the model client is given: the part of WHATWG fetch an OpenAI-compatible API needs, on
 * node:http. Node 20's global fetch is undici, whose first use costs a one-shot run ~25 ms of start-up
 * (loading it and the http2/tls stacks it pulls in) — more than the request itself against a local
 * server. Semantics kept from fetch: redirects followed (credentials dropped across origins), an abort
 * rejects with the signal's reason, a connection failure is `TypeError("fetch failed", { cause })`
 * carrying the socket error's code, the body arrives as an async iterable of bytes, compressed bodies
 * are decoded.
 */
export interface HttpFetchInit {
  method?: string;
  headers?: HeadersInitLike;
  body?: string | Uint8Array | ArrayBuffer | null;
  signal?: AbortSignal | null;
  redirect?: "follow" | "error" | "manual";
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

export async function httpFetch(input: string | URL | { url: string }, init: HttpFetchInit = {}): Promise<HttpResponse> {
  let url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  let method = (init.method ?? "GET").toUpperCase();
  let body = bodyBytes(init.body);
  const headers = new LiteHeaders(init.headers);
  const signal = init.signal ?? undefined;
  for (let hops = 0; ; hops++) {
    const res = await send(url, method, headers, body, signal);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || !location || init.redirect === "manual") return respond(res, url, hops > 0, signal);
    res.resume();
    if (init.redirect === "error") throw new TypeError("fetch failed", { cause: new Error(`unexpected redirect to ${location}`) });
    if (hops >= MAX_REDIRECTS) throw new TypeError("fetch failed", { cause: new Error("too many redirects") });
    const next = new URL(location, url);
    // As fetch does: node:http would send a location's user name and password as Basic auth, to a
    // place the model server chose.
    if (next.username || next.password) throw new TypeError("fetch failed", { cause: new Error("refused a redirect to a URL with a user name or password in it") });
    if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method === "POST")) {
      method = "GET";
      body = undefined;
      headers.delete("content-type");
    }
    // An API key is for the origin it was given to, not for wherever that origin points.
    if (next.origin !== url.origin) {
      headers.delete("authorization");
      headers.delete("cookie");
    }
    url = next;
  }
}

/** What fetch's Response offers a client that reads status, headers and the body once. */
export class HttpResponse {
  readonly ok: boolean;
  bodyUsed = false;

  constructor(
    readonly body: AsyncIterable<Uint8Array> | null,
    readonly status: number,
    readonly statusText: string,
    readonly headers: LiteHeaders,
    readonly url = "",
    readonly redirected = false,
  ) {
    this.ok = status >= 200 && status < 300;
  }

  /** A response whose body was already read (e.g. to keep an error's text), handed on as if fresh. */
  static ofText(text: string, like: Pick<HttpResponse, "status" | "statusText" | "headers" | "url">): HttpResponse {
    const bytes = Buffer.from(text, "utf8");
    const body = (async function* () {
      yield bytes;
    })();
    return new HttpResponse(body, like.status, like.statusText, like.headers, like.url);
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async text(): Promise<string> {
    return (await this.#bytes()).toString("utf8");
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /**
   * The body's first maxBytes as text, the rest left unread (the connection is dropped): for an error
   * body, which is shown as an excerpt and must not let a server fill memory.
   */
  async textUpTo(maxBytes: number): Promise<string> {
    return (await this.#bytes(maxBytes)).toString("utf8");
  }

  async #bytes(maxBytes = Infinity): Promise<Buffer> {
    if (this.bodyUsed) throw new TypeError("Body is unusable: Body has already been read");
    this.bodyUsed = true;
    const chunks: Buffer[] = [];
    let size = 0;
    if (this.body) {
      for await (const chunk of this.body) {
        const bytes = Buffer.from(chunk);
        chunks.push(size + bytes.length > maxBytes ? bytes.subarray(0, maxBytes - size) : bytes);
        size += bytes.length;
        if (size >= maxBytes) break; // leaving the loop ends the stream
      }
    }
    return Buffer.concat(chunks);
  }
}

function bodyBytes(body: HttpFetchInit["body"]): Buffer | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body, "utf8");
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  throw new TypeError("httpFetch sends a string or bytes as a body, not a stream or form");
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

async function send(url: URL, method: string, headers: LiteHeaders, body: Buffer | undefined, signal: AbortSignal | undefined): Promise<IncomingMessage> {
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError("fetch failed", { cause: new Error(`unsupported protocol ${url.protocol}`) });
  if (signal?.aborted) throw abortReason(signal);
  // Loaded at the first request, not at start-up (a TUI draws before it asks anything), and TLS only
  // when the endpoint is https: a local server over http never loads it.
  const request = url.protocol === "https:" ? (await import("node:https")).request : process.getBuiltinModule("node:http").request;
  const outgoing = headers.toObject();
  if (!("accept" in outgoing)) outgoing.accept = "*/*";
  if (body !== undefined) outgoing["content-length"] = String(body.byteLength);
  const options: RequestOptions = { method, headers: outgoing };
  return new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(url, options);
    const onAbort = () => {
      const reason = abortReason(signal!);
      req.destroy(reason as Error);
      reject(reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", (err) => {
      signal?.removeEventListener("abort", onAbort);
      reject(signal?.aborted ? abortReason(signal) : new TypeError("fetch failed", { cause: err }));
    });
    req.on("response", (res) => {
      signal?.removeEventListener("abort", onAbort);
      if (signal) {
        // Aborted while the body streams: the reader's next read throws the reason, as with fetch.
        const onBodyAbort = () => res.destroy(abortReason(signal) as Error);
        signal.addEventListener("abort", onBodyAbort, { once: true });
        res.once("close", () => signal.removeEventListener("abort", onBodyAbort));
      }
      resolve(res);
    });
    req.end(body);
  });
}

async function respond(res: IncomingMessage, url: URL, redirected: boolean, signal: AbortSignal | undefined): Promise<HttpResponse> {
  const headers = new LiteHeaders();
  const raw = res.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  let body: AsyncIterable<Uint8Array> = res;
  const encoding = headers.get("content-encoding")?.trim().toLowerCase();
  if (encoding === "gzip" || encoding === "x-gzip" || encoding === "deflate" || encoding === "br") {
    const zlib = await import("node:zlib");
    const decoder = encoding === "br" ? zlib.createBrotliDecompress() : encoding === "deflate" ? zlib.createInflate() : zlib.createGunzip();
    res.on("error", (err) => decoder.destroy(err));
    signal?.addEventListener("abort", () => decoder.destroy(abortReason(signal) as Error), { once: true });
    body = decodedBody(res.pipe(decoder), encoding);
  }
  const empty = res.statusCode === 204 || res.statusCode === 304;
  return new HttpResponse(empty ? null : body, res.statusCode ?? 0, res.statusMessage ?? "", headers, url.href, redirected);
}

/**
 * A compressed body, its decoder's own failure said as the server's fault: zlib's "incorrect header check"
 * alone reads like a bug of ours. A socket error or abort the decoder passes on is left as it is.
 */
async function* decodedBody(decoded: AsyncIterable<Uint8Array>, encoding: string): AsyncIterable<Uint8Array> {
  try {
    yield* decoded;
  } catch (err) {
    const code = (err as { code?: unknown })?.code;
    if (typeof code === "string" && /^(Z_|ERR__ERROR)/.test(code)) {
      throw new Error(`the server sent a ${encoding} body that does not decompress (${(err as Error).message})`, { cause: err });
    }
    throw err;
  }
}
