import type OpenAI from "openai";
import type { Usage } from "../agent/events.js";
import { ModelError, type ModelClient, type ModelRequest, type ModelTurn, type StreamHandlers } from "./types.js";
import { httpFetch, HttpResponse, type HttpFetchInit } from "./http-fetch.js";
import type { LiteHeaders } from "./lite-headers.js";

/**
 * The real model seam: any OpenAI-compatible Chat Completions endpoint, always streaming.
 * The openai package does the HTTP and SSE parsing; retries are ours (its own are off) so each one can be
 * reported to the user, and so a retry never happens once part of the answer has been shown.
 */
export interface OpenAIClientOptions {
  baseURL: string;
  /** Omitted for local servers, which ignore the Authorization header. */
  apiKey?: string;
  model: string;
  /** Longest wait for the response to start and between two streamed chunks. Default 10 min (CPU prompt processing is slow). */
  timeoutMs?: number;
  /** Retries after the first attempt. Default 3 (4 attempts). */
  maxRetries?: number;
  /** First backoff delay; doubles each retry, ±25% jitter. Default 1000 ms. */
  retryBaseMs?: number;
  /** Cap on any single retry delay, Retry-After included. Default 30 s. */
  maxRetryDelayMs?: number;
  /** Extra headers (e.g. OpenRouter's HTTP-Referer / X-Title). */
  headers?: Record<string, string>;
}

const RETRYABLE_STATUS = new Set([408, 409, 429]);
const ERROR_BODY_BYTES = 64 * 1024;

/** What went wrong in one attempt, in terms a person and the retry policy both need. */
interface Failure {
  retryable: boolean;
  /** Short form for onRetry, e.g. "500 Internal Server Error", "connection refused". */
  reason: string;
  status?: number;
  retryAfterMs?: number;
  /** Builds the final message once the number of attempts is known. */
  message(attempts: number): string;
  cause?: unknown;
}

/** The last non-2xx response of one attempt, captured raw: openai drops bodies without an `error` key (vLLM's). */
interface RawErrorResponse {
  status: number;
  statusText: string;
  body: string;
  headers: LiteHeaders;
}

class StreamTimeout extends Error {}
class EmptyStream extends Error {}

/** The openai module once loaded: its error classes are matched by identity (the minified bundle renames classes). */
let sdk: typeof import("openai") | undefined;
/** The SDK prints unparsable stream chunks to the console; we report them ourselves, once, in our words. */
const quietLogger = { error() {}, warn() {}, info() {}, debug() {} };

