// A small MCP server over stdio for tests and benches, written with the official SDK.
// Modes: `node mcp-stdio-server.mjs [serve|hang]`. Env MCP_PIDFILE: write the pid there on start.
// serve: tools add (read-only), write_note (exec: appends to MCP_NOTES), crash (exits mid-call),
//        grow (adds a tool: tools/list_changed), sleep (for tool timeouts), a resource test://readme,
//        a prompt `review`. hang: reads stdin and never answers, not even initialize.
import { appendFileSync, writeFileSync } from "node:fs";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const mode = process.argv[2] ?? "serve";
if (process.env.MCP_PIDFILE) writeFileSync(process.env.MCP_PIDFILE, String(process.pid));

if (mode === "hang") {
  process.stdin.resume();
  // Exits on stdin EOF like a real server would; until then it swallows everything.
  process.stdin.on("end", () => process.exit(0));
} else {
  const server = new McpServer({ name: "test-stdio", version: "1.0.0" });
  server.registerTool(
    "add",
    { description: "Add two numbers", inputSchema: { a: z.number(), b: z.number() }, annotations: { readOnlyHint: true } },
    async ({ a, b }) => ({ content: [{ type: "text", text: `sum=${a + b}` }] }),
  );
  server.registerTool(
    "write_note",
    { description: "Append a note to the notes file", inputSchema: { note: z.string() } },
    async ({ note }) => {
      appendFileSync(process.env.MCP_NOTES ?? "/dev/null", `${note}\n`);
      return { content: [{ type: "text", text: "noted" }] };
    },
  );
  server.registerTool("crash", { description: "Crash the server mid-call", inputSchema: {} }, async () => {
    process.stderr.write("test server: crashing on purpose\n");
    process.exit(3);
  });
  server.registerTool("grow", { description: "Add a tool named grown (sends tools/list_changed)", inputSchema: {} }, async () => {
    server.registerTool("grown", { description: "A tool added at run time", inputSchema: {}, annotations: { readOnlyHint: true } }, async () => ({
      content: [{ type: "text", text: "I am new" }],
    }));
    return { content: [{ type: "text", text: "grew" }] };
  });
  server.registerTool("sleep", { description: "Answer after ms milliseconds", inputSchema: { ms: z.number() }, annotations: { readOnlyHint: true } }, async ({ ms }) => {
    await new Promise((r) => setTimeout(r, ms));
    return { content: [{ type: "text", text: "awake" }] };
  });
  server.registerResource("readme", "test://readme", { mimeType: "text/plain" }, async (uri) => ({
    contents: [{ uri: uri.href, mimeType: "text/plain", text: "README CONTENT from the server" }],
  }));
  server.registerPrompt(
    "review",
    { description: "Review a file", argsSchema: { file: z.string() } },
    ({ file }) => ({ messages: [{ role: "user", content: { type: "text", text: `Please review ${file} carefully.` } }] }),
  );
  await server.connect(new StdioServerTransport());
}
