import type { AgentEvent, ToolDisplay } from "./events.js";
import type { Approver } from "./session.js";
import { HEADLESS_REFUSAL, INTERRUPTED_TOOL_RESULT, NAMELESS_TOOL_CALL } from "./prompts.js";
import { parseToolArgs, type ToolRegistry } from "../tools/registry.js";
import type { Tool, ToolContext } from "../tools/types.js";

export interface PermissionGate {
  decide(tool: Tool, args: unknown): { action: "allow" | "ask" | "deny"; reason: string };
  suggestRule(tool: Tool, args: unknown): string;
  /** "Yes, and don't ask again": remember the rule for this project. */
  remember(rule: string): void;
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
  },
): Promise<ToolCallOutcome> {
  const { registry, gate, ctx, emit } = deps;
  const finish = (state: ToolCallOutcome["state"], content: string, display?: ToolDisplay): ToolCallOutcome => {
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
  if (!call.name.trim()) return finish("error", NAMELESS_TOOL_CALL(registry.names()));
  if (!tool) {
    return finish("error", `Unknown tool "${call.name}". Available tools: ${registry.names().join(", ")}.`);
  }
  const parsed = parseToolArgs(tool, call.arguments);
  if (!parsed.ok) return finish("error", parsed.error);
  const args = parsed.args;

  if (ctx.signal.aborted) return finish("cancelled", INTERRUPTED_TOOL_RESULT);
  const verdict = gate.decide(tool, args);
  if (verdict.action === "deny") return finish("error", `Permission denied: ${verdict.reason}`);
  if (verdict.action === "ask") {
    const rule = gate.suggestRule(tool, args);
    if (!deps.approve) return finish("error", HEADLESS_REFUSAL(tool.name, rule));
    const preview = (await safePreview(tool, args, ctx)) ?? { kind: "text" as const, text: call.arguments };
    const request = { type: "approval_request" as const, id: call.id, name: tool.name, args, preview, suggestedRule: rule };
    emit(request);
    const answer = await Promise.race([deps.approve(request), aborted(ctx.signal)]);
    if (!answer) return finish("cancelled", INTERRUPTED_TOOL_RESULT);
    if (answer.decision === "no") {
      emit({ type: "approval_result", id: call.id, approved: false, reason: answer.reason });
      const reason = answer.reason?.trim();
      const why = reason ? ` The user said: ${/[.!?]$/.test(reason) ? reason : `${reason}.`}` : "";
      return finish("error", `The user declined this ${tool.name} call.${why} Do not retry it unchanged.`);
    }
    if (answer.decision === "always") gate.remember(rule);
    emit({ type: "approval_result", id: call.id, approved: true });
  }

  try {
    const result = await tool.run(args as never, ctx);
    if (ctx.signal.aborted) return finish("cancelled", `${INTERRUPTED_TOOL_RESULT}\n${result.content}`, result.display);
    return finish(result.isError ? "error" : "done", result.content, result.display);
  } catch (err) {
    if (ctx.signal.aborted) return finish("cancelled", INTERRUPTED_TOOL_RESULT);
    const e = err as Error;
    // Expected refusals (ToolError, MemoryError, bad dates) read as-is; anything else is labelled a crash.
    const known = ["ToolError", "MemoryError", "StoreError"].includes(e?.name) || /^not a date/.test(e?.message ?? "");
    return finish("error", known ? e.message : `${tool.name} failed: ${e?.message ?? String(err)}`);
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
