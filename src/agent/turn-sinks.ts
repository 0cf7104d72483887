import type { AgentEvent } from "./events.js";

/** Where events raised outside the loop reach one session's running turn (null between turns). */
export interface TurnSink {
  readonly agentId: string;
  emit: ((e: AgentEvent) => void) | null;
}

/**
 * The project's notices and the live sessions' turns they go to. Events raised outside any loop
 * (a download, a notice, a memory edit through the shared memory) reach the turns that are running;
 * a notice raised while none is waits for the next turn (or a face that shows it at start).
 */
export class TurnSinks {
  private sinks = new Set<TurnSink>();
  private pending: string[] = [];

  /** A new session's sink. */
  add(agentId: string): TurnSink {
    const sink: TurnSink = { agentId, emit: null };
    this.sinks.add(sink);
    return sink;
  }

  /** A session's turn starts (listener) or ends (null); a starting turn gets the waiting notices. */
  attach(sink: TurnSink, listener: ((e: AgentEvent) => void) | null): void {
    sink.emit = listener;
    if (listener) for (const message of this.pending.splice(0)) listener({ type: "notice", message });
  }

  toAll(e: AgentEvent): void {
    for (const sink of this.sinks) sink.emit?.(e);
  }

  toAgent(agentId: string, e: AgentEvent): void {
    for (const sink of this.sinks) if (sink.agentId === agentId) sink.emit?.(e);
  }

  notice(message: string): void {
    const active = [...this.sinks].filter((s) => s.emit !== null);
    if (active.length === 0) this.pending.push(message);
    for (const sink of active) sink.emit!({ type: "notice", message });
  }

  takePending(): string[] {
    return this.pending.splice(0);
  }
}
