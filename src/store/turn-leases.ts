import type { DB } from "./db.js";
import { sql, writeTransaction } from "./db.js";

/** Who holds a conversation's turn lease. */
export interface TurnLeaseHolder {
  holder: string;
  pid: number;
  host: string;
  acquiredAt: number;
  heartbeatAt: number;
}

export type TurnLeaseAttempt = { kind: "acquired"; tookOverFrom?: TurnLeaseHolder } | { kind: "held"; by: TurnLeaseHolder };

interface Row {
  holder: string;
  pid: number;
  host: string;
  acquired_at: number;
  heartbeat_at: number;
}

const toHolder = (r: Row): TurnLeaseHolder => ({ holder: r.holder, pid: r.pid, host: r.host, acquiredAt: r.acquired_at, heartbeatAt: r.heartbeat_at });

/**
 * The per-conversation turn lease. Each call is one write transaction (BEGIN IMMEDIATE), so two
 * processes racing for a free lease serialise and exactly one gets it. Whether a holder is dead is
 * the caller's judgement (`isDead`): the store only records and compares.
 */
export class TurnLeaseStore {
  constructor(private db: DB) {}

  tryAcquire(
    conversationId: string,
    agentId: string,
    me: { holder: string; pid: number; host: string },
    isDead: (h: TurnLeaseHolder) => boolean,
    now = Date.now(),
  ): TurnLeaseAttempt {
    return writeTransaction(this.db, () => {
      const row = sql(this.db, "SELECT holder, pid, host, acquired_at, heartbeat_at FROM turn_leases WHERE conversation_id = ?").get(conversationId) as
        | Row
        | undefined;
      const current = row && toHolder(row);
      if (current && current.holder !== me.holder && !isDead(current)) return { kind: "held", by: current } as const;
      sql(
        this.db,
        `INSERT INTO turn_leases (conversation_id, agent_id, holder, pid, host, acquired_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id) DO UPDATE SET
           agent_id = excluded.agent_id, holder = excluded.holder, pid = excluded.pid, host = excluded.host,
           acquired_at = excluded.acquired_at, heartbeat_at = excluded.heartbeat_at`,
      ).run(conversationId, agentId, me.holder, me.pid, me.host, now, now);
      return current && current.holder !== me.holder ? { kind: "acquired", tookOverFrom: current } : { kind: "acquired" };
    });
  }

  /** Still ours: refresh the heartbeat. False when another writer took the lease over (we were thought dead). */
  heartbeat(conversationId: string, holder: string, now = Date.now()): boolean {
    return sql(this.db, "UPDATE turn_leases SET heartbeat_at = ? WHERE conversation_id = ? AND holder = ?").run(now, conversationId, holder).changes > 0;
  }

  release(conversationId: string, holder: string): void {
    sql(this.db, "DELETE FROM turn_leases WHERE conversation_id = ? AND holder = ?").run(conversationId, holder);
  }

  holderOf(conversationId: string): TurnLeaseHolder | undefined {
    const row = sql(this.db, "SELECT holder, pid, host, acquired_at, heartbeat_at FROM turn_leases WHERE conversation_id = ?").get(conversationId) as
      | Row
      | undefined;
    return row && toHolder(row);
  }
}
