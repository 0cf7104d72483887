import { describe, expect, it } from "vitest";
import { computeSchema, parseToolArgs, ToolRegistry } from "../../src/tools/registry.js";
import { adaptTool, formatResult, mcpToolName, sanitizeSchema } from "../../src/mcp/tool-adapter.js";

describe("MCP tool adapter", () => {
  it("names tools mcp__server__tool within the providers' alphabet and length", () => {
    expect(mcpToolName("github", "get_issue")).toBe("mcp__github__get_issue");
    expect(mcpToolName("my server", "do.thing")).toBe("mcp__my_server__do_thing");
    expect(mcpToolName("s", "x".repeat(100))).toHaveLength(64);
  });

  it("passes the server's schema through, fixing only what providers reject", () => {
    const schema = { $schema: "http://json-schema.org/draft-07/schema#", type: "object", properties: { q: { type: "string", minLength: 2 } }, required: ["q"] };
    expect(sanitizeSchema(schema as never)).toEqual({ type: "object", properties: { q: { type: "string", minLength: 2 } }, required: ["q"] });
    expect(sanitizeSchema(undefined)).toEqual({ type: "object", properties: {} });
    const tool = adaptTool("s", { name: "find", inputSchema: schema as never, annotations: { readOnlyHint: true } }, { callTool: async () => ({ content: [] }) });
    expect(tool.kind).toBe("read");
    expect(computeSchema(tool).function.parameters).toEqual(sanitizeSchema(schema as never));
    expect(adaptTool("s", { name: "w", inputSchema: { type: "object" } }, { callTool: async () => ({ content: [] }) }).kind).toBe("exec");
    // Arguments must be an object; the rest is the server's to check.
    expect(parseToolArgs(tool, '{"q": 1}').ok).toBe(true);
    expect(parseToolArgs(tool, "[1]")).toMatchObject({ ok: false, error: expect.stringMatching(/Invalid arguments for mcp__s__find/) });
  });

  it("formats results: text, image placeholders, embedded resources, structured content, errors", () => {
    expect(formatResult({ content: [{ type: "text", text: "a" }, { type: "image", data: "AAAA", mimeType: "image/png" }] })).toBe("a\n[image: image/png, 3 bytes]");
    expect(formatResult({ content: [{ type: "resource", resource: { uri: "file:///x", text: "body" } }] })).toBe("[resource file:///x]\nbody");
    expect(formatResult({ content: [], structuredContent: { n: 1 } })).toBe('{"n":1}');
    expect(formatResult({ content: [], isError: true })).toBe("(the tool failed without a message)");
  });

  it("caps a huge result like any other tool output, and marks isError", async () => {
    const tool = adaptTool("s", { name: "big", inputSchema: { type: "object" } }, {
      callTool: async () => ({ content: [{ type: "text", text: "line\n".repeat(50_000) }], isError: true }),
    });
    const r = await tool.run({}, { signal: new AbortController().signal } as never);
    expect(r.isError).toBe(true);
    expect(r.content.length).toBeLessThan(12_000);
    expect(r.content).toMatch(/omitted/);
  });

  it("the registry takes extra tools after construction; built-in names win", () => {
    const builtin = adaptTool("s", { name: "a", inputSchema: { type: "object" } }, { callTool: async () => ({ content: [] }) });
    const reg = new ToolRegistry([builtin]);
    const before = reg.schemas;
    const extra = adaptTool("t", { name: "b", inputSchema: { type: "object" } }, { callTool: async () => ({ content: [] }) });
    reg.setExtra([extra, { ...extra, name: builtin.name }]);
    expect(reg.names()).toEqual(["mcp__s__a", "mcp__t__b"]);
    expect(reg.schemas).not.toBe(before);
    // The same tools again: nothing recomputed, so the context's token count stays cached.
    const same = reg.schemas;
    reg.setExtra([extra]);
    expect(reg.schemas).toBe(same);
    // A server went away: its tools leave the list.
    reg.setExtra([]);
    expect(reg.schemas.map((s) => s.function.name)).toEqual(["mcp__s__a"]);
    expect(reg.get("mcp__t__b")).toBeUndefined();
  });
});
