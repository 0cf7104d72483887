import { sql, type DB } from "./db.js";
import type { MemoryEvent } from "./rows.js";

/** Blocks that stay on this machine unless the user shares them: who the user is is not the team's business. */
export const PERSONAL_BY_DEFAULT = new Set(["human"]);

export type BlockTeamScope = "personal" | "shared";

/** An outbox event as pushed: the agent is named (ids differ between clones), not identified. */
export interface OutgoingEvent extends Omit<MemoryEvent, "scope" | "origin" | "agent_id"> {
  agent: string;
}

/** Ops that move a block between this project and the user's own store (~/.letta): never the team's. */
const PERSONAL_OPS = new Set(["share", "unshare"]);

/**
 * The SQLite side of team memory: the outbox the memory_events trigger fills, the per-machine pull
 * cursor and sync outcome (team_state), and each block's team scope. The PostgreSQL side is team-pg.ts.
 */
export class TeamStore {
  constructor(private db: DB) {}

  get(key: string): string | undefined {
    return sql(this.db, "SELECT value FROM team_state WHERE key = ?").pluck().get(key) as string | undefined;
  }

  set(key: string, value: string): void {
    sql(this.db, "INSERT INTO team_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(
      key,
      value,
    );
  }

  unset(key: string): void {
    sql(this.db, "DELETE FROM team_state WHERE key = ?").run(key);
  }

  /**
   * Queued events that will be pushed (personal ones, still queued until the next push drops them, are not
   * counted): the same rule as takeOutgoing, in SQL ('human' is PERSONAL_BY_DEFAULT).
   */
  pendingCount(): number {
    return sql(
      this.db,
      `SELECT COUNT(*) FROM team_outbox o
         JOIN memory_events e ON e.id = o.event_id
         JOIN agents a ON a.id = e.agent_id
         LEFT JOIN blocks b ON b.agent_id = e.agent_id AND b.label = e.label
       WHERE NOT (e.kind = 'block' AND (e.op IN ('share','unshare') OR COALESCE(b.team_scope, CASE WHEN e.label = 'human' THEN 'personal' END) IS 'personal'))`,
    )
      .pluck()
      .get() as number;
  }

  /**
   * The oldest queued events that may leave this machine, at most `limit`. Personal ones (the human
   * block, blocks marked personal, moves to the user store) are taken out of the outbox here: they never go.
   */
  takeOutgoing(limit: number): OutgoingEvent[] {
    const rows = sql(
      this.db,
      `SELECT e.*, a.name AS agent, b.team_scope AS team_scope FROM team_outbox o
         JOIN memory_events e ON e.id = o.event_id
         LEFT JOIN agents a ON a.id = e.agent_id
         LEFT JOIN blocks b ON b.agent_id = e.agent_id AND b.label = e.label
       ORDER BY o.seq LIMIT ?`,
    ).all(limit) as (MemoryEvent & { seq: number; agent: string | null; team_scope: BlockTeamScope | null; origin: string | null })[];
    const out: OutgoingEvent[] = [];
    const personal: string[] = [];
    for (const r of rows) {
      const isPersonal =
        r.agent === null ||
        (r.kind === "block" &&
          (PERSONAL_OPS.has(r.op) || r.team_scope === "personal" || (r.team_scope === null && PERSONAL_BY_DEFAULT.has(r.label ?? ""))));
      if (isPersonal) {
        personal.push(r.id);
        continue;
      }
      const { seq: _seq, team_scope: _scope, origin: _origin, agent_id: _local, agent, ...e } = r;
      out.push({ ...e, agent: agent! });
    }
    if (personal.length) this.ack(personal);
    return out;
  }

  /** Remove pushed (or never-to-be-pushed) events from the outbox. */
  ack(ids: string[]): void {
    const del = sql(this.db, "DELETE FROM team_outbox WHERE event_id = ?");
    this.db.transaction(() => {
      for (const id of ids) del.run(id);
    })();
  }

  scopeOf(agentId: string, label: string): BlockTeamScope {
    const s = sql(this.db, "SELECT team_scope FROM blocks WHERE agent_id = ? AND label = ?").pluck().get(agentId, label) as
      | BlockTeamScope
      | null
      | undefined;
    return s ?? (PERSONAL_BY_DEFAULT.has(label) ? "personal" : "shared");
  }

  /** Returns false when the agent has no such block. */
  setScope(agentId: string, label: string, scope: BlockTeamScope): boolean {
    return sql(this.db, "UPDATE blocks SET team_scope = ? WHERE agent_id = ? AND label = ?").run(scope, agentId, label).changes > 0;
  }
}
