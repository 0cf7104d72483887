/** /mcp's panel at a narrow width: long tool lists wrap under their label, never to the margin. */
import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import { mcpCommand } from "../../src/tui/mcp-slash.js";
import type { ToolServerStatus } from "../../src/tools/types.js";
import { FakeSession } from "./fake-session.js";
import { renderApp } from "./helpers.js";

afterEach(() => cleanup());

const server: ToolServerStatus = {
  name: "files",
  scope: "project",
  transport: "stdio",
  state: "connected",
  tools: Array.from({ length: 9 }, (_, i) => `read_thing_${i}`),
  prompts: ["summarise", "review_changes", "explain_this_file"],
};

describe("/mcp", () => {
  it("at 60 columns wraps a server's tools and prompts with an indent under the server", async () => {
    const view = { servers: () => [server], prompts: () => [], renderPrompt: async () => "" };
    const app = renderApp(new FakeSession(), { extraSlash: [mcpCommand(view)] });
    app.setSize(60, 40);
    await app.submit("/mcp");
    const f = await app.waitFor((f) => f.includes("MCP servers") && f.includes("prompts:"));
    const lines = f.split("\n");
    const from = lines.findIndex((l) => l.startsWith("    tools: "));
    const to = lines.findIndex((l) => l.startsWith("    prompts: "));
    expect(from).toBeGreaterThan(0);
    const toolRows = lines.slice(from, to);
    expect(toolRows.length).toBeGreaterThan(2);
    expect(toolRows.every((l) => [...l].length <= 60)).toBe(true);
    // Continuation rows start under the first tool name (column 11), not at the margin.
    for (const l of toolRows.slice(1)) expect(l).toMatch(/^ {11}mcp__files__/);
    const named = toolRows.join(" ").match(/mcp__files__read_thing_\d/g);
    expect(named).toHaveLength(9);
    const promptRows = lines.slice(to, to + 3).filter((l) => l.includes("/mcp__files__") );
    for (const l of promptRows.slice(1)) expect(l).toMatch(/^ {13}\/mcp__files__/);
  });
});
