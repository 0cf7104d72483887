import type { ProjectHookSet } from "../config/sections.js";
import { visible } from "../mcp/config.js";
import type { HookSpec } from "./hook-config.js";

/** Said once per run while a trusted project's hooks wait for the user: why they do not run, and what to do. */
export function projectHooksNotice(set: ProjectHookSet): string {
  const n = set.hooks.length;
  const what = `This project's ${n} hook${n === 1 ? "" : "s"} (${[...new Set(set.hooks.map((h) => h.event))].join(", ")})`;
  if (set.state === "denied") return `${what} do not run: you declined them. \`letta-code hooks approve\` changes that.`;
  const why = set.changed ? "changed since you decided on them" : "are not approved yet";
  return `${what} ${why}, so they do not run. See them with \`letta-code hooks list\` and approve them with \`letta-code hooks approve\` (or answer the prompt of an interactive session).`;
}

/**
 * Each hook in full, as the user approves it: event, matcher, the whole command (control characters
 * escaped, so a repository cannot hide part of it from the terminal), timeout and file.
 */
export function hookLines(hooks: readonly HookSpec[]): string[] {
  return hooks.map((h) => {
    const on = h.matcher && h.matcher !== "*" ? ` [${visible(h.matcher)}]` : "";
    return `${h.event}${on}: ${visible(h.command)}   (timeout ${h.timeoutMs / 1000} s, ${h.file})`;
  });
}
