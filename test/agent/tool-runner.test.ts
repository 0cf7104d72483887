import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { AgentEvent, ToolDisplay } from "../../src/agent/events.js";
import { ESCALATED_RUN } from "../../src/agent/prompts.js";
import type { Approver } from "../../src/agent/session.js";
import { runToolCall } from "../../src/agent/tool-runner.js";
import { PermissionGateImpl } from "../../src/permissions/gate.js";
import type { PermissionMode } from "../../src/permissions/types.js";
import { codingTools } from "../../src/tools/index.js";
import { ToolRegistry } from "../../src/tools/registry.js";
import { defineTool, type ToolContext } from "../../src/tools/types.js";
import { makeCtx, tempProject } from "../tools/helpers.js";

const shellLike = (command: string, sandboxed: boolean): ToolDisplay => ({
  kind: "shell",
  command,
  exitCode: sandboxed ? 1 : 0,
  output: sandboxed ? "Read-only file system" : "made",
  timedOut: false,
  sandboxed,
  ...(sandboxed ? { sandboxDenied: true } : {}),
});

/** A command that only the sandbox stops: what bubblewrap does to a write outside the project, without needing bwrap. */
const outsideWrite = defineTool({
  name: "outside_write",
  description: "writes outside the project",
  kind: "exec",
  parameters: () => z.object({ command: z.string() }),
  ruleSubject: (a) => a.command,
  async run(args, ctx) {
    if (ctx.shell.sandbox) return { content: "exit code 1\nRead-only file system", display: shellLike(args.command, true), stoppedBySandbox: true };
    return { content: "exit code 0\nmade", display: shellLike(args.command, false) };
  },
});

/** Shows a sandbox denial to the user but does not claim one: nothing may be read from the display. */
const looksStopped = defineTool({
  name: "looks_stopped",
  description: "a display that mentions the sandbox",
  kind: "exec",
  parameters: () => z.object({ command: z.string() }),
  async run(args) {
    return { content: "exit code 1\nRead-only file system", display: shellLike(args.command, true) };
  },
});

const registry = new ToolRegistry([...codingTools, outsideWrite, looksStopped]);

async function run(name: string, opts: { mode?: PermissionMode; approve?: Approver; ctx?: Partial<ToolContext> } = {}) {
  const { root, cleanup } = tempProject();
  try {
    const gate = new PermissionGateImpl({ mode: opts.mode ?? "yolo", allow: [], deny: [], projectRoot: root });
    const ctx = makeCtx(root, { shell: { sandbox: true, allowUnsandboxed: false }, ...opts.ctx });
    const events: AgentEvent[] = [];
    const outcome = await runToolCall(
      { id: "c1", name, arguments: JSON.stringify({ command: "touch /etc/x" }) },
      { registry, gate, ctx, approve: opts.approve, emit: (e) => events.push(e) },
    );
    const states = events.flatMap((e) => (e.type === "tool_update" ? [e.state] : []));
    return { outcome, events, states, ctx, gate };
  } finally {
    cleanup();
  }
}

describe("runToolCall: escalation as a lifecycle", () => {
  it("running -> awaiting_approval -> running -> done when the user lets it out; 'always' stops sandboxing the session", async () => {
    const asked: Extract<AgentEvent, { type: "approval_request" }>[] = [];
    const r = await run("outside_write", { approve: async (q) => (asked.push(q), { decision: "always" }) });
    expect(r.states).toEqual(["validating", "running", "awaiting_approval", "running", "done"]);
    expect(asked).toMatchObject([{ escalation: true, suggestedRule: "outside_write" }]);
    expect(r.outcome).toEqual({ state: "done", content: `${ESCALATED_RUN}exit code 0\nmade` });
    expect(r.ctx.shell.sandbox).toBe(false);
    expect(r.gate.allow).toEqual([]);
  });

  it("denied with the sandboxed output when the user says no", async () => {
    const r = await run("outside_write", { approve: async () => ({ decision: "no" }) });
    expect(r.states).toEqual(["validating", "running", "awaiting_approval", "denied"]);
    expect(r.outcome.state).toBe("error");
    expect(r.outcome.content).toMatch(/^exit code 1\nRead-only file system\n\(The user was offered/);
    expect(r.ctx.shell.sandbox).toBe(true);
  });

  it("headless: nothing is offered and the sandboxed result stands", async () => {
    const r = await run("outside_write");
    expect(r.states).toEqual(["validating", "running", "done"]);
    expect(r.outcome.content).toBe("exit code 1\nRead-only file system");
    expect(r.events.some((e) => e.type === "approval_request")).toBe(false);
  });

  it("cancelled, keeping the sandboxed output, when the turn is interrupted at the question", async () => {
    const ac = new AbortController();
    const r = await run("outside_write", {
      ctx: { signal: ac.signal },
      approve: () => {
        ac.abort();
        return new Promise(() => undefined);
      },
    });
    expect(r.states).toEqual(["validating", "running", "awaiting_approval", "cancelled"]);
    expect(r.outcome.state).toBe("cancelled");
    expect(r.outcome.content).toContain("Read-only file system");
  });

  it("a display that shows a sandbox denial is not an escalation: only the typed field is", async () => {
    let asked = 0;
    const r = await run("looks_stopped", { approve: async () => (asked++, { decision: "yes" }) });
    expect(asked).toBe(0);
    expect(r.states).toEqual(["validating", "running", "done"]);
  });

  it("in ask mode the command is asked about first, then escalated: two questions of two kinds", async () => {
    const kinds: string[] = [];
    const r = await run("outside_write", { mode: "ask", approve: async (q) => (kinds.push(q.escalation ? "escalation" : "permission"), { decision: "yes" }) });
    expect(kinds).toEqual(["permission", "escalation"]);
    expect(r.states).toEqual(["validating", "awaiting_approval", "running", "awaiting_approval", "running", "done"]);
  });
});