export function createOpenAIClient(opts: OpenAIClientOptions): ModelClient {
  const url = opts.baseURL.replace(/\/+$/, "");
  const timeoutMs = Math.max(1, Math.floor(opts.timeoutMs ?? 600_000));
  const maxRetries = opts.maxRetries ?? 3;
  const retryBaseMs = opts.retryBaseMs ?? 1000;
  const maxRetryDelayMs = opts.maxRetryDelayMs ?? 30_000;
  // Some older local servers reject stream_options; learn that once and stop sending it.
  let sendStreamOptions = true;

  async function attempt(req: ModelRequest, asm: TurnAssembler, captured: { error?: RawErrorResponse }): Promise<ModelTurn> {
    // Imported lazily: the CLI's startup path should not pay for the openai package until a request is made.
    sdk ??= await import("openai");
    const OpenAIClass = sdk.default;
    const capturingFetch = async (input: string | URL, init?: HttpFetchInit): Promise<HttpResponse> => {
      const res = await httpFetch(input, init);
      if (res.ok) return res;
      // Shown as a 300-character excerpt; a server answering an error with gigabytes gets its first 64 kB read.
      const body = await res.textUpTo(ERROR_BODY_BYTES).catch(() => "");
      captured.error = { status: res.status, statusText: res.statusText, body, headers: res.headers };
      return HttpResponse.ofText(body, res);
    };
    const client = new OpenAIClass({
      baseURL: url,
      apiKey: opts.apiKey || "not-needed",
      maxRetries: 0,
      timeout: timeoutMs,
      // The SDK's Fetch type is the DOM's; httpFetch gives what the SDK reads of it.
      fetch: capturingFetch as unknown as typeof fetch,
      defaultHeaders: opts.headers,
      logger: quietLogger,
    });

    const ctrl = new AbortController();
    const onAbort = () => ctrl.abort();
    req.signal?.addEventListener("abort", onAbort, { once: true });
    if (req.signal?.aborted) ctrl.abort();
    // openai's timeout stops at the response headers; this one also covers a stream that goes silent.
    let stalled = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        stalled = true;
        ctrl.abort();
      }, timeoutMs);
    };
    try {
      arm();
      const stream = await client.chat.completions.create(requestBody(req), {
        signal: ctrl.signal,
        timeout: timeoutMs,
        maxRetries: 0,
      });
      // The openai stream ends quietly (no throw) when aborted, so the flags are checked after the loop.
      for await (const chunk of stream) {
        arm();
        asm.accept(chunk);
      }
      if (stalled) throw new StreamTimeout();
      if (req.signal?.aborted) throw new ModelError("aborted", undefined, true);
      return asm.finish();
    } catch (err) {
      if (stalled && !req.signal?.aborted) throw new StreamTimeout();
      throw err;
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onAbort);
    }
  }

  function requestBody(req: ModelRequest): OpenAI.Chat.ChatCompletionCreateParamsStreaming {
    const body: OpenAI.Chat.ChatCompletionCreateParamsStreaming = {
      model: opts.model,
      messages: req.messages as OpenAI.Chat.ChatCompletionMessageParam[],
      stream: true,
    };
    if (sendStreamOptions) body.stream_options = { include_usage: true };
    if (req.tools && req.tools.length > 0) body.tools = req.tools;
    if (req.maxTokens !== undefined) {
      // OpenAI's reasoning models refuse max_tokens; every local server knows max_tokens.
      if (/^(o\d|gpt-5)/.test(opts.model.toLowerCase().split("/").pop() ?? "")) body.max_completion_tokens = req.maxTokens;
      else body.max_tokens = req.maxTokens;
    }
    return body;
  }

  async function complete(req: ModelRequest, handlers: StreamHandlers = {}): Promise<ModelTurn> {
    let attempts = 0;
    let retries = 0;
    for (;;) {
      attempts++;
      const asm = new TurnAssembler(handlers);
      const captured: { error?: RawErrorResponse } = {};
      try {
        return await attempt(req, asm, captured);
      } catch (err) {
        if (req.signal?.aborted) throw abortedError(url, asm.text, attempts);
        if (
          sendStreamOptions &&
          captured.error &&
          captured.error.status >= 400 &&
          captured.error.status < 500 &&
          /stream_options/i.test(captured.error.body)
        ) {
          sendStreamOptions = false; // not a failure of the server, just an older dialect: ask again at once
          attempts--;
          continue;
        }
        const failure = classify(err, captured.error, url, opts.model, timeoutMs);
        if (asm.delivered) throw midStreamError(failure, url, asm.text, attempts, err);
        if (!failure.retryable || retries >= maxRetries) {
          throw new ModelError(failure.message(attempts), failure.status, false, {
            url,
            attempts,
            partialText: asm.text,
            cause: failure.cause,
          });
        }
        retries++;
        const delayMs = retryDelay(retries, retryBaseMs, maxRetryDelayMs, failure.retryAfterMs);
        handlers.onRetry?.({ attempt: retries, delayMs, reason: failure.reason });
        await sleep(delayMs, req.signal);
        if (req.signal?.aborted) throw abortedError(url, "", attempts);
      }
    }
  }

  return { model: opts.model, baseURL: url, complete };
}

/** Collects one streamed response: text deltas in order, tool calls assembled from fragments by index. */
class TurnAssembler {
  text = "";
  /** True once anything reached a handler: from then on a retry would duplicate what the user saw. */
  delivered = false;
  private calls: { id: string; name: string; args: string; started: boolean }[] = [];
  /** Wire index -> position in `calls` (the latest call seen with that index). */
  private byIndex = new Map<number, number>();
  private finishReason: string | undefined;
  private usage: Usage | undefined;
  private sawChunk = false;

  constructor(private handlers: StreamHandlers) {}

