import type { DB } from "./db.js";
import { nowIso, sql } from "./db.js";

/**
 * How the endpoint's reported prompt size relates to our byte estimate for one conversation's requests:
 * `ratio` = reported / estimated for the last request, whose rows ended at `throughId` and whose fixed
 * part (system prompt + tools) was estimated at `fixedEstimate`.
 */
export interface TokenCalibration {
  ratio: number;
  throughId: number;
  fixedEstimate: number;
}

export class TokenCalibrationStore {
  constructor(private db: DB) {}

  get(agentId: string, conversationId: string): TokenCalibration | undefined {
    const r = sql(this.db, "SELECT ratio, through_id, fixed_estimate FROM token_calibration WHERE agent_id = ? AND conversation_id = ?")
      .get(agentId, conversationId) as { ratio: number; through_id: number; fixed_estimate: number } | undefined;
    return r && { ratio: r.ratio, throughId: r.through_id, fixedEstimate: r.fixed_estimate };
  }

  set(agentId: string, conversationId: string, c: TokenCalibration): void {
    sql(this.db,
      `INSERT INTO token_calibration (agent_id, conversation_id, ratio, through_id, fixed_estimate, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (agent_id, conversation_id) DO UPDATE SET
         ratio = excluded.ratio, through_id = excluded.through_id, fixed_estimate = excluded.fixed_estimate, updated_at = excluded.updated_at`,
    ).run(agentId, conversationId, c.ratio, c.throughId, c.fixedEstimate, nowIso());
  }
}
