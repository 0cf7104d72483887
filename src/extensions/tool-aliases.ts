/**
 * Claude Code's tool names for ours, so hook matchers and `allowed-tools` written for it work
 * here unchanged. Names without an equivalent (WebFetch, Task …) simply never match.
 */
export const TOOL_ALIASES: Record<string, string> = {
  Bash: "run_shell",
  Edit: "edit_file",
  MultiEdit: "edit_file",
  Write: "write_file",
  Read: "read_file",
  Grep: "grep",
  Glob: "list_files",
  LS: "list_files",
};

/** Our name for a tool name as a user may write it. */
export function canonicalToolName(name: string): string {
  return TOOL_ALIASES[name] ?? name;
}

/** `Bash(git add:*)` -> `run_shell(git add:*)`; rules already in our names pass through. */
export function canonicalRule(rule: string): string {
  const m = /^([A-Za-z]\w*)(\(.*\))?$/s.exec(rule.trim());
  if (!m) return rule.trim();
  return canonicalToolName(m[1]!) + (m[2] ?? "");
}