  accept(chunk: OpenAI.Chat.ChatCompletionChunk): void {
    this.sawChunk = true;
    // Usage normally comes alone with `choices: []`, but some servers put it on the last choice chunk.
    if (chunk.usage) {
      const u = chunk.usage;
      this.usage = {
        promptTokens: u.prompt_tokens ?? 0,
        completionTokens: u.completion_tokens ?? 0,
        totalTokens: u.total_tokens ?? (u.prompt_tokens ?? 0) + (u.completion_tokens ?? 0),
      };
    }
    const choice = chunk.choices?.find((c) => (c.index ?? 0) === 0);
    if (!choice) return;
    const delta = choice.delta ?? {};
    if (typeof delta.content === "string" && delta.content.length > 0) {
      this.text += delta.content;
      this.delivered = true;
      this.handlers.onText?.(delta.content);
    }
    for (const frag of delta.tool_calls ?? []) this.acceptToolFragment(frag);
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  private acceptToolFragment(frag: OpenAI.Chat.ChatCompletionChunk.Choice.Delta.ToolCall): void {
    // A missing index (seen from some compat layers) means "a new call if it has an id, else the last one".
    const wireIndex = typeof frag.index === "number" ? frag.index : frag.id ? this.calls.length : this.calls.length - 1;
    let pos = this.byIndex.get(wireIndex);
    const existing = pos === undefined ? undefined : this.calls[pos];
    // Some servers number every parallel call 0; a different id with a name is then a new call, not a fragment.
    if (existing === undefined || (frag.id && existing.id && frag.id !== existing.id && frag.function?.name)) {
      pos = this.calls.push({ id: "", name: "", args: "", started: false }) - 1;
      this.byIndex.set(wireIndex, pos);
    }
    const call = this.calls[pos!];
    if (frag.id && !call.id) call.id = frag.id;
    if (frag.function?.name && !call.name) call.name = frag.function.name;
    const args: unknown = frag.function?.arguments;
    // Non-compliant servers occasionally send arguments as an object instead of a JSON string.
    if (typeof args === "string") call.args += args;
    else if (args && typeof args === "object") call.args += JSON.stringify(args);
    if (call.name && !call.started) {
      call.started = true;
      if (!call.id) call.id = generatedId(pos!);
      this.delivered = true;
      this.handlers.onToolCallStart?.({ index: pos!, id: call.id, name: call.name });
    }
  }

  finish(): ModelTurn {
    const toolCalls = this.calls
      // A call without a name is still a call the model made: it gets a tool error to read, not silence.
      // Only fragments that carry nothing at all (a stray empty delta) are dropped.
      .filter((c) => c.name || c.id || c.args.trim())
      .map((c, i) => ({
        id: c.id || generatedId(i),
        name: c.name,
        // No-argument calls often come with empty arguments; "{}" is what a parser expects.
        arguments: c.args.trim() === "" ? "{}" : c.args,
      }));
    if (!this.finishReason && !this.text && toolCalls.length === 0) {
      throw new EmptyStream(this.sawChunk ? "the stream ended without an answer" : "the server sent an empty stream");
    }
    return { text: this.text, toolCalls, finishReason: this.finishReason ?? "unknown", usage: this.usage };
  }
}

function generatedId(pos: number): string {
  return `call_${pos}_${Math.random().toString(36).slice(2, 10)}`;
}

/** Turn any error from one attempt into a Failure: status errors, connection errors, timeouts, stream errors. */
function classify(
  err: unknown,
  raw: RawErrorResponse | undefined,
  url: string,
  model: string,
  timeoutMs: number,
): Failure {
  const after = (n: number) => (n > 1 ? ` after ${n} attempts` : "");
  const status = raw?.status ?? statusOf(err);
  if (status !== undefined) {
    const head = `${status} ${raw?.statusText || process.getBuiltinModule("node:http").STATUS_CODES[status] || ""}`.trim();
    const body = excerpt(raw?.body ?? bodyOf(err));
    const detail = body ? `: ${body}` : "";
    const retryable = RETRYABLE_STATUS.has(status) || status >= 500;
    let message: (n: number) => string;
    if (status === 401 || status === 403) {
      message = () =>
        `Model request to ${url} was rejected (${head}): the API key is wrong or missing — set OPENAI_API_KEY (or the configured key) for this server${detail}`;
    } else if (status === 404) {
      message = () =>
        `Model request to ${url} failed (${head}): model "${model}" was not found — check the model name, and that the base URL is the API root (usually ending in /v1)${detail}`;
    } else {
      message = (n) => `Model request to ${url} failed${after(n)}: ${head}${detail}`;
    }
    return { retryable, reason: head, status, retryAfterMs: raw ? retryAfter(raw.headers) : undefined, message, cause: err };
  }
  if (err instanceof StreamTimeout || isNamed(err, "APIConnectionTimeoutError")) {
    const secs = `${Math.round(timeoutMs / 100) / 10}s`;
    return {
      retryable: true,
      reason: `timed out after ${secs}`,
      message: (n) => `Model request to ${url} timed out${after(n)}: no response for ${secs}`,
      cause: err,
    };
  }
  if (err instanceof EmptyStream) {
    return { retryable: true, reason: err.message, message: (n) => `Model request to ${url} failed${after(n)}: ${err.message}`, cause: err };
  }
  // Before the connection checks: JSON.parse's "Unterminated string" would otherwise read as a reset.
  if (err instanceof SyntaxError) {
    const reason = "the server sent a malformed stream (a chunk that is not valid JSON)";
    return { retryable: true, reason, message: (n) => `Model request to ${url} failed${after(n)}: ${reason}`, cause: err };
  }
  const conn = connectionProblem(err);
  if (conn) {
    const tries = (n: number) => (n > 1 ? ` (${n} attempts)` : "");
    return { retryable: conn.retryable, reason: conn.reason, message: (n) => `could not connect to ${url}: ${conn.text}${tries(n)}`, cause: err };
  }
  // An `error` object inside the stream (openai raises it as an APIError without a status), a malformed chunk, a bug.
  const apiBody = (err as { error?: unknown })?.error;
  const what = apiBody !== undefined ? `the server reported an error: ${excerpt(JSON.stringify(apiBody))}` : String((err as Error)?.message ?? err);
  return { retryable: false, reason: what, message: () => `Model request to ${url} failed: ${what}`, cause: err };
}

/** Connection-level problems are found by the `code` somewhere down the `cause` chain (fetch nests them). */
function connectionProblem(err: unknown): { reason: string; text: string; retryable: boolean } | undefined {
  const codes = new Set<string>();
  const messages: string[] = [];
  const seen = new Set<unknown>();
  const walk = (e: unknown) => {
    if (!e || typeof e !== "object" || seen.has(e)) return;
    seen.add(e);
    const anyE = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof anyE.code === "string") codes.add(anyE.code);
    if (typeof anyE.message === "string") messages.push(anyE.message);
    walk(anyE.cause);
    if (Array.isArray(anyE.errors)) anyE.errors.forEach(walk);
  };
  walk(err);
  const has = (...cs: string[]) => cs.some((c) => codes.has(c));
  if (has("ECONNREFUSED")) return { reason: "connection refused", text: "connection refused — is the server running?", retryable: true };
  if (has("ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED") || messages.some((m) => /terminated|other side closed|socket hang up/i.test(m))) {
    return { reason: "connection reset", text: "the connection was reset by the server", retryable: true };
  }
  if (has("ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT")) {
    return { reason: "connection timed out", text: "the connection timed out", retryable: true };
  }
  if (has("ENOTFOUND", "EAI_AGAIN")) return { reason: "host not found", text: "host not found — check the base URL", retryable: has("EAI_AGAIN") };
  if (has("EHOSTUNREACH", "ENETUNREACH")) return { reason: "network unreachable", text: "network unreachable", retryable: true };
  if ([...codes].some((c) => /CERT|SSL|TLS/.test(c))) return { reason: "TLS error", text: `TLS error (${[...codes].join(", ")})`, retryable: false };
  if (isNamed(err, "APIConnectionError")) {
    const inner = messages.filter((m) => m !== "Connection error.").pop() ?? "connection error";
    return { reason: inner, text: inner, retryable: true };
  }
  return undefined;
}

