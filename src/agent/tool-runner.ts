import type { AgentEvent, ToolDisplay, Usage } from "./events.js";
import { isExpectedError } from "../errors.js";
import type { Approver } from "./session.js";
import { settleApproval, type ApprovalDeps, type HookVerdict } from "./approval.js";
import { ToolCallLifecycle, type ToolCallPhase } from "./tool-call-state.js";
import { ESCALATED_RUN, INTERRUPTED_TOOL_RESULT, NAMELESS_TOOL_CALL } from "./prompts.js";
import { parseToolArgs, type ToolRegistry } from "../tools/registry.js";
import type { Tool, ToolContext, ToolResult } from "../tools/types.js";

import type { PermissionGate } from "../permissions/types.js";

export type { PermissionGate } from "../permissions/types.js";

/**
 * The hooks around one call (PreToolUse, PostToolUse, Notification). A hook's deny beats every
 * allow rule and yolo; its allow skips the approval prompt but never a deny rule or read-only mode.
 */
export interface ToolCallHooks {
  before(call: { id: string; name: string }, args: unknown, signal: AbortSignal): Promise<HookVerdict>;
  /** Text to add to the result the model reads (a PostToolUse hook's exit-2 feedback), if any. */
  after(call: { id: string; name: string }, args: unknown, outcome: ToolCallOutcome, signal: AbortSignal): Promise<string | undefined>;
  /** An approval is waiting for the user. */
  approvalWaiting(call: { id: string; name: string }, rule: string): void;
}

type FinalPhase = Extract<ToolCallPhase, { state: "done" | "error" | "denied" | "cancelled" }>;

export interface ToolCallOutcome {
  content: string;
  state: "done" | "error" | "cancelled";
  /** What the tool spent on a model (a subagent), whatever its end: the turn's usage includes it. */
  usage?: Usage;
}

/**
 * One tool call's life (see tool-call-state): validating -> awaiting approval -> running -> done /
 * error / denied / cancelled. Approval is settled in approval.ts; every failure becomes text the model
 * can read, and nothing here throws to the caller.
 */
export async function runToolCall(
  call: { id: string; name: string; arguments: string },
  deps: {
    registry: ToolRegistry;
    gate: PermissionGate;
    ctx: ToolContext;
    approve?: Approver;
    emit: (e: AgentEvent) => void;
    hooks?: ToolCallHooks;
    /** Allow rules of this turn only (a custom command's `allowed-tools`); they never beat a deny. */
    turnAllows?: (tool: Tool, args: unknown) => boolean;
  },
): Promise<ToolCallOutcome> {
  const { registry, gate, ctx, emit, hooks } = deps;
  let ranArgs: unknown;
  let spent: Usage | undefined;
  let parsedForEvent: unknown = call.arguments;
  try {
    parsedForEvent = JSON.parse(call.arguments || "{}");
  } catch {
    /* shown raw */
  }
  emit({ type: "tool_call", id: call.id, name: call.name, args: parsedForEvent, rawArgs: call.arguments });
  const life = new ToolCallLifecycle(call, emit);

  const finish = async (end: FinalPhase, content: string, display?: ToolDisplay): Promise<ToolCallOutcome> => {
    const state = end.state === "denied" ? "error" : end.state;
    // PostToolUse sees what ran, failed or not; a call that never ran has nothing to report.
    if (hooks && ranArgs !== undefined && state !== "cancelled") {
      const feedback = await hooks.after(call, ranArgs, { content, state }, ctx.signal);
      if (feedback) content = `${content}\n\n${feedback}`;
    }
    // The final state first: a face commits the call when its result arrives.
    life.to(end);
    emit({ type: "tool_result", id: call.id, name: call.name, state, content, display });
    return { content, state, ...(spent ? { usage: spent } : {}) };
  };
  const failed = (content: string, display?: ToolDisplay) => finish({ state: "error", expected: true }, content, display);
  const cancelled = (after?: ToolResult) =>
    finish({ state: "cancelled" }, after ? `${INTERRUPTED_TOOL_RESULT}\n${after.content}` : INTERRUPTED_TOOL_RESULT, after?.display);

  const tool = registry.get(call.name);
  if (!call.name.trim()) return failed(NAMELESS_TOOL_CALL(registry.names()));
  if (!tool) return failed(`Unknown tool "${call.name}". Available tools: ${registry.names().join(", ")}.`);
  const parsed = parseToolArgs(tool, call.arguments);
  if (!parsed.ok) return failed(parsed.error);
  const args = parsed.args;

  if (ctx.signal.aborted) return cancelled();
  const hook = hooks ? await hooks.before(call, args, ctx.signal) : {};
  if (ctx.signal.aborted) return cancelled();
  const approval: ApprovalDeps = {
    gate,
    shell: ctx.shell,
    approve: deps.approve,
    signal: ctx.signal,
    lifecycle: life,
    emit,
    waiting: (rule) => hooks?.approvalWaiting(call, rule),
  };
  const subject = { id: call.id, tool, args };
  const preview = async () => (await safePreview(tool, args, ctx)) ?? { kind: "text" as const, text: call.arguments };
  const first = await settleApproval(subject, { kind: "before_run", hook, turnAllows: deps.turnAllows, preview }, approval);
  if (first.next === "cancel") return cancelled();
  if (first.next === "deny") return finish({ state: "denied", by: first.by }, first.content);

  ranArgs = args;
  life.to({ state: "running", unsandboxed: false });
  // Commands can change any file: snapshot around an approved one so rewind covers it too.
  const snapshot = tool.kind === "exec" ? ctx.checkpoint?.beforeShell() : undefined;
  try {
    let result = await runWithSnapshot(tool, args, ctx, snapshot);
    spent = result.usage;
    if (ctx.signal.aborted) return cancelled(result);
    // The sandbox, not the command, was why it failed: someone at the keyboard may let it run outside.
    if (result.stoppedBySandbox) {
      const again = await settleApproval(subject, { kind: "sandbox_stopped", result }, approval);
      if (again.next === "cancel") return cancelled(result);
      if (again.next === "deny") return finish({ state: "denied", by: again.by }, again.content, result.display);
      if (again.next === "unsandboxed") {
        life.to({ state: "running", unsandboxed: true });
        const unsandboxed = { ...ctx, shell: { ...ctx.shell, sandbox: false } };
        result = await runWithSnapshot(tool, args, unsandboxed, ctx.checkpoint?.beforeShell());
        result = { ...result, content: `${ESCALATED_RUN}${result.content}` };
        if (ctx.signal.aborted) return cancelled(result);
      }
    }
    return result.isError ? failed(result.content, result.display) : finish({ state: "done" }, result.content, result.display);
  } catch (err) {
    if (ctx.signal.aborted) return cancelled();
    if (isExpectedError(err)) return failed(err.message);
    return finish({ state: "error", expected: false }, `${tool.name} failed: ${(err as Error)?.message ?? String(err)}`);
  }
}

async function runWithSnapshot(tool: Tool, args: unknown, ctx: ToolContext, snapshot: unknown) {
  try {
    return await tool.run(args as never, ctx);
  } finally {
    if (snapshot !== undefined) ctx.checkpoint?.afterShell(snapshot);
  }
}

async function safePreview(tool: Tool, args: unknown, ctx: ToolContext): Promise<ToolDisplay | undefined> {
  try {
    return await tool.preview?.(args as never, ctx);
  } catch (err) {
    return { kind: "text", text: `(no preview: ${(err as Error).message})` };
  }
}
