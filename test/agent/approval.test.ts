import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { alwaysEffect, decideApproval, settleApproval, type ApprovalStep, type Settled } from "../../src/agent/approval.js";
import type { AgentEvent } from "../../src/agent/events.js";
import { USER_DECLINED } from "../../src/agent/prompts.js";
import type { ApprovalDecision, Approver } from "../../src/agent/session.js";
import { ToolCallLifecycle } from "../../src/agent/tool-call-state.js";
import { PermissionGateImpl } from "../../src/permissions/gate.js";
import { PERMISSION_MODES, type PermissionMode } from "../../src/permissions/types.js";
import { codingTools } from "../../src/tools/index.js";
import { ToolRegistry } from "../../src/tools/registry.js";
import type { ShellSettings, ToolResult } from "../../src/tools/types.js";

const root = mkdtempSync(join(tmpdir(), "letta-approval-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const registry = new ToolRegistry(codingTools);

const CALLS = {
  command: { name: "run_shell", args: { command: "npm test" }, rule: "run_shell(npm test:*)" },
  write: { name: "write_file", args: { path: "a.txt", content: "x" }, rule: "write_file" },
} as const;
type CallName = keyof typeof CALLS;

/** What the gate does with each call before any answer, by mode (policy.ts is the authority; this is its table). */
const GATE: Record<PermissionMode, Record<CallName, "allow" | "ask" | "deny">> = {
  ask: { command: "ask", write: "ask" },
  "accept-edits": { command: "ask", write: "allow" },
  yolo: { command: "allow", write: "allow" },
  "read-only": { command: "deny", write: "deny" },
};

type Answer = ApprovalDecision["decision"] | "headless" | "interrupted";
const ANSWERS: Answer[] = ["yes", "always", "no", "headless", "interrupted"];

const SANDBOX_STOPPED: ToolResult = {
  content: "exit code 1\ntouch: cannot touch '/etc/x': Read-only file system",
  display: { kind: "shell", command: "touch /etc/x", exitCode: 1, output: "Read-only file system", timedOut: false, sandboxed: true, sandboxDenied: true },
  stoppedBySandbox: true,
};

/** One approval through the real gate and registry; the approver is the face: it only answers. */
async function settle(mode: PermissionMode, which: CallName, answer: Answer, escalation: boolean, shell: ShellSettings = { sandbox: true, allowUnsandboxed: false }) {
  const { name, args } = CALLS[which];
  const tool = registry.get(name)!;
  const gate = new PermissionGateImpl({ mode, allow: [], deny: [], projectRoot: root });
  const events: AgentEvent[] = [];
  const ac = new AbortController();
  const life = new ToolCallLifecycle({ id: "c1", name }, (e) => events.push(e));
  const asked: Extract<AgentEvent, { type: "approval_request" }>[] = [];
  const approve: Approver | undefined =
    answer === "headless"
      ? undefined
      : async (request) => {
          asked.push(request);
          if (answer === "interrupted") {
            ac.abort();
            return new Promise<never>(() => undefined);
          }
          return answer === "no" ? { decision: "no", reason: "not now" } : { decision: answer };
        };
  let step: ApprovalStep = { kind: "before_run", preview: async () => ({ kind: "text", text: "preview" }) };
  if (escalation) {
    life.to({ state: "running", unsandboxed: false });
    step = { kind: "sandbox_stopped", result: SANDBOX_STOPPED };
  }
  const settled = await settleApproval({ id: "c1", tool, args }, step, { gate, shell, approve, signal: ac.signal, lifecycle: life, emit: (e) => events.push(e) });
  const rulesAfter = [...gate.allow];
  return { settled, asked, events, life, gate, tool, args, shell, rulesAfter };
}

/** The one answer each case must come to. */
function expected(mode: PermissionMode, which: CallName, answer: Answer, escalation: boolean): Settled["next"] {
  if (escalation) {
    // yolo skips approvals, never the sandbox: leaving it is asked in every mode.
    if (answer === "headless") return "proceed";
    if (answer === "interrupted") return "cancel";
    return answer === "no" ? "deny" : "unsandboxed";
  }
  const gate = GATE[mode][which];
  if (gate !== "ask") return gate === "allow" ? "proceed" : "deny";
  if (answer === "interrupted") return "cancel";
  return answer === "yes" || answer === "always" ? "proceed" : "deny";
}

describe("settleApproval: each answer × permission mode × escalation", () => {
  for (const mode of PERMISSION_MODES)
    for (const which of Object.keys(CALLS) as CallName[])
      for (const escalation of [false, true])
        for (const answer of ANSWERS) {
          // read-only refuses commands before they run: there is never a sandboxed run to escalate from.
          if (escalation && (which !== "command" || GATE[mode][which] === "deny")) continue;
          it(`${mode} · ${which} · ${escalation ? "escalation" : "before run"} · ${answer}`, async () => {
            const r = await settle(mode, which, answer, escalation);
            const next = expected(mode, which, answer, escalation);
            expect(r.settled.next).toBe(next);
            const wasAsked = escalation ? answer !== "headless" : GATE[mode][which] === "ask" && answer !== "headless";
            expect(r.asked).toHaveLength(wasAsked ? 1 : 0);
            if (wasAsked) {
              const req = r.asked[0];
              expect(req.suggestedRule).toBe(CALLS[which].rule);
              // The kind travels as a typed field; nothing about it is in the preview's words.
              if (escalation) expect(req).toMatchObject({ escalation: true, preview: SANDBOX_STOPPED.display });
              else expect(req).not.toHaveProperty("escalation");
              expect(r.life.phase).toMatchObject({ state: "awaiting_approval", question: { kind: escalation ? "escalation" : "permission" } });
            }

            // "always" is the one widening, and which one depends only on the question's kind.
            const always = wasAsked && answer === "always";
            expect(r.shell.sandbox).toBe(!(always && escalation));
            expect(r.rulesAfter).toEqual(always && !escalation ? [CALLS[which].rule] : []);
            if (always && !escalation) expect(r.gate.decide(r.tool, r.args).action).toBe("allow");

            const results = r.events.filter((e) => e.type === "approval_result");
            if (!wasAsked || answer === "interrupted") expect(results).toEqual([]);
            else expect(results).toEqual([{ type: "approval_result", id: "c1", approved: answer !== "no", ...(answer === "no" ? { reason: "not now" } : {}) }]);

            if (r.settled.next === "deny") {
              const s = r.settled;
              if (GATE[mode][which] === "deny" && !escalation) expect(s).toMatchObject({ by: "rule", content: expect.stringMatching(/^Permission denied: read-only mode/) });
              else if (answer === "headless") expect(s).toMatchObject({ by: "headless", content: expect.stringContaining(`--allowed-tools "${CALLS[which].rule}"`) });
              else if (escalation) expect(s).toMatchObject({ by: "user", content: expect.stringMatching(/^exit code 1[\s\S]*declined/) });
              else expect(s).toEqual({ next: "deny", by: "user", content: USER_DECLINED(CALLS[which].name, "not now") });
            }
          });
        }

  it("a sandbox already off has nothing to escalate from, so nobody is asked", async () => {
    const r = await settle("ask", "command", "yes", true, { sandbox: false, allowUnsandboxed: true });
    expect(r.settled).toEqual({ next: "proceed" });
    expect(r.asked).toEqual([]);
  });
});

describe("decideApproval: hooks and a turn's own rules", () => {
  const tool = registry.get("write_file")!;
  const args = CALLS.write.args;
  const shell = { sandbox: true, allowUnsandboxed: false };
  const gate = (mode: PermissionMode, deny: string[] = []) => new PermissionGateImpl({ mode, allow: [], deny, projectRoot: root });
  const before = (over: Partial<Extract<ApprovalStep, { kind: "before_run" }>> = {}): ApprovalStep => ({
    kind: "before_run",
    preview: async () => ({ kind: "text", text: "" }),
    ...over,
  });
  const approve: Approver = async () => ({ decision: "yes" });

  it("a hook's deny beats yolo; its allow skips the question but never a deny rule or read-only mode", () => {
    expect(decideApproval({ tool, args }, before({ hook: { verdict: "deny", reason: "no" } }), { gate: gate("yolo"), shell, approve })).toMatchObject({ next: "deny", by: "hook" });
    expect(decideApproval({ tool, args }, before({ hook: { verdict: "allow" } }), { gate: gate("ask"), shell, approve })).toEqual({ next: "proceed" });
    expect(decideApproval({ tool, args }, before({ hook: { verdict: "allow" } }), { gate: gate("ask", ["write_file"]), shell, approve })).toMatchObject({ next: "deny", by: "rule" });
    expect(decideApproval({ tool, args }, before({ hook: { verdict: "allow" } }), { gate: gate("read-only"), shell, approve })).toMatchObject({ next: "deny", by: "rule" });
  });

  it("a hook's ask turns an allowed call into a question, with the hook's reason", () => {
    expect(decideApproval({ tool, args }, before({ hook: { verdict: "ask", reason: "check it" } }), { gate: gate("yolo"), shell, approve })).toMatchObject({
      next: "ask",
      question: { kind: "permission", reason: "check it", rule: "write_file" },
    });
    // ...and headless, that question is a refusal like any other.
    expect(decideApproval({ tool, args }, before({ hook: { verdict: "ask" } }), { gate: gate("yolo"), shell })).toMatchObject({ next: "deny", by: "headless" });
  });

  it("a turn's allow rule skips the question but not a deny", () => {
    const turnAllows = () => true;
    expect(decideApproval({ tool, args }, before({ turnAllows }), { gate: gate("ask"), shell })).toEqual({ next: "proceed" });
    expect(decideApproval({ tool, args }, before({ turnAllows }), { gate: gate("ask", ["write_file"]), shell })).toMatchObject({ next: "deny", by: "rule" });
  });

  it("what 'always' means is read from the request's typed kind", () => {
    const request = { type: "approval_request" as const, id: "c1", name: "run_shell", args: {}, preview: { kind: "text" as const, text: "" }, suggestedRule: "run_shell(npm test)" };
    expect(alwaysEffect(request)).toEqual({ kind: "remember_rule", rule: "run_shell(npm test)" });
    expect(alwaysEffect({ ...request, escalation: true })).toEqual({ kind: "stop_sandboxing" });
  });
});
