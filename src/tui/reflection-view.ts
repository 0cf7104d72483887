/**
 * Background reflection as the TUI shows it: the session schedules and runs the pass; its events
 * arrive outside any turn and become learned items, notes and the status line's "reflecting" mark.
 */
import type { AgentEvent, ReflectionTrigger } from "../agent/events.js";
import { addedText, changeVerb } from "../agent/reflection-change.js";
import { newId, type Item, type NoteLevel } from "./items.js";

export interface ReflectionView {
  /** A pass is running (between its start and end events). */
  running: boolean;
  /** What started the running pass (or the one /reflect asked for): a manual one reports even when it learned nothing. */
  trigger: ReflectionTrigger | null;
  /** The daily cap is worth saying once a session unless the user asked. */
  capNoticeShown: boolean;
}

export interface ReflectionStep {
  view: ReflectionView;
  commit: Item[];
  /** Memory (and so the status line's numbers) may have changed. */
  refresh?: boolean;
}

export const idleReflection = (): ReflectionView => ({ running: false, trigger: null, capNoticeShown: false });

const note = (level: NoteLevel, text: string, hint?: string): Item => ({ kind: "note", id: newId(), level, text, hint });

export function reduceReflection(view: ReflectionView, ev: AgentEvent): ReflectionStep {
  if (ev.type === "reflection" && ev.phase === "start") return { view: { ...view, running: true, trigger: ev.trigger }, commit: [] };
  if (ev.type === "memory_update") {
    const learned: Item = { kind: "learned", id: newId(), verb: changeVerb(ev), label: ev.label, text: addedText(ev) || "(emptied)", undoId: ev.eventId };
    return { view, commit: [learned], refresh: true };
  }
  // Between turns the session also tells of team memory pulled from other machines (or a sync that failed).
  if (ev.type === "notice") return { view, commit: [note(ev.code === "team_error" ? "warn" : "dim", ev.message)], refresh: true };
  if (ev.type !== "reflection" || ev.phase !== "end") return { view, commit: [] };
  const manual = view.trigger === "manual";
  const next: ReflectionView = { ...view, running: false, trigger: null };
  const commit: Item[] = [];
  if (ev.status === "capped") {
    if (manual || !view.capNoticeShown) commit.push(note("warn", ev.message ?? "Reflection paused: daily token cap reached.", 'Raise "reflection.dailyTokenCap" in .letta/config.json to allow more.'));
    next.capNoticeShown = true;
  } else if (ev.status === "failed") commit.push(note("warn", ev.message ?? "Reflection failed.", "/reflect tries again."));
  else if (manual && ev.status === "done" && ev.changes === 0) commit.push(note("dim", `Reflected on ${ev.messagesReflected} messages: nothing durable to learn.`));
  else if (manual && ev.status !== "done" && ev.status !== "interrupted") commit.push(note(ev.status === "off" ? "warn" : "dim", ev.message ?? `Reflection: ${ev.status}.`));
  return { view: next, commit, refresh: true };
}

/** /reflect: marks the next pass as the user's, unless one is already running (then says so). */
export function requestReflection(view: ReflectionView): ReflectionStep {
  if (view.trigger) return { view, commit: [note("dim", "Reflection is already running; what it learns appears as it lands.")] };
  return { view: { ...view, trigger: "manual" }, commit: [] };
}
