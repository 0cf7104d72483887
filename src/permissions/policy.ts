import * as path from "node:path";
import type { PermissionMode } from "./types.js";
import type { ToolKind } from "../tools/types.js";
import { isKnownToolName } from "../tools/names.js";
import { allowsArgv, deniesArgv, isDestructive, parseCommandPattern, type CommandPattern } from "./command-rules.js";
import { splitShellCommand } from "./shell-split.js";
import { effectiveOf, effectiveOfLine, runnerOf } from "./shell-wrappers.js";
import { programName, quoteWord, shellArgv, type Word } from "./shell-words.js";
import { canonicalToolName } from "./tool-aliases.js";

/**
 * Permission rules: `tool` (every call of it) or `tool(pattern)`; Claude Code's names (`Bash`, `Edit`…)
 * are aliases. For run_shell the pattern is a command's argv (see command-rules: exact, `-- …`, or `:*`);
 * for file tools it is a glob on the path (`src/**`); `mcp__server__*` names every tool of a server.
 */
export interface Rule {
  raw: string;
  /** The built-in name (aliases resolved); may be a glob for MCP tools. */
  tool: string;
  pattern?: string;
  /** The pattern as written (whitespace kept), for run_shell rules. */
  body?: string;
}

export class RuleParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RuleParseError";
  }
}

const SHELL = "run_shell";
const TOOL_NAME = /^[A-Za-z_][A-Za-z0-9_.*-]*$/;

export function parseRule(input: string): Rule {
  const raw = typeof input === "string" ? input.trim() : "";
  if (!raw) throw new RuleParseError("Empty permission rule; expected `tool` or `tool(pattern)`, e.g. `run_shell(npm test)`");
  const open = raw.indexOf("(");
  if (open === -1) {
    if (raw.includes(")")) throw new RuleParseError(`Malformed rule "${raw}": ")" without "("`);
    if (!TOOL_NAME.test(raw)) throw new RuleParseError(`Malformed rule "${raw}": "${raw}" is not a tool name`);
    return { raw, tool: canonicalToolName(raw) };
  }
  const tool = raw.slice(0, open).trim();
  if (!TOOL_NAME.test(tool)) {
    throw new RuleParseError(`Malformed rule "${raw}": expected a tool name before "(", e.g. run_shell(npm test)`);
  }
  if (!raw.endsWith(")")) throw new RuleParseError(`Malformed rule "${raw}": missing closing ")" at the end`);
  const body = raw.slice(open + 1, -1).trim();
  const pattern = body.replace(/\s+/g, " ");
  if (!pattern) throw new RuleParseError(`Malformed rule "${raw}": empty pattern; write just "${tool}" to match every call`);
  const name = canonicalToolName(tool);
  // `run_shell(*)` reads as "any command": the same as the bare tool, for allow and deny alike.
  if (name === SHELL && (pattern === "*" || pattern === ":*")) return { raw, tool: name };
  return { raw, tool: name, pattern, body };
}

/** Errors of every malformed rule in a list (decide() skips malformed rules). */
/** Errors of every malformed rule, or rule naming no tool letta-code has, in a list (flags and config files). */
export function validateRules(rules: readonly string[]): string[] {
  return checkRules(rules, isKnownToolName).map((p) => p.error);
}

export interface RuleProblem {
  rule: string;
  error: string;
}

const MCP_TOOL = /^mcp__/;

/**
 * Every rule that is malformed or names no tool, with why: for flags (exit 2) and config loading
 * (a named warning). `knownTools` answers for built-in names; `mcp__…` names (and globs such as
 * `mcp__github__*`) are accepted because MCP tools are only known once their servers start.
 */
export function checkRules(rules: readonly string[], knownTools: (name: string) => boolean): RuleProblem[] {
  const problems: RuleProblem[] = [];
  for (const raw of rules) {
    let rule: Rule;
    try {
      rule = parseRule(raw);
    } catch (e) {
      problems.push({ rule: String(raw), error: (e as Error).message });
      continue;
    }
    const name = rule.raw.slice(0, rule.raw.includes("(") ? rule.raw.indexOf("(") : undefined).trim();
    if (rule.tool.includes("*") && !MCP_TOOL.test(rule.tool)) {
      problems.push({ rule: rule.raw, error: `Rule "${rule.raw}": a "*" in a tool name is only for MCP tools, e.g. mcp__github__*` });
    } else if (!MCP_TOOL.test(rule.tool) && !knownTools(rule.tool)) {
      problems.push({ rule: rule.raw, error: `Rule "${rule.raw}": unknown tool "${name}"` });
    } else if (rule.tool === SHELL && rule.body !== undefined) {
      const p = parseCommandPattern(rule.body);
      if (p.error) problems.push({ rule: rule.raw, error: `Rule "${rule.raw}": ${p.error}` });
    }
  }
  return problems;
}

