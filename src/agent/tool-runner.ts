import type { AgentEvent, ToolCallState, ToolDisplay } from "./events.js";
import { isExpectedError } from "../errors.js";
import type { Approver } from "./session.js";
import { ESCALATED_RUN, ESCALATION_DECLINED, HEADLESS_REFUSAL, HOOK_BLOCKED, INTERRUPTED_TOOL_RESULT, NAMELESS_TOOL_CALL } from "./prompts.js";
import { parseToolArgs, type ToolRegistry } from "../tools/registry.js";
import type { Tool, ToolContext } from "../tools/types.js";

import type { PermissionGate } from "../permissions/types.js";

export type { PermissionGate } from "../permissions/types.js";

/**
 * The hooks around one call (PreToolUse, PostToolUse, Notification). A hook's deny beats every
 * allow rule and yolo; its allow skips the approval prompt but never a deny rule or read-only mode.
 */
export interface ToolCallHooks {
  before(call: { id: string; name: string }, args: unknown, signal: AbortSignal): Promise<{ verdict?: "allow" | "deny" | "ask"; reason?: string }>;
  /** Text to add to the result the model reads (a PostToolUse hook's exit-2 feedback), if any. */
  after(call: { id: string; name: string }, args: unknown, outcome: ToolCallOutcome, signal: AbortSignal): Promise<string | undefined>;
  /** An approval is waiting for the user. */
  approvalWaiting(call: { id: string; name: string }, rule: string): void;
}

export interface ToolCallOutcome {
  content: string;
  state: "done" | "error" | "cancelled";
}

