import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { SSEServerTransport } from "@modelcontextprotocol/sdk/server/sse.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { z } from "zod";

export interface HttpMcpServer {
  url: string;
  /** An endpoint that speaks only the older HTTP+SSE transport (GET /sse, POST /messages). */
  sseUrl: string;
  /** Tool calls received, in order. */
  calls: { tool: string; args: unknown }[];
  /** Request headers seen (lower-cased), to check `headers` from the config arrive. */
  headers: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
}

/** A Streamable HTTP MCP server on 127.0.0.1 (stateless: a fresh server per request), written with the SDK. */
export async function startHttpMcpServer(): Promise<HttpMcpServer> {
  const calls: HttpMcpServer["calls"] = [];
  const headers: HttpMcpServer["headers"] = [];
  const build = () => {
    const s = new McpServer({ name: "test-http", version: "1.0.0" });
    s.registerTool(
      "lookup",
      {
        description: "Look up an issue by number",
        inputSchema: { number: z.number().int() },
        outputSchema: { number: z.number(), title: z.string() },
        annotations: { readOnlyHint: true },
      },
      async ({ number }) => {
        calls.push({ tool: "lookup", args: { number } });
        const data = { number, title: `Issue ${number} title` };
        return { content: [{ type: "text", text: JSON.stringify(data) }], structuredContent: data };
      },
    );
    s.registerTool("picture", { description: "Returns an image", inputSchema: {}, annotations: { readOnlyHint: true } }, async () => {
      calls.push({ tool: "picture", args: {} });
      return {
        content: [
          { type: "text", text: "here it is" },
          { type: "image", data: Buffer.alloc(3000).toString("base64"), mimeType: "image/png" },
        ],
      };
    });
    return s;
  };
  const sse = new Map<string, SSEServerTransport>();
  const http: Server = createServer(async (req, res) => {
    headers.push(req.headers);
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/sse" && req.method === "GET") {
      const transport = new SSEServerTransport("/messages", res);
      sse.set(transport.sessionId, transport);
      res.on("close", () => sse.delete(transport.sessionId));
      await build().connect(transport);
      return;
    }
    if (path === "/messages") {
      const id = new URL(req.url ?? "/", "http://x").searchParams.get("sessionId") ?? "";
      const transport = sse.get(id);
      if (!transport) return void res.writeHead(404).end();
      await transport.handlePostMessage(req, res);
      return;
    }
    // The SSE-only endpoint refuses Streamable HTTP's POST, as an old server would.
    if (path === "/sse") return void res.writeHead(405).end();
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    const server = build();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  });
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    sseUrl: `http://127.0.0.1:${port}/sse`,
    calls,
    headers,
    close: () =>
      new Promise((r) => {
        for (const t of sse.values()) void t.close();
        http.closeAllConnections();
        http.close(() => r());
      }),
  };
}
