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

/**
 * `Bash(git add:*)` -> `run_shell(git add)`: Claude Code's `:*` (and a trailing ` *`) mean "this
 * command prefix", which is what our shell rules already are. Rules in our names pass through.
 */
export function canonicalRule(rule: string): string {
  const m = /^([A-Za-z]\w*)(?:\((.*)\))?$/s.exec(rule.trim());
  if (!m) return rule.trim();
  const name = canonicalToolName(m[1]!);
  if (m[2] === undefined) return name;
  const pattern = name === "run_shell" ? m[2].replace(/(?::\*|\s+\*)$/, "").trim() : m[2];
  return `${name}(${pattern})`;
}
