import type { CliOptions } from "./program.js";
import { validateRules } from "../permissions/policy.js";

/**
 * Flag combinations that cannot mean what the user typed. Refusing them (exit 2) beats picking
 * one silently: `--yolo --permission-mode read-only` must not quietly run everything.
 */
export function flagProblems(o: CliOptions): string[] {
  const problems: string[] = [];
  const yolo = o.yolo ? "--yolo" : o.dangerouslySkipPermissions ? "--dangerously-skip-permissions" : undefined;
  if (yolo && o.permissionMode && o.permissionMode !== "yolo") {
    problems.push(`${yolo} contradicts --permission-mode ${o.permissionMode}: give one of them.`);
  }
  if (o.fullAuto && yolo) problems.push(`--full-auto asks before unsandboxed commands; ${yolo} never asks: give one of them.`);
  if (o.fullAuto && o.permissionMode && o.permissionMode !== "accept-edits") problems.push(`--full-auto contradicts --permission-mode ${o.permissionMode}: give one of them.`);
  if (o.fullAuto && (o.sandbox === "off" || o.sandbox === "auto" || o.sandbox === "prefer")) problems.push(`--full-auto runs commands in the sandbox; it contradicts --sandbox ${o.sandbox}.`);
  const resuming = o.resume !== undefined && o.resume !== false;
  if (o.new && (o.continue || resuming)) problems.push(`--new starts a fresh conversation; it contradicts ${o.continue ? "--continue" : "--resume"}.`);
  if (o.continue && resuming) problems.push("--continue and --resume both choose the conversation: give one of them.");
  if (o.forkSession && !o.continue && !resuming) problems.push("--fork-session copies a conversation: use it with --resume <id> or --continue.");
  if (o.inputFormat === "stream-json" && o.outputFormat !== "stream-json") {
    problems.push("--input-format stream-json needs --output-format stream-json (each turn's events and result go to stdout).");
  }
  if (o.inputFormat === "stream-json" && typeof o.prompt === "string") problems.push("--input-format stream-json reads the prompts from stdin: give -p without text.");
  if (o.permissionPromptTool && o.inputFormat !== "stream-json") problems.push("--permission-prompt-tool stdio answers approvals from stdin: use it with --input-format stream-json.");
  for (const [flag, rules] of [["--allowed-tools", o.allowedTools], ["--disallowed-tools", o.disallowedTools]] as const) {
    for (const error of validateRules(rules ?? [])) problems.push(`${flag}: ${error}`);
  }
  return problems;
}
