import { canonicalToolName } from "../permissions/tool-aliases.js";

/**
 * The built-in tool names, without loading the tools: the CLI checks rules against them before
 * anything heavy is imported. A test holds this list equal to the real tools.
 */
export const BUILTIN_TOOL_NAMES: readonly string[] = [
  "core_memory_append",
  "core_memory_replace",
  "memory_rethink",
  "archival_memory_insert",
  "archival_memory_search",
  "conversation_search",
  "read_file",
  "write_file",
  "edit_file",
  "list_files",
  "grep",
  "run_shell",
  "update_plan",
  "load_skill",
  "task",
];

/** Whether a rule's tool name can ever match: a built-in (or a Claude Code alias of one), or an MCP tool. */
export function isKnownToolName(name: string): boolean {
  return BUILTIN_TOOL_NAMES.includes(canonicalToolName(name)) || name.startsWith("mcp__");
}
