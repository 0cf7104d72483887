import type { CliOptions } from "./program.js";
import { validateRules } from "../permissions/policy.js";

/**
 * Flag combinations that cannot mean what the user typed. Refusing them (exit 2) beats picking
 * one silently: `--yolo --permission-mode read-only` must not quietly run everything.
 */
export function flagProblems(o: CliOptions): string[] {
  const problems: string[] = [];
  if (o.yolo && o.permissionMode && o.permissionMode !== "yolo") {
    problems.push(`--yolo contradicts --permission-mode ${o.permissionMode}: give one of them.`);
  }
  const resuming = o.resume !== undefined && o.resume !== false;
  if (o.new && (o.continue || resuming)) problems.push(`--new starts a fresh conversation; it contradicts ${o.continue ? "--continue" : "--resume"}.`);
  if (o.continue && resuming) problems.push("--continue and --resume both choose the conversation: give one of them.");
  if (o.forkSession && !o.continue && !resuming) problems.push("--fork-session copies a conversation: use it with --resume <id> or --continue.");
  for (const [flag, rules] of [["--allowed-tools", o.allowedTools], ["--disallowed-tools", o.disallowedTools]] as const) {
    for (const error of validateRules(rules ?? [])) problems.push(`${flag}: ${error}`);
  }
  return problems;
}
