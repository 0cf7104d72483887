import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpFetch } from "../../src/llm/http-fetch.js";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => handler(req, body, res));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server };
}

let a: { url: string; server: Server };
let b: { url: string; server: Server };
beforeAll(async () => {
  b = await serve((req, body, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ where: "b", method: req.method, auth: req.headers.authorization ?? null, body }));
  });
  a = await serve((req, body, res) => {
    const path = req.url ?? "/";
    if (path === "/echo") {
      res.setHeader("content-type", "application/json");
      res.setHeader("x-multi", "one");
      res.appendHeader("x-multi", "two");
      return res.end(JSON.stringify({ method: req.method, headers: req.headers, body }));
    }
    if (path === "/same-origin") {
      res.writeHead(307, { location: "/echo" });
      return res.end();
    }
    if (path === "/elsewhere") {
      res.writeHead(302, { location: `${b.url}/landing` });
      return res.end();
    }
    if (path === "/gzip") {
      res.writeHead(200, { "content-encoding": "gzip", "content-type": "text/plain" });
      return res.end(gzipSync("squeezed text"));
    }
    if (path === "/bad-gzip") {
      res.writeHead(200, { "content-encoding": "gzip", "content-type": "text/event-stream" });
      return res.end("data: not compressed\n\n");
    }
    if (path === "/with-credentials") {
      res.writeHead(307, { location: `${b.url.replace("://", "://user:pass@")}/landing` });
      return res.end();
    }
    if (path === "/empty") {
      res.writeHead(204);
      return res.end();
    }
    if (path === "/hang") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      return; // never ends
    }
    if (path === "/cut") {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.write("data: first\n\n");
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    res.writeHead(404, "Nope", { "retry-after": "3" });
    res.end("missing");
  });
});
afterAll(() => {
  a.server.closeAllConnections();
  b.server.closeAllConnections();
  a.server.close();
  b.server.close();
});

