import type { DB } from "./db.js";
import { nowIso, sql } from "./db.js";

export interface Summary {
  summary: string;
  evictedCount: number;
  updatedAt: string;
}

/** The running summary of a conversation's evicted history (one row per conversation). */
export class SummaryStore {
  constructor(private db: DB) {}

  get(agentId: string, conversationId: string): Summary | undefined {
    const r = sql(this.db, "SELECT summary, evicted_count, updated_at FROM summaries WHERE agent_id = ? AND conversation_id = ?")
      .get(agentId, conversationId) as { summary: string; evicted_count: number; updated_at: string } | undefined;
    return r && { summary: r.summary, evictedCount: r.evicted_count, updatedAt: r.updated_at };
  }

  set(agentId: string, conversationId: string, summary: string, evictedCount: number): void {
    sql(this.db, 
        `INSERT INTO summaries (agent_id, conversation_id, summary, evicted_count, updated_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (agent_id, conversation_id) DO UPDATE SET
           summary = excluded.summary, evicted_count = excluded.evicted_count, updated_at = excluded.updated_at`,
      )
      .run(agentId, conversationId, summary, evictedCount, nowIso());
  }
}
