import type { TurnHooks } from "../agent/loop.js";
import { hookContextSection, POST_TOOL_FEEDBACK } from "../agent/prompts.js";
import type { HookRunner, HookWarn } from "./hook-runner.js";
import { hookToolInput } from "./hook-runner.js";
import { GUARD_FAILED } from "../agent/prompts.js";

/**
 * The loop's view of the user's hooks for one turn. `warn` reaches the user (a notice in the
 * turn's stream): a failing hook is always shown, never swallowed.
 */
export function turnHooks(
  runner: HookRunner,
  opts: { projectRoot: string; warn: HookWarn; sessionStart?: () => "startup" | "clear" | undefined },
): TurnHooks {
  const warn = opts.warn;
  const hooks: TurnHooks = {};
  const startSource = opts.sessionStart?.();
  if (runner.has("UserPromptSubmit") || (startSource && runner.has("SessionStart"))) {
    hooks.promptSubmit = async (prompt, signal) => {
      const context: string[] = [];
      if (startSource && runner.has("SessionStart")) {
        const start = await runner.run("SessionStart", { source: startSource }, { signal, warn });
        if (start.context.length) context.push(hookContextSection("SessionStart", start.context));
      }
      const submit = await runner.run("UserPromptSubmit", { prompt }, { signal, warn });
      if (submit.blocked !== undefined) return { blocked: submit.blocked };
      if (submit.context.length) context.push(hookContextSection("UserPromptSubmit", submit.context));
      return { context: context.join("\n") || undefined };
    };
  }
  if (runner.has("Stop")) {
    hooks.stop = async (lastText, active, signal) => {
      const r = await runner.run("Stop", { stop_hook_active: active, last_assistant_message: lastText }, { signal, warn });
      return r.blocked;
    };
  }
  if (runner.has("PreToolUse") || runner.has("PostToolUse") || runner.has("Notification")) {
    hooks.tool = {
      async before(call, args, signal) {
        if (!runner.has("PreToolUse", call.name)) return {};
        const r = await runner.run(
          "PreToolUse",
          { tool_name: call.name, tool_input: hookToolInput(args, opts.projectRoot), tool_use_id: call.id },
          { toolName: call.name, signal, warn },
        );
        if (r.blocked !== undefined) return { verdict: "deny", reason: r.blocked };
        // Fail closed: a guard that did not start, hung or crashed gave no verdict, and no verdict is not an allow.
        if (r.failed.length) return { verdict: "deny", reason: GUARD_FAILED(r.failed) };
        return { verdict: r.permission, reason: r.permissionReason };
      },
      async after(call, args, outcome, signal) {
        if (!runner.has("PostToolUse", call.name)) return undefined;
        const r = await runner.run(
          "PostToolUse",
          {
            tool_name: call.name,
            tool_input: hookToolInput(args, opts.projectRoot),
            tool_use_id: call.id,
            tool_response: { content: outcome.content, state: outcome.state, is_error: outcome.state !== "done" },
          },
          { toolName: call.name, signal, warn },
        );
        const feedback = [r.blocked, ...r.context].filter((x): x is string => !!x);
        return feedback.length ? POST_TOOL_FEEDBACK(feedback.join("\n")) : undefined;
      },
      approvalWaiting(call, rule) {
        if (!runner.has("Notification")) return;
        // Not awaited: a desktop notification must never hold up the approval prompt.
        void runner.run(
          "Notification",
          { message: `letta-code needs your permission to use ${call.name} (${rule})`, notification_type: "permission_prompt", tool_name: call.name },
          { warn },
        );
      },
    };
  }
  return hooks;
}