/**
 * One tool call's life: validating -> awaiting approval -> running -> done / error / cancelled.
 * Every failure becomes text the model can read; nothing here throws to the caller.
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
  const update = (state: ToolCallState, expected?: boolean) =>
    emit({ type: "tool_update", id: call.id, name: call.name, state, ...(expected === undefined ? {} : { expected }) });
  /**
   * `denied`: refused by a rule, a hook, headless mode or the user (the model reads an error);
   * `crash`: an error nobody expected, so the update says so.
   */
  const finish = async (
    state: ToolCallOutcome["state"],
    content: string,
    display?: ToolDisplay,
    how?: "denied" | "crash",
  ): Promise<ToolCallOutcome> => {
    // PostToolUse sees what ran, failed or not; a call that never ran has nothing to report.
    if (hooks && ranArgs !== undefined && state !== "cancelled") {
      const feedback = await hooks.after(call, ranArgs, { content, state }, ctx.signal);
      if (feedback) content = `${content}\n\n${feedback}`;
    }
    // The final state first: a face commits the call when its result arrives.
    if (how === "denied") update("denied");
    else if (state === "error") update("error", how !== "crash");
    else update(state);
    emit({ type: "tool_result", id: call.id, name: call.name, state, content, display });
    return { content, state };
  };

  const tool = registry.get(call.name);
  let parsedForEvent: unknown = call.arguments;
  try {
    parsedForEvent = JSON.parse(call.arguments || "{}");
  } catch {
    /* shown raw */
  }
  emit({ type: "tool_call", id: call.id, name: call.name, args: parsedForEvent, rawArgs: call.arguments });
  update("validating");
  if (!call.name.trim()) return finish("error", NAMELESS_TOOL_CALL(registry.names()));
  if (!tool) {
    return finish("error", `Unknown tool "${call.name}". Available tools: ${registry.names().join(", ")}.`);
  }
  const parsed = parseToolArgs(tool, call.arguments);
  if (!parsed.ok) return finish("error", parsed.error);
  const args = parsed.args;

  if (ctx.signal.aborted) return finish("cancelled", INTERRUPTED_TOOL_RESULT);
  const hook: { verdict?: "allow" | "deny" | "ask"; reason?: string } = hooks ? await hooks.before(call, args, ctx.signal) : {};
  if (ctx.signal.aborted) return finish("cancelled", INTERRUPTED_TOOL_RESULT);
  if (hook.verdict === "deny") return finish("error", HOOK_BLOCKED(hook.reason), undefined, "denied");
  let verdict = gate.decide(tool, args);
  if (verdict.action === "deny") return finish("error", `Permission denied: ${verdict.reason}`, undefined, "denied");
  if (verdict.action === "ask" && (hook.verdict === "allow" || deps.turnAllows?.(tool, args))) verdict = { action: "allow", reason: "allowed by a hook or the command" };
  if (verdict.action === "allow" && hook.verdict === "ask") verdict = { action: "ask", reason: hook.reason ?? "a PreToolUse hook asks for approval" };
  if (verdict.action === "ask") {
    const rule = gate.suggestRule(tool, args);
    if (!deps.approve) return finish("error", HEADLESS_REFUSAL(tool.name, rule, verdict.reason), undefined, "denied");
    const preview = (await safePreview(tool, args, ctx)) ?? { kind: "text" as const, text: call.arguments };
    const request = { type: "approval_request" as const, id: call.id, name: tool.name, args, preview, suggestedRule: rule };
    emit(request);
    update("awaiting_approval");
    hooks?.approvalWaiting(call, rule);
    const answer = await Promise.race([deps.approve(request), aborted(ctx.signal)]);
    if (!answer) return finish("cancelled", INTERRUPTED_TOOL_RESULT);
    if (answer.decision === "no") {
      emit({ type: "approval_result", id: call.id, approved: false, reason: answer.reason });
      const reason = answer.reason?.trim();
      const why = reason ? ` The user said: ${/[.!?]$/.test(reason) ? reason : `${reason}.`}` : "";
      return finish("error", `The user declined this ${tool.name} call.${why} Do not retry it unchanged.`, undefined, "denied");
    }
    if (answer.decision === "always") gate.remember(rule);
    emit({ type: "approval_result", id: call.id, approved: true });
  }

  ranArgs = args;
  update("running");
  // Commands can change any file: snapshot around an approved one so rewind covers it too.
  const snapshot = tool.kind === "exec" ? ctx.checkpoint?.beforeShell() : undefined;
  try {
    let result = await runWithSnapshot(tool, args, ctx, snapshot);
    if (ctx.signal.aborted) return finish("cancelled", `${INTERRUPTED_TOOL_RESULT}\n${result.content}`, result.display);
    // The sandbox, not the command, was why it failed: someone at the keyboard may let it run outside.
    if (result.display?.kind === "shell" && result.display.sandboxDenied && deps.approve && ctx.shell.sandbox) {
      const request = {
        type: "approval_request" as const,
        id: call.id,
        name: tool.name,
        args,
        preview: result.display,
        suggestedRule: gate.suggestRule(tool, args),
        escalation: true as const,
      };
      emit(request);
      update("awaiting_approval");
      hooks?.approvalWaiting(call, request.suggestedRule);
      const answer = await Promise.race([deps.approve(request), aborted(ctx.signal)]);
      if (!answer) return finish("cancelled", `${INTERRUPTED_TOOL_RESULT}\n${result.content}`, result.display);
      emit({ type: "approval_result", id: call.id, approved: answer.decision !== "no", reason: answer.decision === "no" ? answer.reason : undefined });
      if (answer.decision === "no") return finish("error", `${result.content}${ESCALATION_DECLINED}`, result.display, "denied");
      // "always": the session's commands stop being sandboxed (the settings object is the session's own).
      if (answer.decision === "always") ctx.shell.sandbox = false;
      const unsandboxed = { ...ctx, shell: { ...ctx.shell, sandbox: false } };
      update("running");
      result = await runWithSnapshot(tool, args, unsandboxed, ctx.checkpoint?.beforeShell());
      result = { ...result, content: `${ESCALATED_RUN}${result.content}` };
      if (ctx.signal.aborted) return finish("cancelled", `${INTERRUPTED_TOOL_RESULT}\n${result.content}`, result.display);
    }
    return finish(result.isError ? "error" : "done", result.content, result.display);
  } catch (err) {
    if (ctx.signal.aborted) return finish("cancelled", INTERRUPTED_TOOL_RESULT);
    if (isExpectedError(err)) return finish("error", err.message);
    return finish("error", `${tool.name} failed: ${(err as Error)?.message ?? String(err)}`, undefined, "crash");
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

function aborted(signal: AbortSignal): Promise<null> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve(null);
    else signal.addEventListener("abort", () => resolve(null), { once: true });
  });
}
