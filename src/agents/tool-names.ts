import { BUILTIN_TOOL_NAMES } from "../tools/names.js";
import { canonicalToolName } from "../permissions/tool-aliases.js";

/** The subagent tool; never inside a subagent (depth 1). */
export const TASK_TOOL = "task";

/** Claude Code tools with no name in TOOL_ALIASES that still mean one of ours. */
const EXTRA: Readonly<Record<string, string>> = { TodoWrite: "update_plan", NotebookRead: "read_file" };

/**
 * A definition's `tools` in our names: Claude Code's (Read, Bash, …) mapped, ours and `mcp__server__tool`
 * kept, `Task`/`Agent` dropped (subagents start no subagents), anything else reported as unknown.
 */
export function subagentToolNames(listed: string[]): { tools: string[]; unknown: string[] } {
  const tools: string[] = [];
  const unknown: string[] = [];
  for (const raw of listed) {
    // `Bash(git diff:*)` in a tool list names the tool; the pattern is a permission rule's business.
    const name = raw.trim().replace(/\(.*\)$/s, "");
    // `Agent` is Claude Code's current name for its Task tool.
    if (!name || name === "Task" || name === "Agent" || name === TASK_TOOL) continue;
    const ours = Object.hasOwn(EXTRA, name) ? EXTRA[name]! : canonicalToolName(name);
    if (name.startsWith("mcp__") || BUILTIN_TOOL_NAMES.includes(ours)) {
      if (!tools.includes(ours)) tools.push(ours);
    } else unknown.push(name);
  }
  return { tools, unknown };
}
