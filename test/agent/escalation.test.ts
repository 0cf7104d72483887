import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { collect, harness, toolResults } from "../helpers/agent-harness.js";
import { BWRAP_INSTALL, requireProgram } from "../helpers/requires.js";
import type { AgentEvent } from "../../src/agent/events.js";

const bwrap = requireProgram("bwrap", BWRAP_INSTALL);
// Outside the project and outside /tmp (the sandbox's /tmp is private): read-only inside the sandbox.
const outside = mkdtempSync("/var/tmp/letta-escalation-");
afterAll(() => rmSync(outside, { recursive: true, force: true }));

type Request = Extract<AgentEvent, { type: "approval_request" }>;

describe.skipIf(!bwrap.present)(`a command the sandbox stopped${bwrap.note}`, () => {
  it("is offered to run again outside it; yes runs it there and the model is told", async () => {
    const h = await harness({ mode: "yolo" });
    const target = join(outside, "made-outside");
    h.server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: `touch ${target}` } }] }, { text: "ok" });
    const asked: Request[] = [];
    const events = await collect(h.session, "make it", { approve: async (req) => (asked.push(req), { decision: "yes" }) });
    // yolo skips approvals, never the sandbox: the only question is the escalation.
    expect(asked).toHaveLength(1);
    expect(asked[0].escalation).toBe(true);
    expect(asked[0].preview).toMatchObject({ kind: "shell", sandboxDenied: true });
    expect(existsSync(target)).toBe(true);
    expect(toolResults(events)[0].content).toMatch(/approved running it again outside the sandbox/);
  });

  it("no keeps it refused, and the model reads that the user declined", async () => {
    const h = await harness({ mode: "yolo" });
    const target = join(outside, "declined");
    h.server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: `touch ${target}` } }] }, { text: "ok" });
    const events = await collect(h.session, "make it", { approve: async () => ({ decision: "no" }) });
    expect(existsSync(target)).toBe(false);
    const result = toolResults(events)[0];
    expect(result.state).toBe("error");
    expect(result.content).toMatch(/Read-only file system/);
    expect(result.content).toMatch(/declined/);
  });

  it("without anyone to ask (headless), nothing is offered and the command stays stopped", async () => {
    const h = await harness({ mode: "yolo" });
    const target = join(outside, "headless");
    h.server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: `touch ${target}` } }] }, { text: "ok" });
    const events = await collect(h.session, "make it");
    expect(existsSync(target)).toBe(false);
    expect(toolResults(events)[0].content).toMatch(/--sandbox off/);
  });
});
