/** What the approval box says about where a command will run, from the real shell tool's preview. */
import { describe, expect, it } from "vitest";
import { collect, harness } from "../helpers/agent-harness.js";
import { previewLines } from "../../src/tui/approval.js";
import type { AgentEvent } from "../../src/agent/events.js";

type Req = Extract<AgentEvent, { type: "approval_request" }>;

async function askedFor(command: string, network?: boolean): Promise<string[]> {
  const h = await harness({ mode: "ask", flags: network === undefined ? {} : { sandboxNetwork: network } });
  h.server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command } }] }, { text: "ok" });
  const asked: Req[] = [];
  await collect(h.session, "run it", { approve: async (req) => (asked.push(req), { decision: "no" }) });
  expect(asked).toHaveLength(1);
  return previewLines(asked[0]!, 76, 10).map((l) => l.map((s) => s.text).join("").trim());
}

describe("the approval box's note on where a command runs", () => {
  it("says it plainly, without parentheses inside parentheses", async () => {
    for (const network of [undefined, true]) {
      const rows = await askedFor("ls -la", network);
      expect(rows[0]).toBe("$ ls -la");
      const where = rows.find((r) => r.startsWith("runs "));
      expect(where).toMatch(/^runs (in the project directory|in the sandbox: read-only system, (no network|network allowed))$/);
      expect(rows.join("\n")).not.toContain("(");
    }
  });
});