export interface ToolLike {
  name: string;
  kind: ToolKind;
  /** Writes a core memory block, i.e. changes the system prompt (refused in read-only mode). */
  writesCore?: boolean;
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

const isShell = (tool: ToolLike) => tool.name === SHELL;

/** A rule's tool: the name, or a glob such as `mcp__github__*` (globs only for MCP tools, as checkRules says). */
function ruleTool(rule: Rule, tool: ToolLike): boolean {
  if (!rule.tool.includes("*") || !MCP_TOOL.test(rule.tool)) return rule.tool === tool.name;
  const re = new RegExp(`^${rule.tool.split("*").map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
  return re.test(tool.name);
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

/** A shell line as the rules see it: each top-level command's argv, and everything that would run. */
interface ShellView {
  opaque: boolean;
  commands: { words: Word[]; computed: boolean }[];
  /** Every argv that may run (wrappers looked through, scripts and substitutions included). */
  runs: Word[][];
  /** Why some program cannot be known before the line runs. */
  computed: string[];
}

function viewShell(line: string): ShellView {
  const split = splitShellCommand(line);
  const commands = split.commands.map((c) => {
    const { words, unterminated } = shellArgv(c);
    return { words, computed: unterminated || effectiveOf(words).computed.length > 0 };
  });
  const all = effectiveOfLine(line);
  return { opaque: split.opaque, commands, runs: all.argvs, computed: all.computed };
}

const patternCache = new Map<string, CommandPattern>();
function commandPattern(rule: Rule): CommandPattern {
  const body = rule.body ?? rule.pattern ?? "";
  let p = patternCache.get(body);
  if (!p) {
    p = parseCommandPattern(body);
    if (patternCache.size > 500) patternCache.clear();
    patternCache.set(body, p);
  }
  return p;
}

type DenyVerdict = { rule: Rule; match: "match" | "maybe"; argv?: Word[] } | undefined;

/** Deny side: the rule matches if anything the call would do matches it. */
function denyMatch(rule: Rule, tool: ToolLike, subject: string | undefined, shell: ShellView | undefined, projectRoot?: string): DenyVerdict {
  if (!ruleTool(rule, tool)) return undefined;
  // Loose on deny: a pattern on a call with nothing to compare it to (a tool without a path or
  // command) still denies, rather than becoming a rule that silently never applies.
  if (rule.pattern === undefined || subject === undefined) return { rule, match: "match" };
  if (!isShell(tool) || !shell) return matchesPath(rule.pattern, subject, projectRoot) ? { rule, match: "match" } : undefined;
  // A malformed pattern still denies what its words name: a deny rule is never silently dropped.
  const p = commandPattern(rule);
  let maybe: DenyVerdict;
  for (const argv of shell.runs) {
    const m = deniesArgv(p, argv);
    if (m === "match") return { rule, match: "match", argv };
    if (m === "maybe" && !maybe) maybe = { rule, match: "maybe", argv };
  }
  return maybe;
}

/**
 * Allow side: the rules that together cover the call, or undefined. A shell line is covered only
 * when every simple command in it is allowed by some rule, nothing in it is opaque, and no program
 * in it is computed (not even by a bare `run_shell` rule).
 */
function allowCoverage(rules: Rule[], tool: ToolLike, subject: string | undefined, shell: ShellView | undefined, projectRoot?: string): Rule[] | undefined {
  const mine = rules.filter((r) => ruleTool(r, tool));
  const bare = mine.find((r) => r.pattern === undefined);
  if (bare && !(shell && shell.computed.length)) return [bare];
  if (subject === undefined) return undefined;
  if (!isShell(tool) || !shell) {
    const hit = mine.find((r) => r.pattern !== undefined && matchesPath(r.pattern, subject, projectRoot));
    return hit ? [hit] : undefined;
  }
  if (shell.opaque || shell.computed.length || shell.commands.length === 0) return undefined;
  const used: Rule[] = [];
  for (const c of shell.commands) {
    if (c.computed) return undefined;
    const hit = mine.find((r) => r.pattern !== undefined && allowsArgv(commandPattern(r), c.words));
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

const show = (argv: Word[]) => argv.map((w) => w.text).join(" ");

/**
 * Deny rules win; read-only mode then refuses writes, commands and core memory writes (even
 * allow-listed ones: the user switched to read-only to be sure nothing changes); then a shell line
 * the deny rules cannot see through is asked about, whatever the mode; then allow rules; then the mode.
 */
export function decide(input: DecideInput): Decision {
  const tool = toolInfo(input.tool);
  const subject = subjectOf(tool, input.args);
  const shell = isShell(tool) && subject !== undefined ? viewShell(subject) : undefined;
  const deny = parsedRules(input.deny);
  let unsure: DenyVerdict;
  for (const rule of deny) {
    const v = denyMatch(rule, tool, subject, shell, input.projectRoot);
    if (v?.match === "match") return { action: "deny", reason: `denied by rule ${rule.raw}`, rule: rule.raw };
    if (v && !unsure) unsure = v;
  }
  const changes = tool.kind === "write" || tool.kind === "exec";
  if (input.mode === "read-only" && changes) {
    const what = tool.kind === "write" ? "file changes are" : "commands are";
    return { action: "deny", reason: `read-only mode: ${what} not allowed (${tool.name}); switch the permission mode to allow them` };
  }
  if (input.mode === "read-only" && tool.writesCore) {
    return {
      action: "deny",
      reason: `read-only mode: core memory writes are not allowed (${tool.name} changes the system prompt); archival memory is still writable`,
    };
  }
  if (shell && deny.some((r) => r.pattern !== undefined && ruleTool(r, tool))) {
    if (shell.computed.length) {
      return {
        action: "ask",
        reason: `${shell.computed[0]}, so the deny rules cannot tell what it runs; asking instead of allowing`,
      };
    }
    if (unsure) {
      return {
        action: "ask",
        reason: `\`${show(unsure.argv ?? [])}\` may match deny rule ${unsure.rule.raw} once the shell expands it; asking instead of allowing`,
        rule: unsure.rule.raw,
      };
    }
  }
  const covered = allowCoverage(parsedRules(input.allow), tool, subject, shell, input.projectRoot);
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

