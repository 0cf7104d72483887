import * as path from "node:path";
import type { PermissionMode } from "../agent/session.js";
import type { ToolKind } from "../tools/types.js";
import { denyCandidates, splitShellCommand } from "./shell-split.js";

/**
 * Permission rules: `tool` (every call of it) or `tool(pattern)`.
 * For run_shell the pattern is a command prefix matched word by word (`npm test` matches
 * `npm test -- -t x`, not `npm testing`); for file tools it is a glob on the path (`src/**`).
 */
export interface Rule {
  raw: string;
  tool: string;
  pattern?: string;
}

export class RuleParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RuleParseError";
  }
}

// `*` in a tool name is a glob over names (`mcp__github__*`), for every tool but run_shell.
const TOOL_NAME = /^[A-Za-z_*][A-Za-z0-9_.*-]*$/;

export function parseRule(input: string): Rule {
  const raw = typeof input === "string" ? input.trim() : "";
  if (!raw) throw new RuleParseError("Empty permission rule; expected `tool` or `tool(pattern)`, e.g. `run_shell(npm test)`");
  const open = raw.indexOf("(");
  if (open === -1) {
    if (raw.includes(")")) throw new RuleParseError(`Malformed rule "${raw}": ")" without "("`);
    if (!TOOL_NAME.test(raw)) throw new RuleParseError(`Malformed rule "${raw}": "${raw}" is not a tool name`);
    return { raw, tool: raw };
  }
  const tool = raw.slice(0, open).trim();
  if (!TOOL_NAME.test(tool)) {
    throw new RuleParseError(`Malformed rule "${raw}": expected a tool name before "(", e.g. run_shell(npm test)`);
  }
  if (!raw.endsWith(")")) throw new RuleParseError(`Malformed rule "${raw}": missing closing ")" at the end`);
  const pattern = raw.slice(open + 1, -1).replace(/\s+/g, " ").trim();
  if (!pattern) throw new RuleParseError(`Malformed rule "${raw}": empty pattern; write just "${tool}" to match every call`);
  return { raw, tool, pattern };
}

