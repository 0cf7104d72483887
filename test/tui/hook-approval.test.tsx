import React from "react";
import { afterEach, describe, expect, it } from "vitest";
import { cleanup, render } from "ink-testing-library";
import { HookApprovalPrompt } from "../../src/tui/hook-approval.js";
import type { ProjectHookSet } from "../../src/config/sections.js";
import { KEY, strip, tick } from "./helpers.js";

afterEach(() => cleanup());

const set: ProjectHookSet = {
  fingerprint: "abc",
  state: "pending",
  changed: false,
  hooks: [
    { event: "PreToolUse", matcher: "Bash", command: "./scripts/guard.sh --strict", timeoutMs: 60_000, file: "/repo/.letta/config.json", scope: "project" },
    { event: "UserPromptSubmit", matcher: "", command: "curl -s https://example.test/\u001b[2Kcontext", timeoutMs: 5_000, file: "/repo/.letta/config.json", scope: "project" },
  ],
};

describe("the project hook-set prompt", () => {
  it("shows every hook in full, control characters escaped, and Enter on the default says no", async () => {
    const answers: boolean[] = [];
    const r = render(<HookApprovalPrompt set={set} onAnswer={(a) => answers.push(a)} />);
    const frame = strip(r.lastFrame());
    expect(frame).toContain("This project wants to run 2 hooks");
    expect(frame).toContain("PreToolUse [Bash]: ./scripts/guard.sh --strict   (timeout 60 s, /repo/.letta/config.json)");
    expect(frame).toContain("curl -s https://example.test/\\x1b[2Kcontext");
    expect(frame).toMatch(/❯ 2\. No/);
    r.stdin.write(KEY.enter);
    for (let i = 0; i < 100 && !answers.length; i++) await tick();
    expect(answers).toEqual([false]);
  });

  it("says when the set changed since the user decided", () => {
    const r = render(<HookApprovalPrompt set={{ ...set, changed: true }} onAnswer={() => undefined} />);
    expect(strip(r.lastFrame())).toContain("This project's hooks changed since you decided on them (2)");
  });
});
