import { crypto } from "../lazy-builtins.js";
import { sql, type DB } from "./db.js";
import type { MemoryEvent, NewMemoryEvent } from "./rows.js";

// Crockford's base32, lower case: no i, l, o, u, so an id read aloud or retyped is unambiguous.
const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";
const ID_LENGTH = 10;

/** 50 random bits: unique enough to merge many databases' histories, short enough to type. */
export function newEventId(): string {
  const bytes = crypto().randomBytes(ID_LENGTH);
  let id = "";
  for (const b of bytes) id += ALPHABET[b & 31];
  return id;
}

export const EVENT_ID_PATTERN = /^[0-9a-hjkmnp-tv-z]+$/;

let lastAt = 0;
/**
 * Event times strictly increase within a process: the project's and the user store's logs are merged
 * by time, and two changes in one millisecond (a share, then an edit) must still merge in order.
 */
function eventTime(): string {
  lastAt = Math.max(Date.now(), lastAt + 1);
  return new Date(lastAt).toISOString();
}

type Row = Omit<MemoryEvent, "scope" | "origin"> & { seq: number; origin: string | null };

function row(e: MemoryEvent): Omit<MemoryEvent, "scope" | "origin"> & { origin: string | null } {
  const { scope: _scope, origin, ...rest } = e;
  return { ...rest, origin: origin ?? null };
}

export class MemoryEventStore {
  constructor(
    private db: DB,
    private scope: MemoryEvent["scope"] = "project",
  ) {}

  /** Call inside the transaction of the change it records. */
  record(agentId: string, e: NewMemoryEvent): MemoryEvent {
    const event: MemoryEvent = {
      id: newEventId(),
      at: eventTime(),
      agent_id: agentId,
      actor: e.actor,
      kind: e.kind,
      op: e.op,
      label: e.label,
      passage_id: e.passage_id,
      before: e.before,
      after: e.after,
      reason: e.reason ?? null,
      undoes: e.undoes ?? null,
      scope: this.scope,
    };
    return this.insert(event);
  }

  /**
   * Record a change made on another machine, under its own id and time, as applied here (`before` is
   * this machine's text, which a merge may differ from the sender's). The origin keeps it out of the outbox.
   */
  recordPulled(agentId: string, e: Omit<MemoryEvent, "scope" | "agent_id"> & { origin: string }): MemoryEvent {
    const event: MemoryEvent = { ...e, agent_id: agentId, scope: this.scope };
    return this.insert(event);
  }

  private insert(event: MemoryEvent): MemoryEvent {
    sql(
      this.db,
      `INSERT INTO memory_events (id, at, agent_id, actor, kind, op, label, passage_id, before, after, reason, undoes, origin)
       VALUES (@id, @at, @agent_id, @actor, @kind, @op, @label, @passage_id, @before, @after, @reason, @undoes, @origin)`,
    ).run(row(event));
    return event;
  }

  /** Whether an event with this id is already recorded here: what makes applying a pulled event twice a no-op. */
  has(id: string): boolean {
    return sql(this.db, "SELECT 1 FROM memory_events WHERE id = ?").get(id) !== undefined;
  }

  /** When this agent's block `label` last changed, by its newest event (for "the later edit wins"). */
  lastChangeAt(agentId: string, label: string): string | undefined {
    return sql(this.db, "SELECT at FROM memory_events WHERE agent_id = ? AND label = ? ORDER BY seq DESC LIMIT 1")
      .pluck()
      .get(agentId, label) as string | undefined;
  }

  /** Newest first. */
  list(agentId: string, opts: { label?: string; limit?: number } = {}): MemoryEvent[] {
    const limit = opts.limit ?? 50;
    const rows = (
      opts.label === undefined
        ? sql(this.db, "SELECT * FROM memory_events WHERE agent_id = ? ORDER BY seq DESC LIMIT ?").all(agentId, limit)
        : sql(this.db, "SELECT * FROM memory_events WHERE agent_id = ? AND label = ? ORDER BY seq DESC LIMIT ?").all(
            agentId,
            opts.label,
            limit,
          )
    ) as Row[];
    return rows.map((r) => this.toEvent(r));
  }

  /** Events of one agent whose id starts with `prefix` (at most a few, for an ambiguity message). */
  byPrefix(agentId: string, prefix: string): MemoryEvent[] {
    if (!EVENT_ID_PATTERN.test(prefix)) return [];
    // The alphabet has no LIKE wildcards, so the prefix can go into the pattern as it is.
    return (
      sql(this.db, "SELECT * FROM memory_events WHERE agent_id = ? AND id LIKE ? ORDER BY seq DESC LIMIT 5").all(
        agentId,
        `${prefix}%`,
      ) as Row[]
    ).map((r) => this.toEvent(r));
  }

  /** The newest event that undid `eventId`. */
  undoOf(agentId: string, eventId: string): MemoryEvent | undefined {
    const r = sql(this.db, "SELECT * FROM memory_events WHERE agent_id = ? AND undoes = ? ORDER BY seq DESC LIMIT 1").get(
      agentId,
      eventId,
    ) as Row | undefined;
    return r && this.toEvent(r);
  }

  count(agentId: string): number {
    return (sql(this.db, "SELECT COUNT(*) AS n FROM memory_events WHERE agent_id = ?").get(agentId) as { n: number }).n;
  }

  private toEvent(r: Row): MemoryEvent {
    const { seq: _seq, origin, ...rest } = r;
    return origin === null || origin === undefined ? { ...rest, scope: this.scope } : { ...rest, scope: this.scope, origin };
  }
}
