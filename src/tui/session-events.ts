/**
 * What one event of a running turn does to the view around the turn: the progress line, notes in
 * the transcript, the status line's numbers. The streaming answer and live tools are turn-state.ts's;
 * this wraps it, so the whole effect of an event is one pure step the turn hook only applies.
 */
import type { AgentEvent } from "../agent/events.js";
import { newId, type Item, type NoteLevel } from "./items.js";
import { errorHint } from "./session-view.js";
import { reduceTurn, type TurnState, type TurnStep } from "./turn-state.js";

/** The progress line: what the agent is doing, since when, and which key does something about it. */
export interface Busy {
  label: string;
  since: number;
  hint: string;
}

export interface TurnView {
  turn: TurnState;
  busy: Busy | null;
}

export interface EventStep {
  view: TurnView;
  commit: Item[];
  /** The live region changed: "batched" for chunks (one paint per ~16 ms), "now" for anything structural. */
  flush?: "now" | "batched";
  /** Context size from a usage event, for the status line. */
  context?: { contextTokens: number; contextWindow: number };
  /** Something the status line reads from the session changed (core memory chars). */
  refresh?: boolean;
}

/** What the step can't know by itself: the clock, and the endpoint an error hint may name. */
export interface EventEnv {
  now: number;
  baseURL?: string;
}

const note = (level: NoteLevel, text: string, hint?: string): Item => ({ kind: "note", id: newId(), level, text, hint });

/** Back to the turn's own label, when there is a progress line at all. */
const thinking = (b: Busy | null): Busy | null => (b ? { ...b, label: "thinking…" } : b);

/** A wait with its own label keeps the clock of the wait already shown. */
const showing = (b: Busy | null, label: string, hint: string, now: number): Busy => ({ label, since: b?.since ?? now, hint });

/** The progress line after a turn-state step: a tool started, or one finished. */
export function busyAfterTool(b: Busy | null, step: Pick<TurnStep, "busy">, now: number): Busy | null {
  if (step.busy === "thinking") return thinking(b);
  if (step.busy) return showing(b, `running ${step.busy.tool}…`, "Esc to interrupt", now);
  return b;
}

const LIVE_NOW = new Set<AgentEvent["type"]>(["assistant_message", "tool_call", "tool_update", "approval_result", "tool_result", "subagent"]);

export function reduceEvent(view: TurnView, ev: AgentEvent, env: EventEnv): EventStep {
  const same = (commit: Item[] = [], busy = view.busy): EventStep => ({ view: busy === view.busy ? view : { ...view, busy }, commit });
  switch (ev.type) {
    case "assistant_delta":
    case "tool_output":
    case "assistant_message":
    case "tool_call":
    case "tool_update":
    case "approval_result":
    case "tool_result":
    case "subagent":
    case "memory_update": {
      const step = reduceTurn(view.turn, ev);
      const next: EventStep = { view: { turn: step.state, busy: busyAfterTool(view.busy, step, env.now) }, commit: step.commit };
      if (ev.type === "assistant_delta" || ev.type === "tool_output") next.flush = "batched";
      else if (LIVE_NOW.has(ev.type)) next.flush = "now";
      // A memory change shown for the first time: core chars in the status line moved.
      else if (step.state !== view.turn) next.refresh = true;
      return next;
    }
    case "turn_start":
      // After a wait for another writer's turn the progress line goes back to the turn's own.
      return same([], view.busy ? { ...view.busy, label: "thinking…", hint: "Esc to interrupt" } : null);
    case "compaction":
      return same(
        [
          note(
            "dim",
            `⟳ Compacted the conversation: summarised ${ev.evicted} older messages (${ev.tokensBefore.toLocaleString("en-US")} → ${ev.tokensAfter.toLocaleString("en-US")} tokens). They stay searchable in recall memory.`,
          ),
        ],
        thinking(view.busy),
      );
    case "memory_pressure":
      return same([
        note(
          "warn",
          `Context is ${ev.window > 0 ? Math.round((ev.tokens / ev.window) * 100) : 0}% full; the agent was asked to save what matters to memory.`,
          "Older messages will be summarised soon; /compact does it now.",
        ),
      ]);
    case "retry":
      return same([note("warn", `Model request failed (${ev.reason}); retrying in ${(ev.delayMs / 1000).toFixed(1)} s (attempt ${ev.attempt}).`)]);
    case "usage":
      return { ...same(), context: { contextTokens: ev.contextTokens, contextWindow: ev.contextWindow } };
    case "notice":
      // Waiting for another writer's turn is a state, not news: the progress line says it until the turn starts.
      if (ev.code === "turn_waiting") return same([], showing(view.busy, ev.message, "Esc to stop waiting", env.now));
      return same([note("info", ev.message)]);
    case "progress": {
      // A long wait inside the turn (e.g. the embedding model downloading): shown on the progress line.
      const pct = Math.max(0, Math.min(100, Math.round(ev.percent)));
      if (pct >= 100) return same([note("dim", `${ev.what}: done${ev.detail ? ` (${ev.detail})` : ""}`)], thinking(view.busy));
      // 0% is "started, no measure yet" (e.g. a summary being written): show the activity without a number.
      const label = `${ev.what}${pct > 0 ? ` ${pct}%` : "…"}${ev.detail ? ` · ${ev.detail}` : ""}`;
      return same([], showing(view.busy, label, "Esc to interrupt", env.now));
    }
    case "error":
      return same([note("error", ev.message, errorHint(ev.message, env.baseURL))]);
    case "done":
      if (ev.reason === "step_limit") return same([note("warn", `Stopped after ${ev.numSteps} steps (the step limit).`, "Send “continue” to let the agent go on.")]);
      if (ev.reason === "loop_detected") return same([note("warn", "Stopped: the agent kept repeating the same tool call.", "Rephrase the request or give it more guidance.")]);
      return same();
    default:
      // approval_request is answered through the approver; reflection events come in the background.
      return same();
  }
}
