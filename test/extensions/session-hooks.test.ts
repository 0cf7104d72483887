import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, doneOf, harness } from "../helpers/agent-harness.js";

const hook = (command: string, matcher = "") => [{ matcher, hooks: [{ type: "command", command }] }];
const waitFor = async (p: string, ms = 3000) => {
  for (const end = Date.now() + ms; Date.now() < end && !existsSync(p); ) await new Promise((r) => setTimeout(r, 20));
  return existsSync(p);
};

describe("hooks around approvals and compaction", () => {
  it("Notification runs while an approval waits; PreCompact runs before /compact summarises", async () => {
    const h = await harness();
    const dir = join(h.root, ".config", "letta-code");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({
        sandbox: false,
        hooks: {
          // Written whole, then renamed: the test polls for the file and must not read it half-written.
          Notification: hook('cat > "$CLAUDE_PROJECT_DIR/notified.tmp" && mv "$CLAUDE_PROJECT_DIR/notified.tmp" "$CLAUDE_PROJECT_DIR/notified.json"'),
          PreCompact: hook('cat > "$CLAUDE_PROJECT_DIR/precompact.json"'),
        },
      }),
    );
    const { session } = h.reopen();
    h.server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: "echo hi" } }] }, { text: "done" });
    let sawNotification = false;
    const events = await collect(session, "run it", {
      approve: async () => {
        sawNotification = await waitFor(join(h.root, "notified.json"));
        return { decision: "no" };
      },
    });
    expect(doneOf(events).reason).toBe("answer");
    expect(sawNotification).toBe(true);
    const n = JSON.parse(readFileSync(join(h.root, "notified.json"), "utf8"));
    expect(n).toMatchObject({ hook_event_name: "Notification", tool_name: "run_shell" });
    expect(n.message).toContain("run_shell");

    h.server.enqueue({ text: "summary of the talk" });
    await session.compact();
    expect(JSON.parse(readFileSync(join(h.root, "precompact.json"), "utf8"))).toMatchObject({ hook_event_name: "PreCompact", trigger: "manual" });
  });
});
