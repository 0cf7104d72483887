import { isAbsolute, resolve } from "node:path";
import type { ShellSettings } from "../tools/types.js";
import { matchesTool, type HookEvent, type HookSpec } from "./hook-config.js";
import { runHookProcess, type HookOwner, type HookProcessResult } from "./hook-process.js";

export type PermissionVerdict = "allow" | "deny" | "ask";

/** What the hooks of one event decided together. */
export interface HookOutcome {
  /** How many hooks ran. */
  ran: number;
  /** Exit 2 or `{"decision": "block"}`: the reason (stderr / reason), several joined. */
  blocked?: string;
  /** PreToolUse: the strongest `permissionDecision` (deny > ask > allow). */
  permission?: PermissionVerdict;
  permissionReason?: string;
  /** Text for the model: plain stdout (UserPromptSubmit, SessionStart) or `additionalContext`. */
  context: string[];
  /**
   * Hooks that could not give a verdict: they did not start, timed out or crashed (each named, with
   * why). A PreToolUse guard in this state blocks its call; other events go on without it.
   */
  failed: string[];
}

/** A warning about a hook; `hook_failed` ones are shown in every face, `-p` without --verbose included. */
export type HookWarn = (message: string, code?: "hook_failed") => void;

/** The user's own hooks run as the user; a project's are the repository's code (hook-process.ts). */
export function hookOwner(h: HookSpec): HookOwner {
  return h.scope === "project" ? "project" : "user";
}

/** Events whose plain stdout (exit 0) goes into the model's context. */
const STDOUT_IS_CONTEXT = new Set<HookEvent>(["UserPromptSubmit", "SessionStart"]);
const RANK: Record<PermissionVerdict, number> = { allow: 1, ask: 2, deny: 3 };

export interface HookRunnerOptions {
  projectRoot: string;
  shell: ShellSettings;
  sessionId: () => string;
  permissionMode?: () => string;
}

/** Runs the configured hooks of an event, all matching ones in parallel, and reads their verdicts. */
export class HookRunner {
  constructor(
    private readonly hooks: readonly HookSpec[],
    private readonly opts: HookRunnerOptions,
  ) {}

  list(): readonly HookSpec[] {
    return this.hooks;
  }

  matching(event: HookEvent, toolName?: string): HookSpec[] {
    return this.hooks.filter((h) => h.event === event && (toolName === undefined || matchesTool(h.matcher, toolName)));
  }

  has(event: HookEvent, toolName?: string): boolean {
    return this.matching(event, toolName).length > 0;
  }

  /**
   * Run the event's hooks with `fields` added to the common input. Failures (a crash, a timeout,
   * an unexpected exit code, unreadable JSON) are passed to `warn` and never throw; the ones that
   * left no verdict are in `failed` too, for the caller to fail closed on.
   */
  async run(
    event: HookEvent,
    fields: Record<string, unknown>,
    opts: { toolName?: string; signal?: AbortSignal; warn: HookWarn },
  ): Promise<HookOutcome> {
    const hooks = this.matching(event, opts.toolName);
    const outcome: HookOutcome = { ran: hooks.length, context: [], failed: [] };
    if (!hooks.length) return outcome;
    const input = JSON.stringify({
      session_id: this.opts.sessionId(),
      cwd: this.opts.projectRoot,
      hook_event_name: event,
      ...(this.opts.permissionMode ? { permission_mode: this.opts.permissionMode() } : {}),
      ...fields,
    });
    const results = await Promise.all(
      hooks.map((h) =>
        runHookProcess(h.command, input, {
          projectRoot: this.opts.projectRoot,
          timeoutMs: h.timeoutMs,
          shell: this.opts.shell,
          owner: hookOwner(h),
          signal: opts.signal,
        }),
      ),
    );
    // Interrupted: the hooks were killed on purpose, nothing to report or decide.
    if (opts.signal?.aborted) return outcome;
    const blocks: string[] = [];
    const reasons: string[] = [];
    results.forEach((r, i) => interpret(event, hooks[i]!, r, outcome, blocks, reasons, opts.warn));
    if (blocks.length) outcome.blocked = blocks.join("\n");
    if (reasons.length) outcome.permissionReason = reasons.join("; ");
    return outcome;
  }
}

/** How a hook is named in messages: event, a short command, and the file it comes from. */
export function describeHook(h: HookSpec): string {
  const cmd = h.command.length > 60 ? `${h.command.slice(0, 57)}...` : h.command;
  return `${h.event} hook "${cmd}" (${h.file})`;
}

