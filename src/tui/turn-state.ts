import type { AgentEvent } from "../agent/events.js";
import { appendCapped, newId, type Item, type ToolItem } from "./items.js";

/** What a running turn shows below the finished transcript: the streaming answer and live tool calls. */
export interface TurnState {
  stream: string;
  live: ToolItem[];
  interrupted: boolean;
  /** label + new value of memory changes already shown, so a change shown twice (event + tool display) prints once. */
  memoryKeys: ReadonlySet<string>;
}

/** What one event did: the next state, items to move into the transcript, and whether a tool is busy. */
export interface TurnStep {
  state: TurnState;
  commit: Item[];
  /** A tool started (`running <name>…`) or finished (`thinking…`); undefined: no change. */
  busy?: { tool: string } | "thinking";
}

export const emptyTurn = (): TurnState => ({ stream: "", live: [], interrupted: false, memoryKeys: new Set() });

const withKey = (keys: ReadonlySet<string>, key: string) => new Set([...keys, key]);

/** The streaming answer, committed (marked when interrupted; an empty interrupted one is a note). */
function commitStream(state: TurnState, interrupted: boolean, text = state.stream): { state: TurnState; commit: Item[] } {
  const next = { ...state, stream: "" };
  if (text.trim()) return { state: next, commit: [{ kind: "assistant", id: newId(), text, interrupted }] };
  if (interrupted) return { state: next, commit: [{ kind: "note", id: newId(), level: "warn", text: "Interrupted.", hint: "Send a message to continue or redirect the agent." }] };
  return { state: next, commit: [] };
}

const mapTool = (state: TurnState, id: string, f: (t: ToolItem) => ToolItem): TurnState => ({
  ...state,
  live: state.live.map((t) => (t.callId === id ? f(t) : t)),
});

/**
 * The TUI's turn state as a pure function of the events: (state, event) -> state, plus what leaves
 * the live area for the transcript. Events it does not own (notes, usage, progress) leave it as is.
 */
export function reduceTurn(state: TurnState, ev: AgentEvent): TurnStep {
  switch (ev.type) {
    case "assistant_delta":
      return state.interrupted ? { state, commit: [] } : { state: { ...state, stream: state.stream + ev.text }, commit: [] };
    case "assistant_message":
      return state.interrupted ? { state, commit: [] } : commitStream(state, false, ev.text || state.stream);
    case "tool_call": {
      const before = state.stream.trim() ? commitStream(state, false) : { state, commit: [] };
      const item: ToolItem = { kind: "tool", id: newId(), callId: ev.id, name: ev.name, args: ev.args, state: "running", output: "" };
      return { state: { ...before.state, live: [...before.state.live, item] }, commit: before.commit, busy: { tool: ev.name } };
    }
    case "tool_update":
      // The lifecycle comes from the core; the TUI only shows it.
      return { state: mapTool(state, ev.id, (t) => ({ ...t, state: ev.state === "validating" ? "running" : ev.state })), commit: [] };
    case "approval_result":
      // The user's words (or none) are kept for the denied line instead of the result text.
      return ev.approved ? { state, commit: [] } : { state: mapTool(state, ev.id, (t) => ({ ...t, denyReason: ev.reason ?? "" })), commit: [] };
    case "tool_output":
      return { state: mapTool(state, ev.id, (t) => ({ ...t, output: appendCapped(t.output, ev.chunk) })), commit: [] };
    case "tool_result": {
      const item = state.live.find((t) => t.callId === ev.id) ?? { kind: "tool" as const, id: newId(), callId: ev.id, name: ev.name, args: undefined, state: "running" as const, output: "" };
      let keys = state.memoryKeys;
      let memoryShown = false;
      if (ev.display?.kind === "memory") {
        const key = `${ev.display.label}\u0000${ev.display.after}`;
        memoryShown = keys.has(key);
        keys = withKey(keys, key);
      }
      const denied = item.state === "denied";
      // A refusal by a rule or hook has no words from the user: the result says why.
      const done: ToolItem = {
        ...item,
        state: denied ? "denied" : ev.state,
        content: ev.content,
        display: ev.display,
        memoryShown,
        denyReason: denied ? (item.denyReason ?? ev.content) : undefined,
      };
      return { state: { ...state, memoryKeys: keys, live: state.live.filter((t) => t.callId !== ev.id) }, commit: [done], busy: "thinking" };
    }
    case "subagent": {
      const next = mapTool(state, ev.parent_tool_use_id, (t) => withSubagentEvent(t, ev));
      // The progress line names what the subagent is doing now.
      return ev.event.type === "tool_call" ? { state: next, commit: [], busy: { tool: `${ev.agent}: ${ev.event.name}` } } : { state: next, commit: [] };
    }
    case "memory_update": {
      const key = `${ev.label}\u0000${ev.after}`;
      if (state.memoryKeys.has(key)) return { state, commit: [] };
      return {
        state: { ...state, memoryKeys: withKey(state.memoryKeys, key) },
        commit: [{ kind: "memory", id: newId(), label: ev.label, action: ev.action, before: ev.before, after: ev.after, eventId: ev.eventId }],
      };
    }
    default:
      return { state, commit: [] };
  }
}

/** A subagent's event folded into its task call: a new nested call, or a nested call's new state. */
function withSubagentEvent(t: ToolItem, ev: Extract<AgentEvent, { type: "subagent" }>): ToolItem {
  const sub = t.subagent ?? { agent: ev.agent, conversationId: ev.conversationId, steps: [] };
  const inner = ev.event;
  let steps = sub.steps;
  if (inner.type === "tool_call") steps = [...steps, { callId: inner.id, name: inner.name, args: inner.args, state: "running" }];
  else if (inner.type === "tool_update" || inner.type === "tool_result") {
    const state = inner.state === "validating" ? "running" : inner.state;
    steps = steps.map((s) => (s.callId === inner.id ? { ...s, state: s.state === "denied" && inner.type === "tool_result" ? "denied" : state } : s));
  } else return t.subagent ? t : { ...t, subagent: sub };
  return { ...t, subagent: { ...sub, steps } };
}

/** Esc: the partial answer moves into the transcript now, marked; later text of this turn is ignored. */
export function interruptTurn(state: TurnState): TurnStep {
  const r = commitStream(state, true);
  return { state: { ...r.state, interrupted: true }, commit: r.commit };
}

/** The turn is over: what is still live is committed, a call that never finished as cancelled. */
export function endTurn(state: TurnState): TurnStep {
  const r = state.stream.trim() ? commitStream(state, state.interrupted) : { state, commit: [] };
  const tools = r.state.live.map((t) => ({ ...t, state: t.state === "running" || t.state === "awaiting_approval" ? ("cancelled" as const) : t.state }));
  return { state: { ...r.state, live: [] }, commit: [...r.commit, ...tools] };
}
