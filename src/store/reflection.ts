import type { DB } from "./db.js";
import { sql, writeTransaction } from "./db.js";

/** A range of message ids one process has leased for reflection. */
export interface ReflectionClaim {
  /** First unreflected message id (watermark + 1). */
  from: number;
  /** Newest message id when the claim was taken. */
  to: number;
}

export type ClaimResult =
  | { kind: "claimed"; claim: ReflectionClaim }
  | { kind: "nothing" }
  /** Another process holds an unexpired lease on these messages. */
  | { kind: "busy"; holder: string; expiresAt: number };

interface RawState {
  watermark: number;
  claim_holder: string | null;
  claim_to: number | null;
  claim_expires_at: number | null;
}

/**
 * Per-agent reflection bookkeeping: the watermark (last message id reflected on), the lease that
 * keeps two processes off the same messages, and the tokens spent per day for the cap.
 */
export class ReflectionStore {
  constructor(private db: DB) {}

  watermark(agentId: string): number {
    return this.state(agentId)?.watermark ?? 0;
  }

  /** Ids of the agent's messages not yet reflected on, for "is there anything to do". */
  pending(agentId: string): number {
    const w = this.watermark(agentId);
    return (sql(this.db, "SELECT COUNT(*) AS n FROM messages WHERE agent_id = ? AND id > ?").get(agentId, w) as { n: number }).n;
  }

  /** User messages not yet reflected on: the turns counted against `everyTurns`, whichever process ran them. */
  pendingUserTurns(agentId: string): number {
    const w = this.watermark(agentId);
    return (sql(this.db, "SELECT COUNT(*) AS n FROM messages WHERE agent_id = ? AND id > ? AND role = 'user'").get(agentId, w) as { n: number }).n;
  }

  /**
   * Lease watermark+1 .. newest message. One write transaction (BEGIN IMMEDIATE), so two processes
   * racing here serialise and the second sees the first one's lease.
   */
  claim(agentId: string, holder: string, leaseMs: number, now = Date.now()): ClaimResult {
    return writeTransaction(this.db, () => {
      const s = this.state(agentId);
      if (s?.claim_holder && s.claim_holder !== holder && (s.claim_expires_at ?? 0) > now) {
        return { kind: "busy", holder: s.claim_holder, expiresAt: s.claim_expires_at ?? 0 } as const;
      }
      const watermark = s?.watermark ?? 0;
      const newest = (sql(this.db, "SELECT MAX(id) AS id FROM messages WHERE agent_id = ?").get(agentId) as { id: number | null }).id ?? 0;
      if (newest <= watermark) return { kind: "nothing" } as const;
      sql(
        this.db,
        `INSERT INTO reflection_state (agent_id, watermark, claim_holder, claim_to, claim_expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (agent_id) DO UPDATE SET
           claim_holder = excluded.claim_holder, claim_to = excluded.claim_to, claim_expires_at = excluded.claim_expires_at`,
      ).run(agentId, watermark, holder, newest, now + leaseMs);
      return { kind: "claimed", claim: { from: watermark + 1, to: newest } } as const;
    });
  }

  /**
   * End a lease. `through` moves the watermark over what was actually read (never backwards);
   * without it the messages stay unreflected for the next pass. A lease lost to expiry is not touched.
   */
  release(agentId: string, holder: string, through?: number): boolean {
    return writeTransaction(this.db, () => {
      const s = this.state(agentId);
      if (!s || s.claim_holder !== holder) return false;
      const watermark = through === undefined ? s.watermark : Math.max(s.watermark, Math.min(through, s.claim_to ?? through));
      sql(
        this.db,
        "UPDATE reflection_state SET watermark = ?, claim_holder = NULL, claim_to = NULL, claim_expires_at = NULL WHERE agent_id = ?",
      ).run(watermark, agentId);
      return true;
    });
  }

  addUsage(agentId: string, day: string, tokens: number): void {
    if (tokens <= 0) return;
    sql(
      this.db,
      `INSERT INTO reflection_usage (agent_id, day, tokens) VALUES (?, ?, ?)
       ON CONFLICT (agent_id, day) DO UPDATE SET tokens = tokens + excluded.tokens`,
    ).run(agentId, day, tokens);
  }

  usageOn(agentId: string, day: string): number {
    const r = sql(this.db, "SELECT tokens FROM reflection_usage WHERE agent_id = ? AND day = ?").get(agentId, day) as
      | { tokens: number }
      | undefined;
    return r?.tokens ?? 0;
  }

  private state(agentId: string): RawState | undefined {
    return sql(this.db, "SELECT watermark, claim_holder, claim_to, claim_expires_at FROM reflection_state WHERE agent_id = ?").get(
      agentId,
    ) as RawState | undefined;
  }
}
