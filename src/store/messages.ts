import type { DB } from "./db.js";
import { nowIso, sql, writeTransaction } from "./db.js";
import { dateBounds, ftsQuery } from "./fts-query.js";
import type { MessageSearchOptions, RecallMessage } from "../memory/access.js";
import type { ToolCallSpec } from "../llm/types.js";

export interface StoredMessage {
  id: number;
  conversationId: string;
  role: RecallMessage["role"];
  content: string;
  toolCalls?: ToolCallSpec[];
  toolCallId?: string;
  toolName?: string;
  inContext: boolean;
  tokens: number;
  createdAt: string;
}

export type NewMessage = Omit<StoredMessage, "id" | "inContext" | "createdAt"> & { createdAt?: string };

interface RawMessage {
  id: number;
  conversation_id: string;
  role: RecallMessage["role"];
  content: string;
  tool_calls: string | null;
  tool_call_id: string | null;
  tool_name: string | null;
  in_context: number;
  tokens: number;
  created_at: string;
}

const toMessage = (r: RawMessage): StoredMessage => ({
  id: r.id,
  conversationId: r.conversation_id,
  role: r.role,
  content: r.content,
  toolCalls: r.tool_calls ? (JSON.parse(r.tool_calls) as ToolCallSpec[]) : undefined,
  toolCallId: r.tool_call_id ?? undefined,
  toolName: r.tool_name ?? undefined,
  inContext: r.in_context === 1,
  tokens: r.tokens,
  createdAt: r.created_at,
});

export class MessageStore {
  constructor(private db: DB) {}

  append(agentId: string, m: NewMessage): StoredMessage {
    const createdAt = m.createdAt ?? nowIso();
    const info = sql(this.db, 
        `INSERT INTO messages (agent_id, conversation_id, role, content, tool_calls, tool_call_id, tool_name, tokens, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        agentId,
        m.conversationId,
        m.role,
        m.content,
        m.toolCalls ? JSON.stringify(m.toolCalls) : null,
        m.toolCallId ?? null,
        m.toolName ?? null,
        m.tokens,
        createdAt,
      );
    return { ...m, id: Number(info.lastInsertRowid), inContext: true, createdAt };
  }

  /** Several writes as one transaction (an import lands whole or not at all). */
  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  /** The messages still in the context window, oldest first. */
  window(agentId: string, conversationId: string): StoredMessage[] {
    return (
      sql(this.db, "SELECT * FROM messages WHERE agent_id = ? AND conversation_id = ? AND in_context = 1 ORDER BY id")
        .all(agentId, conversationId) as RawMessage[]
    ).map(toMessage);
  }

  /** The last `limit` messages of a conversation whatever their window state, oldest first. */
  tail(agentId: string, conversationId: string, limit: number): StoredMessage[] {
    return (
      sql(this.db, 
          "SELECT * FROM (SELECT * FROM messages WHERE agent_id = ? AND conversation_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
        )
        .all(agentId, conversationId, limit) as RawMessage[]
    ).map(toMessage);
  }

  /** Leave the window (the rows stay: recall memory keeps everything). */
  evict(ids: number[]): void {
    const stmt = sql(this.db, "UPDATE messages SET in_context = 0 WHERE id = ?");
    writeTransaction(this.db, () => ids.forEach((id) => stmt.run(id)));
  }

  count(agentId: string): number {
    return (sql(this.db, "SELECT COUNT(*) AS n FROM messages WHERE agent_id = ?").get(agentId) as { n: number }).n;
  }

  search(agentId: string, query: string, opts: MessageSearchOptions = {}): RecallMessage[] {
    const limit = Math.max(1, Math.min(opts.limit ?? 10, 100));
    const offset = Math.max(0, opts.offset ?? 0);
    const { from, to } = dateBounds(opts.from, opts.to);
    const where: string[] = ["m.agent_id = ?"];
    const params: unknown[] = [agentId];
    if (opts.roles?.length) {
      where.push(`m.role IN (${opts.roles.map(() => "?").join(",")})`);
      params.push(...opts.roles);
    }
    if (from) (where.push("m.created_at >= ?"), params.push(from));
    if (to) (where.push("m.created_at <= ?"), params.push(to));
    const match = ftsQuery(query);
    let text: string;
    if (match) {
      const order = opts.order === "rank" ? "bm25(messages_fts)" : "m.id DESC";
      text = `SELECT m.*, -bm25(messages_fts) AS score FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid
             WHERE messages_fts MATCH ? AND ${where.join(" AND ")} ORDER BY ${order} LIMIT ? OFFSET ?`;
      params.unshift(match);
    } else {
      // An empty query lists messages by the filters alone (e.g. "what did we say yesterday").
      text = `SELECT m.* FROM messages m WHERE ${where.join(" AND ")} ORDER BY m.id DESC LIMIT ? OFFSET ?`;
    }
    params.push(limit, offset);
    return (sql(this.db, text).all(...params) as (RawMessage & { score?: number })[]).map((r) => ({
      id: r.id,
      role: r.role,
      content: r.content,
      createdAt: r.created_at,
      conversationId: r.conversation_id,
      score: r.score,
    }));
  }
}
