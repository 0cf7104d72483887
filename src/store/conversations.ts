import type { DB } from "./db.js";
import { sql, writeTransaction } from "./db.js";
import type { StoredMessage } from "./messages.js";

export interface ConversationSummary {
  id: string;
  startedAt: string;
  lastActiveAt: string;
  messageCount: number;
  /** The first thing the user said (system notices excluded). */
  firstUserMessage: string;
  /** Set when the conversation is a subagent's run: the conversation and task call that started it. */
  subagentRun?: { parentConversationId: string; parentToolCallId: string; subagent: string };
}

/**
 * Conversations are the distinct conversation ids of an agent's messages; the agent row holds
 * the current one. Nothing here deletes a message: recall memory keeps everything.
 */
export class ConversationStore {
  constructor(private db: DB) {}

  /** Newest activity first (a fork's copied rows are newer than the original's). */
  list(agentId: string, noticePrefix: string): ConversationSummary[] {
    const rows = sql(this.db,
      `SELECT conversation_id AS id, MIN(created_at) AS started, MAX(created_at) AS last, COUNT(*) AS n, MAX(id) AS newest,
         (SELECT content FROM messages f WHERE f.agent_id = m.agent_id AND f.conversation_id = m.conversation_id
            AND f.role = 'user' AND substr(f.content, 1, length(?)) <> ? ORDER BY f.id LIMIT 1) AS first
       FROM messages m WHERE agent_id = ? GROUP BY conversation_id ORDER BY newest DESC`,
    ).all(noticePrefix, noticePrefix, agentId) as { id: string; started: string; last: string; n: number; first: string | null }[];
    return rows.map((r) => ({ id: r.id, startedAt: r.started, lastActiveAt: r.last, messageCount: r.n, firstUserMessage: r.first ?? "" }));
  }

  setCurrent(agentId: string, conversationId: string): void {
    sql(this.db, "UPDATE agents SET conversation_id = ? WHERE id = ?").run(conversationId, agentId);
  }

  /**
   * Copy a conversation's messages (window state included) and running summary under a new id.
   * Returns old -> new message ids so per-turn records can follow.
   */
  copy(agentId: string, from: string, to: string): Map<number, number> {
    return writeTransaction(this.db, () => {
      const ids = sql(this.db, "SELECT id FROM messages WHERE agent_id = ? AND conversation_id = ? ORDER BY id").all(agentId, from) as { id: number }[];
      const insert = sql(this.db,
        `INSERT INTO messages (agent_id, conversation_id, role, content, tool_calls, tool_call_id, tool_name, in_context, tokens, created_at)
         SELECT agent_id, ?, role, content, tool_calls, tool_call_id, tool_name, in_context, tokens, created_at FROM messages WHERE id = ?`,
      );
      const map = new Map<number, number>();
      for (const { id } of ids) map.set(id, Number(insert.run(to, id).lastInsertRowid));
      sql(this.db,
        `INSERT OR REPLACE INTO summaries (agent_id, conversation_id, summary, evicted_count, updated_at)
         SELECT agent_id, ?, summary, evicted_count, updated_at FROM summaries WHERE agent_id = ? AND conversation_id = ?`,
      ).run(to, agentId, from);
      return map;
    });
  }

  /** Take a turn and everything after it out of the context window (the rows stay in recall). */
  evictFrom(agentId: string, conversationId: string, messageId: number): number {
    return sql(this.db, "UPDATE messages SET in_context = 0 WHERE agent_id = ? AND conversation_id = ? AND id >= ? AND in_context = 1")
      .run(agentId, conversationId, messageId).changes;
  }

  /** Every message of a conversation, oldest first (for export). */
  messages(agentId: string, conversationId: string): Pick<StoredMessage, "id" | "role" | "content" | "toolCalls" | "toolCallId" | "toolName" | "createdAt">[] {
    const rows = sql(this.db, "SELECT * FROM messages WHERE agent_id = ? AND conversation_id = ? ORDER BY id").all(agentId, conversationId) as {
      id: number; role: StoredMessage["role"]; content: string; tool_calls: string | null; tool_call_id: string | null; tool_name: string | null; created_at: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      role: r.role,
      content: r.content,
      toolCalls: r.tool_calls ? JSON.parse(r.tool_calls) : undefined,
      toolCallId: r.tool_call_id ?? undefined,
      toolName: r.tool_name ?? undefined,
      createdAt: r.created_at,
    }));
  }
}
