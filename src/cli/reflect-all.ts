import type { AgentEvent, ReflectionStatus, Usage } from "../agent/events.js";
import type { AgentSession } from "../agent/session.js";
import { addedText, changeVerb, firstWords, type ReflectionChange } from "../agent/reflection-change.js";

export interface ReflectAllResult {
  /** How the last pass ended. */
  status: ReflectionStatus;
  changes: ReflectionChange[];
  messagesReflected: number;
  usage: Usage;
  message?: string;
}

/** Enough for a large backlog at the per-pass input cap; the daily token cap stops it sooner. */
const MAX_PASSES = 50;

/**
 * Reflect until caught up: passes run one after another while the last one read only part of the
 * backlog. Stops at the first pass that does not finish (nothing left, busy, capped, failed, interrupted).
 */
export async function reflectAll(
  session: AgentSession,
  opts: { trigger: "command" | "headless"; signal?: AbortSignal; onEvent?: (e: AgentEvent) => void },
): Promise<ReflectAllResult> {
  const out: ReflectAllResult = { status: "nothing", changes: [], messagesReflected: 0, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } };
  if (!session.reflect) return { ...out, status: "off", message: "Reflection is not available in this session." };
  let worked = false;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let end: Extract<AgentEvent, { type: "reflection"; phase: "end" }> | undefined;
    for await (const e of session.reflect({ trigger: opts.trigger, signal: opts.signal })) {
      opts.onEvent?.(e);
      if (e.type === "memory_update") out.changes.push({ label: e.label, action: e.action, before: e.before, after: e.after, reason: e.reason, eventId: e.eventId });
      if (e.type === "reflection" && e.phase === "end") end = e;
    }
    if (!end) break;
    out.usage.promptTokens += end.usage.promptTokens;
    out.usage.completionTokens += end.usage.completionTokens;
    out.usage.totalTokens += end.usage.totalTokens;
    out.messagesReflected += end.messagesReflected;
    worked ||= end.status === "done";
    // Finding nothing after real work means caught up, not "nothing to do".
    out.status = end.status === "nothing" && worked ? "done" : end.status;
    out.message = out.status === "done" ? undefined : end.message;
    if (end.status !== "done" || end.messagesReflected === 0) break;
  }
  return out;
}

/** One line per change for text output: `learned · project: Tests run with make check — a command that works`. */
export function changeLine(c: ReflectionChange, width = 80): string {
  const undo = c.eventId ? ` (undo: letta-code memory undo ${c.eventId})` : "";
  return `${changeVerb(c)} · ${c.label}: ${firstWords(addedText(c), width)}${c.reason ? ` — ${c.reason}` : ""}${undo}`;
}
