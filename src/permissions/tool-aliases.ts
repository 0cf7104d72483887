/**
 * Claude Code's tool names, accepted in permission rules so its settings carry over
 * (`Bash(npm test:*)` is `run_shell(npm test:*)`), and in hook matchers. The one place they are mapped.
 */
export const TOOL_ALIASES: Readonly<Record<string, string>> = {
  Bash: "run_shell",
  Edit: "edit_file",
  MultiEdit: "edit_file",
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

/**
 * A rule as a user may write it (Claude Code's `Bash(git add:*)`) in our names (`run_shell(git add:*)`);
 * the pattern is kept as written, `:*` included: the shell matcher gives it its meaning.
 */
export function canonicalRule(rule: string): string {
  const m = /^([A-Za-z]\w*)(\(.*\))?$/s.exec(rule.trim());
  if (!m) return rule.trim();
  return `${canonicalToolName(m[1]!)}${m[2] ?? ""}`;
}
