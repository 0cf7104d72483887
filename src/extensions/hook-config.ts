import { homedir } from "node:os";
import { join } from "node:path";
import { userConfigPath } from "../config/paths.js";
import type { ConfigOrigin } from "../config/sections.js";
import { TOOL_ALIASES } from "../permissions/tool-aliases.js";

export const HOOK_EVENTS = [
  "SessionStart",
  "UserPromptSubmit",
  "PreToolUse",
  "PostToolUse",
  "Stop",
  "PreCompact",
  "SessionEnd",
  "Notification",
] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** Events whose matcher is about a tool name; for the others Claude Code ignores it, and so do we. */
const TOOL_EVENTS = new Set<HookEvent>(["PreToolUse", "PostToolUse"]);

export const DEFAULT_HOOK_TIMEOUT_S = 60;
/** A typo like 6000 (meant as ms) should not make a hook able to stall a turn for hours. */
export const MAX_HOOK_TIMEOUT_S = 600;

export interface HookSpec {
  event: HookEvent;
  /** The matcher as written ("" or "*" = every tool). */
  matcher: string;
  command: string;
  timeoutMs: number;
  /** The config file it came from, for /hooks and every warning about it. */
  file: string;
  /** Whose file: the user's own hooks may be run differently from a (trusted) project's. */
  scope: ConfigOrigin;
}

/** The hooks of one config file's `hooks` section, validated; problems are warnings, never a crash. */
export function parseHooksSection(raw: unknown, file: string, scope: HookSpec["scope"]): { hooks: HookSpec[]; warnings: string[] } {
  const hooks: HookSpec[] = [];
  const warnings: string[] = [];
  if (raw === undefined) return { hooks, warnings };
  const bad = (what: string) => warnings.push(`${file}: ${what} (ignored)`);
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    bad(`"hooks" must be an object like {"PreToolUse": [{"matcher": "run_shell", "hooks": [{"type": "command", "command": "..."}]}]}`);
    return { hooks, warnings };
  }
  for (const [event, groups] of Object.entries(raw as Record<string, unknown>)) {
    if (!(HOOK_EVENTS as readonly string[]).includes(event)) {
      bad(`unknown hook event "${event}"; known: ${HOOK_EVENTS.join(", ")}`);
      continue;
    }
    if (!Array.isArray(groups)) {
      bad(`hooks.${event} must be a list of {"matcher": ..., "hooks": [...]}`);
      continue;
    }
    groups.forEach((g: unknown, gi) => {
      const where = `hooks.${event}[${gi}]`;
      if (!g || typeof g !== "object" || Array.isArray(g)) return void bad(`${where} must be an object with "hooks"`);
      const group = g as Record<string, unknown>;
      const matcher = group.matcher ?? "";
      if (typeof matcher !== "string") return void bad(`${where}.matcher must be a string (a regular expression over tool names)`);
      if (TOOL_EVENTS.has(event as HookEvent) && compileMatcher(matcher) === null)
        return void bad(`${where}.matcher "${matcher}" is not a valid regular expression`);
      if (!Array.isArray(group.hooks)) return void bad(`${where}.hooks must be a list of {"type": "command", "command": "..."}`);
      group.hooks.forEach((h: unknown, hi) => {
        const at = `${where}.hooks[${hi}]`;
        if (!h || typeof h !== "object" || Array.isArray(h)) return void bad(`${at} must be an object`);
        const hook = h as Record<string, unknown>;
        if (hook.type !== undefined && hook.type !== "command")
          return void bad(`${at}.type "${String(hook.type)}" is not supported; only "command" hooks run here`);
        if (typeof hook.command !== "string" || !hook.command.trim()) return void bad(`${at}.command must be a non-empty string`);
        let timeout = DEFAULT_HOOK_TIMEOUT_S;
        if (hook.timeout !== undefined) {
          if (typeof hook.timeout !== "number" || !(hook.timeout > 0)) return void bad(`${at}.timeout must be a positive number of seconds`);
          timeout = Math.min(hook.timeout, MAX_HOOK_TIMEOUT_S);
          if (hook.timeout > MAX_HOOK_TIMEOUT_S) bad(`${at}.timeout ${hook.timeout} s is over the maximum; ${MAX_HOOK_TIMEOUT_S} s is used`);
        }
        hooks.push({ event: event as HookEvent, matcher, command: hook.command, timeoutMs: Math.round(timeout * 1000), file, scope });
      });
    });
  }
  return { hooks, warnings };
}

const compiled = new Map<string, RegExp | null>();

/**
 * As in Claude Code: names (and `a|b` lists of names) match whole tool names exactly; anything
 * else is a regular expression searched in the name ("mcp__.*", "mcp__github"); "" and "*" match
 * everything. Claude Code's tool names stand for ours.
 */
export function compileMatcher(matcher: string): RegExp | null {
  if (compiled.has(matcher)) return compiled.get(matcher)!;
  let re: RegExp | null;
  const m = matcher.trim();
  if (m === "" || m === "*") re = /^/;
  else {
    // Word-bounded alias names become "alias|ours", so `Bash` matches run_shell and `Bash.*` still works.
    const expanded = m.replace(/\b[A-Za-z]+\b/g, (w) => (Object.hasOwn(TOOL_ALIASES, w) ? `(?:${w}|${TOOL_ALIASES[w]})` : w));
    try {
      re = new RegExp(/^[\w|]+$/.test(m) ? `^(?:${expanded})$` : expanded);
    } catch {
      re = null;
    }
  }
  compiled.set(matcher, re);
  return re;
}

export function matchesTool(matcher: string, toolName: string): boolean {
  return compileMatcher(matcher)?.test(toolName) ?? false;
}

/** Where a user's skills and commands live besides the config file (for discovery). */
export function userHome(env: NodeJS.ProcessEnv = process.env): string {
  return env.HOME || homedir();
}

export function userConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(userConfigPath(env), "..");
}