function interpret(
  event: HookEvent,
  hook: HookSpec,
  r: HookProcessResult,
  outcome: HookOutcome,
  blocks: string[],
  reasons: string[],
  warn: HookWarn,
): void {
  const name = describeHook(hook);
  const stderr = r.stderr.trim();
  const broken = brokenHook(hook, r, stderr);
  if (broken) {
    outcome.failed.push(`${name} ${broken}`);
    // A guard that cannot run must not let through what it guards: Claude Code fails open here, we do not.
    const then = event === "PreToolUse" ? "the call it guards was blocked" : "going on without it";
    return warn(`${name} ${broken}; ${then}.`, "hook_failed");
  }
  if (r.exitCode === 2) {
    blocks.push(stderr || `blocked by ${name} (it gave no reason on stderr)`);
    return;
  }
  if (r.exitCode !== 0) {
    // Claude Code's contract: any other exit code is the hook's own non-blocking error, which hooks written for it rely on.
    return warn(`${name} failed (exit code ${r.exitCode})${stderr ? `: ${firstLines(stderr)}` : ""}. Going on.`, "hook_failed");
  }
  const stdout = r.stdout.trim();
  if (!stdout) return;
  if (stdout.startsWith("{")) {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(stdout) as Record<string, unknown>;
    } catch {
      if (STDOUT_IS_CONTEXT.has(event)) outcome.context.push(stdout);
      return;
    }
    readJson(event, name, json, outcome, blocks, reasons, warn);
    return;
  }
  if (STDOUT_IS_CONTEXT.has(event)) outcome.context.push(stdout);
}

/** Claude Code's JSON output: `decision`/`reason`, `hookSpecificOutput`, `systemMessage`. */
function readJson(
  event: HookEvent,
  name: string,
  json: Record<string, unknown>,
  outcome: HookOutcome,
  blocks: string[],
  reasons: string[],
  warn: HookWarn,
): void {
  const reason = typeof json.reason === "string" ? json.reason : undefined;
  if (typeof json.systemMessage === "string" && json.systemMessage.trim()) warn(`${name}: ${json.systemMessage.trim()}`);
  const specific = (json.hookSpecificOutput ?? {}) as Record<string, unknown>;
  let verdict: PermissionVerdict | undefined;
  if (event === "PreToolUse") {
    const pd = specific.permissionDecision;
    if (pd === "allow" || pd === "deny" || pd === "ask") verdict = pd;
    else if (pd !== undefined) warn(`${name}: permissionDecision "${String(pd)}" is not allow, deny or ask; ignored.`);
    // The older top-level spelling: approve / block.
    else if (json.decision === "approve") verdict = "allow";
    const why = typeof specific.permissionDecisionReason === "string" ? specific.permissionDecisionReason : reason;
    if (verdict) {
      if (!outcome.permission || RANK[verdict] > RANK[outcome.permission]) outcome.permission = verdict;
      if (why) reasons.push(why);
    }
  }
  if (json.decision === "block") blocks.push(reason || `blocked by ${name}`);
  // `continue: false` means "stop here": for a Stop hook that is what happens anyway (a block would mean go on).
  if (json.continue === false && event !== "Stop") blocks.push(typeof json.stopReason === "string" ? json.stopReason : reason || `stopped by ${name}`);
  if (typeof specific.additionalContext === "string" && specific.additionalContext.trim()) outcome.context.push(specific.additionalContext.trim());
}

/**
 * Why a hook left no verdict, if it did: it could not be started (a spawn error, or the shell's 126
 * "not executable" / 127 "not found"), it timed out, or it died of a signal (the shell reports 128+n).
 * A hook that ran and exited 1 did give one: Claude Code's non-blocking error.
 */
function brokenHook(hook: HookSpec, r: HookProcessResult, stderr: string): string | undefined {
  const said = stderr ? `: ${firstLines(stderr, 1)}` : "";
  if (r.error) return `could not start: ${r.error}`;
  if (r.timedOut) return `timed out after ${hook.timeoutMs / 1000} s and was killed`;
  if (r.exitCode === 126 || r.exitCode === 127) return `could not start (exit code ${r.exitCode})${said}`;
  if (r.signal) return `crashed (killed by ${r.signal})${said}`;
  if (r.exitCode === null || r.exitCode >= 128) return `crashed (${r.exitCode === null ? "no exit code" : `exit code ${r.exitCode}: killed by a signal`})${said}`;
  return undefined;
}

function firstLines(s: string, n = 3): string {
  const lines = s.split("\n");
  return lines.slice(0, n).join(" / ") + (lines.length > n ? " …" : "");
}

/**
 * Claude Code's hooks read `tool_input.file_path` (absolute); ours take `path`. Both are given,
 * so scripts written for either work.
 */
export function hookToolInput(args: unknown, projectRoot: string): unknown {
  if (!args || typeof args !== "object" || Array.isArray(args)) return args;
  const a = args as Record<string, unknown>;
  if (typeof a.path === "string" && a.file_path === undefined) {
    return { ...a, file_path: isAbsolute(a.path) ? a.path : resolve(projectRoot, a.path) };
  }
  return a;
}
