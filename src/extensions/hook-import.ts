import { canonicalToolName } from "../permissions/tool-aliases.js";
import { HOOK_EVENTS, type HookEvent } from "./hook-config.js";

/*
 * `letta-code hooks import --from-claude`: Claude Code's `hooks` section (the same shape as ours)
 * merged into one of our config files. Pure: reading and writing the files is the caller's.
 */

const TOOL_EVENTS = new Set<string>(["PreToolUse", "PostToolUse"]);

type Group = { matcher?: string; hooks: Record<string, unknown>[] };
export type HooksObject = Record<string, Group[]>;

export interface ImportLine {
  event: string;
  /** As written in Claude Code's file, and as imported (our tool names). */
  from: string;
  matcher: string;
  command: string;
  result: "imported" | "already there" | "skipped";
  why?: string;
}

/**
 * A plain name list ("Bash", "Edit|MultiEdit|Write") in our tool names. A regular expression is kept
 * as written: Claude Code's names inside it still match ours (hook-config.ts compileMatcher).
 */
export function mapMatcher(event: string, matcher: string): string {
  const m = matcher.trim();
  if (!TOOL_EVENTS.has(event) || !/^[\w|]+$/.test(m)) return matcher;
  return [...new Set(m.split("|").filter(Boolean).map(canonicalToolName))].join("|");
}

/** Merge `source` (Claude Code's `hooks`) into `target` (ours); what happened to each hook, in order. */
export function mergeClaudeHooks(target: HooksObject, source: unknown): { hooks: HooksObject; lines: ImportLine[] } {
  const hooks: HooksObject = structuredClone(target);
  const lines: ImportLine[] = [];
  if (!source || typeof source !== "object" || Array.isArray(source)) return { hooks, lines };
  const key = (event: string, matcher: string, command: string) => JSON.stringify([event, mapMatcher(event, matcher), command]);
  const have = new Set<string>();
  for (const [event, groups] of Object.entries(hooks))
    for (const g of Array.isArray(groups) ? groups : [])
      for (const h of Array.isArray(g?.hooks) ? g.hooks : []) if (typeof h?.command === "string") have.add(key(event, g.matcher ?? "", h.command));
  for (const [event, groups] of Object.entries(source as Record<string, unknown>)) {
    for (const g of Array.isArray(groups) ? (groups as unknown[]) : []) {
      const group = (g && typeof g === "object" ? g : {}) as Record<string, unknown>;
      const from = typeof group.matcher === "string" ? group.matcher : "";
      const matcher = mapMatcher(event, from);
      for (const h of Array.isArray(group.hooks) ? (group.hooks as unknown[]) : []) {
        const hook = (h && typeof h === "object" ? h : {}) as Record<string, unknown>;
        const command = typeof hook.command === "string" ? hook.command : "";
        const line: ImportLine = { event, from, matcher, command, result: "imported" };
        lines.push(line);
        if (!(HOOK_EVENTS as readonly string[]).includes(event)) {
          Object.assign(line, { result: "skipped", why: `letta-code has no ${event} event` });
          continue;
        }
        if ((hook.type ?? "command") !== "command" || !command.trim()) {
          Object.assign(line, { result: "skipped", why: `only "command" hooks run here (this one is "${String(hook.type)}")` });
          continue;
        }
        if (have.has(key(event, matcher, command))) {
          line.result = "already there";
          continue;
        }
        have.add(key(event, matcher, command));
        const list = (hooks[event as HookEvent] ??= []);
        let into = list.find((x) => mapMatcher(event, x.matcher ?? "") === matcher);
        if (!into) list.push((into = { matcher, hooks: [] }));
        const { type: _t, ...rest } = hook;
        into.hooks.push({ type: "command", ...rest });
      }
    }
  }
  return { hooks, lines };
}