function midStreamError(failure: Failure, url: string, partialText: string, attempts: number, cause: unknown): ModelError {
  return new ModelError(
    `Model response from ${url} broke off after ${partialText.length} characters: ${failure.reason}`,
    failure.status,
    false,
    { url, attempts, partialText, cause },
  );
}

function abortedError(url: string, partialText: string, attempts: number): ModelError {
  return new ModelError("Model request was cancelled", undefined, true, { url, attempts, partialText });
}

function isNamed(err: unknown, name: "APIConnectionError" | "APIConnectionTimeoutError"): boolean {
  const cls = sdk?.[name];
  if (cls && err instanceof cls) return true;
  // By constructor name as well, for errors from an openai copy other than the one loaded here.
  let proto = err && typeof err === "object" ? Object.getPrototypeOf(err) : null;
  while (proto) {
    if (proto.constructor?.name === name) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === "number" ? s : undefined;
}

function bodyOf(err: unknown): string {
  const e = err as { error?: unknown; message?: unknown };
  if (e?.error !== undefined) return JSON.stringify({ error: e.error });
  return typeof e?.message === "string" ? e.message : "";
}

/** One line, at most 300 characters: enough to show the server's own explanation. */
function excerpt(body: string): string {
  const flat = body.replace(/\s+/g, " ").trim();
  return flat.length > 300 ? `${flat.slice(0, 300)}…` : flat;
}

/** `retry-after-ms` (OpenAI), then `Retry-After` in seconds or as an HTTP date. */
export function retryAfter(headers: { get(name: string): string | null }): number | undefined {
  const ms = Number.parseFloat(headers.get("retry-after-ms") ?? "");
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const secs = Number(value.trim());
  if (value.trim() !== "" && Number.isFinite(secs) && secs >= 0) return secs * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential backoff with ±25% jitter (so many clients do not retry in lockstep); the server's wish wins. */
export function retryDelay(retry: number, baseMs: number, capMs: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(capMs, Math.ceil(retryAfterMs));
  const exp = Math.min(capMs, baseMs * 2 ** (retry - 1));
  return Math.min(capMs, Math.round(exp * (0.75 + Math.random() * 0.5)));
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}