/** Errors of every malformed rule in a list, for config loading (decide() skips malformed rules). */
export function validateRules(rules: readonly string[]): string[] {
  const errors: string[] = [];
  for (const r of rules) {
    try {
      parseRule(r);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return errors;
}

export interface ToolLike {
  name: string;
  kind: ToolKind;
  ruleSubject?: (args: never) => string | undefined;
}

/** Kinds of the built-in tools, for callers that pass only a name. Unknown names count as exec (ask). */
const KNOWN_KINDS: Record<string, ToolKind> = {
  read_file: "read",
  list_files: "read",
  grep: "read",
  write_file: "write",
  edit_file: "write",
  run_shell: "exec",
  update_plan: "memory",
};

function toolInfo(tool: string | ToolLike): ToolLike {
  if (typeof tool !== "string") return tool;
  return { name: tool, kind: KNOWN_KINDS[tool] ?? "exec" };
}

function subjectOf(tool: ToolLike, args: unknown): string | undefined {
  if (tool.ruleSubject) {
    try {
      return tool.ruleSubject(args as never);
    } catch {
      return undefined;
    }
  }
  const a = (args ?? {}) as Record<string, unknown>;
  const v = a.command ?? a.path;
  return typeof v === "string" ? v : undefined;
}

const isShell = (tool: ToolLike) => tool.name === "run_shell";

/**
 * Whether a rule names this tool: exactly, or by a `*` glob (`mcp__github__*`). An allow glob
 * never names run_shell (shell rules are matched by command: `*` must not allow every command);
 * a deny glob does, since denying too much is the safe side.
 */
function namesTool(ruleTool: string, tool: ToolLike, side: "allow" | "deny"): boolean {
  if (!ruleTool.includes("*")) return ruleTool === tool.name;
  if (side === "allow" && isShell(tool)) return false;
  const re = new RegExp(`^${ruleTool.split("*").map((p) => p.replace(/[.+^${}()|[\]\\?]/g, "\\$&")).join(".*")}$`);
  return re.test(tool.name);
}

/** `npm test` matches `npm test` and `npm test -- x`, but not `npm testing`. */
export function matchesPrefix(prefix: string, command: string): boolean {
  return command === prefix || (command.startsWith(prefix) && /\s/.test(command[prefix.length] ?? ""));
}

function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*" && glob[i + 1] === "*") {
      i++;
      if (glob[i + 1] === "/") {
        i++;
        re += "(?:.*/)?";
      } else re += ".*";
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

function normalizeRulePath(p: string, projectRoot?: string): string {
  let rel = p.trim();
  if (projectRoot && path.isAbsolute(rel)) rel = path.relative(path.resolve(projectRoot), rel);
  rel = path.posix.normalize(rel.split(path.sep).join("/"));
  return rel.replace(/^\.\/+/, "").replace(/\/+$/, "");
}

/** A path rule without glob characters also covers everything below that directory. */
function matchesPath(pattern: string, subject: string, projectRoot?: string): boolean {
  const p = normalizeRulePath(pattern, projectRoot);
  const s = normalizeRulePath(subject, projectRoot);
  if (s.startsWith("../")) return false;
  if (!/[*?]/.test(p)) return s === p || s.startsWith(p + "/");
  return globToRegExp(p).test(s);
}

/** Deny side: the rule matches if anything the call would do matches it. */
function denyMatches(rule: Rule, tool: ToolLike, subject: string | undefined, projectRoot?: string): boolean {
  if (!namesTool(rule.tool, tool, "deny")) return false;
  if (rule.pattern === undefined) return true;
  if (subject === undefined) return false;
  if (!isShell(tool)) return matchesPath(rule.pattern, subject, projectRoot);
  const pattern = rule.pattern;
  const split = splitShellCommand(subject);
  // Anything that would run counts, including substitutions and `bash -c '...'` scripts.
  const all = [...split.commands, ...split.nested].flatMap((c) => denyCandidates(c));
  return all.some((c) => matchesPrefix(pattern, c));
}

/**
 * Allow side: the rules that together cover the call, or undefined. A shell line is covered only
 * when every simple command in it matches some prefix rule and nothing in it is opaque.
 */
function allowCoverage(rules: Rule[], tool: ToolLike, subject: string | undefined, projectRoot?: string): Rule[] | undefined {
  const mine = rules.filter((r) => namesTool(r.tool, tool, "allow"));
  const bare = mine.find((r) => r.pattern === undefined);
  if (bare) return [bare];
  if (subject === undefined) return undefined;
  if (!isShell(tool)) {
    const hit = mine.find((r) => matchesPath(r.pattern!, subject, projectRoot));
    return hit ? [hit] : undefined;
  }
  const split = splitShellCommand(subject);
  if (split.opaque || split.commands.length === 0) return undefined;
  const used: Rule[] = [];
  for (const c of split.commands) {
    const hit = mine.find((r) => matchesPrefix(r.pattern!, c));
    if (!hit) return undefined;
    if (!used.includes(hit)) used.push(hit);
  }
  return used;
}

export interface DecideInput {
  /** The tool (preferred: its kind and ruleSubject are exact) or just its name. */
  tool: string | ToolLike;
  args: unknown;
  mode: PermissionMode;
  allow?: readonly string[];
  deny?: readonly string[];
  /** Lets path rules match absolute paths inside the project. */
  projectRoot?: string;
}

export interface Decision {
  action: "allow" | "ask" | "deny";
  reason: string;
  /** The rule that decided, when one did. */
  rule?: string;
}

function parsedRules(list: readonly string[] | undefined): Rule[] {
  const out: Rule[] = [];
  for (const r of list ?? []) {
    try {
      out.push(parseRule(r));
    } catch {
      // Malformed rules are reported when the config is loaded (validateRules), not per call.
    }
  }
  return out;
}

/**
 * Deny rules win; read-only mode then refuses writes and commands (even allow-listed ones: the
 * user switched to read-only to be sure nothing changes); then allow rules; then the mode default.
 */
export function decide(input: DecideInput): Decision {
  const tool = toolInfo(input.tool);
  const subject = subjectOf(tool, input.args);
  for (const rule of parsedRules(input.deny)) {
    if (denyMatches(rule, tool, subject, input.projectRoot)) {
      return { action: "deny", reason: `denied by rule ${rule.raw}`, rule: rule.raw };
    }
  }
  const changes = tool.kind === "write" || tool.kind === "exec";
  if (input.mode === "read-only" && changes) {
    const what = tool.kind === "write" ? "file changes are" : "commands are";
    return { action: "deny", reason: `read-only mode: ${what} not allowed (${tool.name}); switch the permission mode to allow them` };
  }
  const covered = allowCoverage(parsedRules(input.allow), tool, subject, input.projectRoot);
  if (covered) {
    const raws = covered.map((r) => r.raw).join(", ");
    return { action: "allow", reason: `allowed by rule${covered.length > 1 ? "s" : ""} ${raws}`, rule: raws };
  }
  switch (input.mode) {
    case "yolo":
      return { action: "allow", reason: "yolo mode allows everything" };
    case "read-only":
      return { action: "allow", reason: `read-only mode allows ${tool.kind} tools` };
    case "accept-edits":
      if (tool.kind === "exec") return { action: "ask", reason: "accept-edits mode asks before running commands" };
      return { action: "allow", reason: `accept-edits mode allows ${tool.kind} tools` };
    case "ask":
    default:
      if (changes) return { action: "ask", reason: `ask mode asks before ${tool.kind === "write" ? "file changes" : "commands"}` };
      return { action: "allow", reason: `${tool.kind} tools need no approval` };
  }
}

const DESTRUCTIVE = /^(rm|rmdir|dd|mkfs(\.\w+)?|shred|truncate|chmod|chown|sudo|su|doas|kill|pkill|killall|reboot|shutdown|mv)$/;
const DESTRUCTIVE_GIT = /^(push|reset|clean|checkout|restore|rebase|branch|tag)$/;

/** The rule "yes, don't ask again" adds: the first two words of the command, or the tool name. */
export function suggestRule(tool: string | ToolLike, args: unknown): string {
  const info = toolInfo(tool);
  if (!isShell(info)) return info.name;
  const command = subjectOf(info, args);
  const first = command ? splitShellCommand(command).commands[0] : undefined;
  if (!first) return info.name;
  const words = first.split(" ");
  // For a destructive command a two-word prefix (`rm -rf`) would allow far more than the user saw:
  // remember the exact command instead.
  if (DESTRUCTIVE.test(words[0]) || (words[0] === "git" && DESTRUCTIVE_GIT.test(words[1] ?? ""))) {
    return `${info.name}(${first})`;
  }
  // A quote in the second word would make an odd-looking prefix; the command name alone is clearer.
  const take = words.length > 1 && !/["'`$\\]/.test(words[1]) ? 2 : 1;
  return `${info.name}(${words.slice(0, take).join(" ")})`;
}
