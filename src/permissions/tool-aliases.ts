/**
 * Claude Code's tool names, accepted in permission rules so its settings carry over
 * (`Bash(npm test:*)` is `run_shell(npm test:*)`). The one place rule names are mapped.
 */
export const TOOL_ALIASES: Readonly<Record<string, string>> = {
  Bash: "run_shell",
  Edit: "edit_file",
  Write: "write_file",
  Read: "read_file",
  Grep: "grep",
  Glob: "list_files",
  LS: "list_files",
};

/** The built-in name a rule's tool refers to. */
export function canonicalToolName(name: string): string {
  return Object.hasOwn(TOOL_ALIASES, name) ? TOOL_ALIASES[name] : name;
}
