import type { DB } from "./db.js";
import { nowIso, sql } from "./db.js";

/**
 * A turn that ended on a failed model request, kept beside the conversation rather than in it:
 * the user sees it where it happened when the conversation is resumed, and the model is never
 * sent it (it is not a message, so no window, summary, recall or export reads it).
 */
export interface TurnFailure {
  /** The conversation's newest message when the turn failed: the failure is shown right after it. */
  afterMessageId: number;
  message: string;
  createdAt: string;
}

export class TurnFailureStore {
  constructor(private db: DB) {}

  record(agentId: string, conversationId: string, afterMessageId: number, message: string): void {
    sql(this.db, "INSERT INTO turn_failures (agent_id, conversation_id, after_message_id, message, created_at) VALUES (?, ?, ?, ?, ?)").run(
      agentId,
      conversationId,
      afterMessageId,
      message,
      nowIso(),
    );
  }

  /** Failures placed after a message with id in [fromId, toId], oldest first. */
  between(agentId: string, conversationId: string, fromId: number, toId: number): TurnFailure[] {
    return (
      sql(
        this.db,
        `SELECT after_message_id AS afterMessageId, message, created_at AS createdAt FROM turn_failures
         WHERE agent_id = ? AND conversation_id = ? AND after_message_id BETWEEN ? AND ? ORDER BY id`,
      ).all(agentId, conversationId, fromId, toId) as TurnFailure[]
    );
  }
}
