import type { AgentEvent, ToolDisplay } from "./events.js";
import type { ApprovalDecision, Approver } from "./session.js";
import type { PermissionGate } from "../permissions/types.js";
import type { ShellSettings, Tool, ToolResult } from "../tools/types.js";
import type { DeniedBy, ToolCallLifecycle } from "./tool-call-state.js";
import { ESCALATION_DECLINED, HEADLESS_REFUSAL, HOOK_BLOCKED, USER_DECLINED } from "./prompts.js";

/*
 * Every approval a tool call can meet is decided and applied here, once: the gate's verdict, a hook's,
 * a turn's own allow rules, a run where nobody can answer, and what the user's answer does. Faces only
 * show the request and hand back the answer.
 */

export type ApprovalRequest = Extract<AgentEvent, { type: "approval_request" }>;

/** Why the user is asked, as a typed kind: nothing reads it out of a message or a preview. */
export type ApprovalQuestion =
  | { kind: "permission"; rule: string; reason: string }
  /** The command already ran in the sandbox and the sandbox stopped it: may it run again outside? */
  | { kind: "escalation"; rule: string; sandboxed: ToolResult };

/** What "yes, always" does: the one definition the runner applies and faces put into words. */
export type AlwaysEffect = { kind: "remember_rule"; rule: string } | { kind: "stop_sandboxing" };

export function alwaysEffect(request: ApprovalRequest): AlwaysEffect {
  return request.escalation ? { kind: "stop_sandboxing" } : { kind: "remember_rule", rule: request.suggestedRule };
}

export type HookVerdict = { verdict?: "allow" | "deny" | "ask"; reason?: string };

/** The two moments a call may need approval. */
export type ApprovalStep =
  | {
      kind: "before_run";
      hook?: HookVerdict;
      /** Allow rules of this turn only (a custom command's `allowed-tools`); they never beat a deny. */
      turnAllows?: (tool: Tool, args: unknown) => boolean;
      preview: () => Promise<ToolDisplay>;
    }
  | { kind: "sandbox_stopped"; result: ToolResult };

/** Where the call goes next. */
export type Settled =
  /** Nothing changes: before a run, it runs as configured; after the sandbox stopped it, that result stands. */
  | { next: "proceed" }
  /** The user let a command the sandbox stopped run again outside it. */
  | { next: "unsandboxed" }
  | { next: "deny"; by: DeniedBy; content: string }
  | { next: "cancel" };

export type Verdict = Exclude<Settled, { next: "unsandboxed" | "cancel" }> | { next: "ask"; question: ApprovalQuestion };

export interface ApprovalDeps {
  gate: PermissionGate;
  /** The session's own shell settings: "always" on an escalation turns their sandbox off. */
  shell: ShellSettings;
  /** Absent when nobody can answer (headless): what would ask is refused, and no escalation is offered. */
  approve?: Approver;
  signal: AbortSignal;
  lifecycle: ToolCallLifecycle;
  emit: (e: AgentEvent) => void;
  /** The user is being asked (the Notification hook). */
  waiting?: (rule: string) => void;
}

/** Whether the call may go on, must be refused, or needs the user; no side effects. */
export function decideApproval(
  call: { tool: Tool; args: unknown },
  step: ApprovalStep,
  deps: Pick<ApprovalDeps, "gate" | "shell" | "approve">,
): Verdict {
  const { tool, args } = call;
  const { gate } = deps;
  const interactive = deps.approve !== undefined;
  if (step.kind === "sandbox_stopped") {
    // A sandbox already turned off (an earlier "always") has nothing to escalate from.
    if (!interactive || !deps.shell.sandbox) return { next: "proceed" };
    return { next: "ask", question: { kind: "escalation", rule: gate.suggestRule(tool, args), sandboxed: step.result } };
  }
  const hook = step.hook ?? {};
  if (hook.verdict === "deny") return { next: "deny", by: "hook", content: HOOK_BLOCKED(hook.reason) };
  let verdict = gate.decide(tool, args);
  if (verdict.action === "deny") return { next: "deny", by: "rule", content: `Permission denied: ${verdict.reason}` };
  if (verdict.action === "ask" && (hook.verdict === "allow" || step.turnAllows?.(tool, args))) return { next: "proceed" };
  if (verdict.action === "allow" && hook.verdict === "ask") verdict = { action: "ask", reason: hook.reason ?? "a PreToolUse hook asks for approval" };
  if (verdict.action === "allow") return { next: "proceed" };
  const rule = gate.suggestRule(tool, args);
  if (!interactive) return { next: "deny", by: "headless", content: HEADLESS_REFUSAL(tool.name, rule, verdict.reason) };
  return { next: "ask", question: { kind: "permission", rule, reason: verdict.reason } };
}

/** Decide, ask the user when needed (moving the call to awaiting_approval), and apply the answer. */
export async function settleApproval(call: { id: string; tool: Tool; args: unknown }, step: ApprovalStep, deps: ApprovalDeps): Promise<Settled> {
  const verdict = decideApproval(call, step, deps);
  if (verdict.next !== "ask") return verdict;
  const { question } = verdict;
  const request: ApprovalRequest = {
    type: "approval_request",
    id: call.id,
    name: call.tool.name,
    args: call.args,
    preview: await requestPreview(question, step),
    suggestedRule: question.rule,
    ...(question.kind === "escalation" ? { escalation: true as const } : {}),
  };
  deps.emit(request);
  deps.lifecycle.to({ state: "awaiting_approval", question });
  deps.waiting?.(question.rule);
  const answer = await Promise.race([deps.approve!(request), aborted(deps.signal)]);
  if (!answer) return { next: "cancel" };
  return applyAnswer(request, question, answer, deps);
}

function applyAnswer(request: ApprovalRequest, question: ApprovalQuestion, answer: ApprovalDecision, deps: ApprovalDeps): Settled {
  if (answer.decision === "no") {
    deps.emit({ type: "approval_result", id: request.id, approved: false, reason: answer.reason });
    const content =
      question.kind === "escalation" ? `${question.sandboxed.content}${ESCALATION_DECLINED}` : USER_DECLINED(request.name, answer.reason);
    return { next: "deny", by: "user", content };
  }
  if (answer.decision === "always") {
    const effect = alwaysEffect(request);
    if (effect.kind === "remember_rule") deps.gate.remember(effect.rule);
    else deps.shell.sandbox = false;
  }
  deps.emit({ type: "approval_result", id: request.id, approved: true });
  return question.kind === "escalation" ? { next: "unsandboxed" } : { next: "proceed" };
}

/** An escalation shows what the sandbox made of the command; a first ask, what the call would do. */
async function requestPreview(question: ApprovalQuestion, step: ApprovalStep): Promise<ToolDisplay> {
  if (question.kind === "escalation") return question.sandboxed.display ?? { kind: "text", text: question.sandboxed.content };
  return step.kind === "before_run" ? step.preview() : { kind: "text", text: "" };
}

function aborted(signal: AbortSignal): Promise<null> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener("abort", () => resolve(null), { once: true });
  });
}