describe("httpFetch (the model client's fetch, on node:http)", () => {
  it("sends the method, headers and body, and reads status, headers and JSON back", async () => {
    const res = await httpFetch(`${a.url}/echo`, { method: "post", headers: { "X-Title": "letta", Authorization: "Bearer k" }, body: JSON.stringify({ hi: "é" }) });
    expect(res.ok).toBe(true);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.headers.get("x-multi")).toBe("one, two");
    const seen = (await res.json()) as { method: string; headers: Record<string, string>; body: string };
    expect(seen.method).toBe("POST");
    expect(seen.headers["x-title"]).toBe("letta");
    expect(seen.headers.authorization).toBe("Bearer k");
    expect(seen.headers["content-length"]).toBe(String(Buffer.byteLength(JSON.stringify({ hi: "é" }))));
    expect(seen.body).toBe(JSON.stringify({ hi: "é" }));
    await expect(res.text()).rejects.toThrow(/already been read/);
  });

  it("takes headers as a WHATWG Headers, pairs or a record", async () => {
    for (const headers of [new Headers({ "x-k": "v" }), [["x-k", "v"]] as [string, string][], { "x-k": "v" }]) {
      const seen = (await (await httpFetch(`${a.url}/echo`, { headers })).json()) as { headers: Record<string, string> };
      expect(seen.headers["x-k"]).toBe("v");
    }
  });

  it("refuses a header value with a line break instead of sending a second header", async () => {
    await expect(httpFetch(`${a.url}/echo`, { headers: { "x-k": "v\r\nx-evil: 1" } })).rejects.toThrow(TypeError);
  });

  it("follows a redirect on the same origin with the same method and body", async () => {
    const res = await httpFetch(`${a.url}/same-origin`, { method: "POST", body: "payload", headers: { authorization: "Bearer k" } });
    expect(res.redirected).toBe(true);
    expect(res.url).toBe(`${a.url}/echo`);
    const seen = (await res.json()) as { method: string; body: string; headers: Record<string, string> };
    expect(seen).toMatchObject({ method: "POST", body: "payload" });
    expect(seen.headers.authorization).toBe("Bearer k");
  });

  it("does not carry the API key to another origin a redirect points at", async () => {
    const res = await httpFetch(`${a.url}/elsewhere`, { method: "POST", body: "payload", headers: { authorization: "Bearer secret" } });
    expect(await res.json()).toEqual({ where: "b", method: "GET", auth: null, body: "" });
  });

  it("refuses a redirect to a URL with a user name or password, which fetch refuses too", async () => {
    const err = await httpFetch(`${a.url}/with-credentials`, { method: "POST", body: "payload" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).cause).toMatchObject({ message: "refused a redirect to a URL with a user name or password in it" });
  });

  it("says a body that does not decompress is the server's, not zlib's bare words", async () => {
    const res = await httpFetch(`${a.url}/bad-gzip`);
    const err = await (async () => {
      for await (const _ of res.body!) void _;
    })().catch((e: unknown) => e);
    expect((err as Error).message).toBe("the server sent a gzip body that does not decompress (incorrect header check)");
  });

  it("decodes a gzip body, and gives no body for 204", async () => {
    expect(await (await httpFetch(`${a.url}/gzip`)).text()).toBe("squeezed text");
    const empty = await httpFetch(`${a.url}/empty`);
    expect(empty.body).toBeNull();
    expect(await empty.text()).toBe("");
  });

  it("keeps a non-2xx status, its text and its headers", async () => {
    const res = await httpFetch(`${a.url}/nowhere`);
    expect(res.ok).toBe(false);
    expect([res.status, res.statusText, res.headers.get("retry-after")]).toEqual([404, "Nope", "3"]);
    expect(await res.text()).toBe("missing");
  });

  it("rejects with the abort reason when aborted before the answer and while the body streams", async () => {
    const before = new AbortController();
    before.abort();
    await expect(httpFetch(`${a.url}/echo`, { signal: before.signal })).rejects.toMatchObject({ name: "AbortError" });

    const during = new AbortController();
    const res = await httpFetch(`${a.url}/hang`, { signal: during.signal });
    const chunks: string[] = [];
    const reading = (async () => {
      for await (const chunk of res.body!) {
        chunks.push(Buffer.from(chunk).toString());
        during.abort();
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: "AbortError" });
    expect(chunks.join("")).toBe("data: first\n\n");
  });

  it("reports a refused connection and a cut stream with the socket's error code, as fetch does", async () => {
    const closed = await serve(() => undefined);
    const url = closed.url;
    await new Promise((r) => closed.server.close(r));
    const refused = await httpFetch(`${url}/`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect((refused as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");

    const res = await httpFetch(`${a.url}/cut`);
    const cut = await (async () => {
      for await (const _ of res.body!) void _;
    })().catch((e: unknown) => e);
    expect((cut as { code?: string }).code).toBe("ECONNRESET");
  });
});

describe("an error body from a server that does not stop", () => {
  it("is read up to the limit asked and the rest left on the wire", async () => {
    let sent = 0;
    const endless = createServer((_req, res) => {
      res.writeHead(500, { "content-type": "text/plain" });
      const chunk = Buffer.alloc(64 * 1024, "x");
      const pump = () => {
        while (sent < 1024 * 1024 * 1024 && res.write(chunk)) sent += chunk.length;
        if (sent < 1024 * 1024 * 1024) res.once("drain", pump);
        else res.end();
      };
      pump();
      res.on("close", () => undefined);
    });
    await new Promise<void>((r) => endless.listen(0, "127.0.0.1", r));
    const { port } = endless.address() as { port: number };
    try {
      const res = await httpFetch(`http://127.0.0.1:${port}/`);
      const text = await res.textUpTo(100_000);
      expect(text.length).toBe(100_000);
      expect(sent).toBeLessThan(64 * 1024 * 1024);
    } finally {
      endless.closeAllConnections();
      endless.close();
    }
  });
});
