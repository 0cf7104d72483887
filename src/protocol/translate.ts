import type { Envelope, EventPayload } from "./events.js";
import type { InitLine, PublicEvent, ResultLine } from "./schema.js";
import { SCHEMA_VERSION } from "./version.js";

type Unstamped<T> = T extends unknown ? Omit<T, keyof Envelope> : never;

/**
 * The one translation from internal events to the public protocol. One stream per session: it
 * numbers what it stamps (seq) and remembers the running turn, so every line says where it belongs.
 * stream-json, the SDK's onEvent and ACP all go through here.
 */
export class ProtocolStream {
  private seq = 0;
  private turn: string | null = null;
  private lastTurn: string | null = null;
  private localTurns = 0;

  constructor(private sessionId: string) {}

  /** A resumed or new conversation (the TUI's /resume, an SDK call with another session id). */
  setSession(id: string): void {
    this.sessionId = id;
  }

  get turnId(): string | null {
    return this.turn;
  }

  private envelope(): Envelope {
    return { schema_version: SCHEMA_VERSION, session_id: this.sessionId, turn_id: this.turn, seq: this.seq++, ts: new Date().toISOString() };
  }

  event(e: EventPayload): PublicEvent {
    if (e.type === "turn_start") {
      // A turn a hook blocked has no stored message: it still needs an id of its own.
      const { turnId, ...pub } = e;
      this.turn = turnId !== undefined ? String(turnId) : `local-${++this.localTurns}`;
      this.sessionId = e.conversationId;
      return { ...pub, ...this.envelope() };
    }
    const out: PublicEvent = { ...e, ...this.envelope() };
    if (e.type === "done") {
      this.lastTurn = this.turn;
      this.turn = null;
    }
    return out;
  }

  init(line: Unstamped<InitLine>): InitLine {
    return { ...line, ...this.envelope() };
  }

  /** The result of the turn that just ended: it carries that turn's id, though `done` closed the turn. */
  result(line: Unstamped<ResultLine>): ResultLine {
    return { ...line, ...this.envelope(), turn_id: this.turn ?? this.lastTurn };
  }

  /** A line about the input itself (a malformed line), outside any turn. */
  error(message: string): PublicEvent {
    return { type: "error", message, fatal: false, ...this.envelope() };
  }
}