/** Programs whose second word is a program or a script, not a subcommand: `env rm:*` would allow `env rm -rf /`. */
const RUNS_OTHERS = /^(env|sudo|doas|su|command|builtin|exec|eval|source|\.|nohup|time|nice|ionice|timeout|stdbuf|setsid|xargs|chroot|flock|taskset|chrt|busybox|toybox|watch|strace|ltrace|find|sh|bash|zsh|dash|ksh|fish|python\d*(\.\d+)?|node|perl|ruby|php|deno|bun)$/;
const SUBCOMMAND = /^[A-Za-z0-9][A-Za-z0-9_.:@+-]*$/;

/**
 * The rule "yes, don't ask again" adds, in the argv syntax. Either what the user saw exactly (its
 * first simple command; args after a `--` stay open, as the matcher allows them), or, for a
 * `program subcommand …` that is neither destructive nor a wrapper, `program subcommand:*`.
 */
export function suggestRule(tool: string | ToolLike, args: unknown): string {
  const info = toolInfo(tool);
  if (!isShell(info)) return info.name;
  const command = subjectOf(info, args);
  const first = command ? splitShellCommand(command).commands[0] : undefined;
  const words = first ? shellArgv(first).words : [];
  if (!words.length) return info.name;
  const rule = (ws: Word[], any = false) => `${info.name}(${ws.map(quoteWord).join(" ")}${any ? ":*" : ""})`;
  const prog = words[0];
  const name = programName(prog.text);
  const second = words[1];
  const plain = (w: Word | undefined) => !!w && !w.dynamic && !w.glob && SUBCOMMAND.test(w.text);
  // For a destructive command a two-word prefix (`rm -rf`) would allow far more than the user saw.
  if (isDestructive(words)) return rule(words);
  const dashes = words.findIndex((w) => !w.dynamic && w.text === "--");
  if (dashes > 0 && words.slice(0, dashes).every((w) => !w.dynamic)) return rule(words.slice(0, dashes));
  const runsNext = runnerOf(words) !== undefined;
  if (!RUNS_OTHERS.test(name) && !runsNext && plain(prog) && plain(second) && effectiveOf(words).computed.length === 0) {
    return rule(words.slice(0, 2), true);
  }
  return rule(words);
}
