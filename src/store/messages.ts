import type { DB } from "./db.js";
import { nowIso, sql, writeTransaction } from "./db.js";
import { dateBounds, ftsQuery } from "./fts-query.js";
import type { MessageSearchOptions, RecallMessage } from "./rows.js";
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

/** Every column but the embedding: a blob per row is not worth reading to show a message. */
const COLUMNS = "m.id, m.conversation_id, m.role, m.content, m.tool_calls, m.tool_call_id, m.tool_name, m.in_context, m.tokens, m.created_at";

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
      sql(this.db, `SELECT ${COLUMNS} FROM messages m WHERE agent_id = ? AND conversation_id = ? AND in_context = 1 ORDER BY id`)
        .all(agentId, conversationId) as RawMessage[]
    ).map(toMessage);
  }

  /** The last `limit` messages of a conversation whatever their window state, oldest first. */
  tail(agentId: string, conversationId: string, limit: number): StoredMessage[] {
    return (
      sql(this.db, 
          `SELECT * FROM (SELECT ${COLUMNS} FROM messages m WHERE agent_id = ? AND conversation_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id`,
        )
        .all(agentId, conversationId, limit) as RawMessage[]
    ).map(toMessage);
  }

  /**
   * One page of a conversation's messages by id, for cursor pagination (the Letta API's message list):
   * ids strictly between `after` and `before`, in the order asked, at most `limit`.
   */
  page(agentId: string, conversationId: string, opts: { after?: number; before?: number; limit: number; ascending: boolean }): StoredMessage[] {
    const order = opts.ascending ? "ASC" : "DESC";
    return (
      sql(this.db, `SELECT ${COLUMNS} FROM messages m WHERE agent_id = ? AND conversation_id = ? AND id > ? AND id < ? ORDER BY id ${order} LIMIT ?`)
        .all(agentId, conversationId, opts.after ?? 0, opts.before ?? Number.MAX_SAFE_INTEGER, opts.limit) as RawMessage[]
    ).map(toMessage);
  }

  /** An agent's messages with ids in [from, to] across all its conversations, oldest first, at most `limit`. */
  range(agentId: string, from: number, to: number, limit: number): StoredMessage[] {
    return (
      sql(this.db, "SELECT * FROM messages WHERE agent_id = ? AND id >= ? AND id <= ? ORDER BY id LIMIT ?")
        .all(agentId, from, to, limit) as RawMessage[]
    ).map(toMessage);
  }

  /** A conversation's newest message id (0 when empty): one index seek, for a session opening on it. */
  newestIn(agentId: string, conversationId: string): number {
    return (sql(this.db, "SELECT COALESCE(MAX(id), 0) AS m FROM messages WHERE agent_id = ? AND conversation_id = ?").get(agentId, conversationId) as { m: number }).m;
  }

  /** How many messages a conversation gained after `afterId`, and its newest id: what other writers appended meanwhile. */
  since(agentId: string, conversationId: string, afterId: number): { count: number; maxId: number } {
    const r = sql(this.db, "SELECT COUNT(*) AS n, COALESCE(MAX(id), ?) AS m FROM messages WHERE agent_id = ? AND conversation_id = ? AND id > ?").get(
      afterId,
      agentId,
      conversationId,
      afterId,
    ) as { n: number; m: number };
    return { count: r.n, maxId: r.m };
  }

  /** Leave the window (the rows stay: recall memory keeps everything). */
  evict(ids: number[]): void {
    const stmt = sql(this.db, "UPDATE messages SET in_context = 0 WHERE id = ?");
    writeTransaction(this.db, () => ids.forEach((id) => stmt.run(id)));
  }

  count(agentId: string): number {
    return (sql(this.db, "SELECT COUNT(*) AS n FROM messages WHERE agent_id = ?").get(agentId) as { n: number }).n;
  }

  /** BM25 ranking (best first) of messages matching an FTS5 expression and the filter. */
  lexical(agentId: string, match: string, filter: MessageFilter, limit: number): { id: number; score: number }[] {
    const { where, params } = filterSql(agentId, filter);
    // Rank inside the full-text index first (no row lookups while sorting), then keep this agent's
    // rows that pass the filter; only when that leaves too few is the slower joined query needed.
    const inner = limit * 4;
    const fast = sql(this.db,
        `SELECT s.id AS id, s.score AS score FROM
           (SELECT rowid AS id, -bm25(messages_fts) AS score FROM messages_fts WHERE messages_fts MATCH ? ORDER BY bm25(messages_fts) LIMIT ?) s
         CROSS JOIN messages m ON m.id = s.id WHERE ${where} ORDER BY s.score DESC LIMIT ?`,
      )
      .all(match, inner, ...params, limit) as { id: number; score: number }[];
    if (fast.length === limit || this.matchCount(match, inner) < inner) return fast;
    return sql(this.db,
        `SELECT m.id AS id, -bm25(messages_fts) AS score FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid
         WHERE messages_fts MATCH ? AND ${where} ORDER BY bm25(messages_fts) LIMIT ?`,
      )
      .all(match, ...params, limit) as { id: number; score: number }[];
  }

  /** Whether fewer than `cap` messages match at all (then the fast path saw every match). */
  private matchCount(match: string, cap: number): number {
    return (sql(this.db, "SELECT COUNT(*) AS n FROM (SELECT 1 FROM messages_fts WHERE messages_fts MATCH ? LIMIT ?)").get(match, cap) as { n: number }).n;
  }

  /** How many messages (of every agent) match: the document frequency for query expansion. */
  docFrequency(match: string): number {
    return (sql(this.db, "SELECT COUNT(*) AS n FROM messages_fts WHERE messages_fts MATCH ?").get(match) as { n: number }).n;
  }

  /**
   * The turns right before and after each message in its own conversation, skipping tool traffic
   * (a tool result between a question and its answer is not what the user said).
   */
  neighbours(agentId: string, ids: number[]): Map<number, { id: number; join: boolean }[]> {
    const out = new Map<number, { id: number; join: boolean }[]>();
    if (ids.length === 0) return out;
    const rows = sql(this.db,
        `SELECT m.id AS id,
           (SELECT n.id FROM messages n WHERE n.agent_id = m.agent_id AND n.conversation_id = m.conversation_id AND n.id < m.id
              AND n.role IN ('user','assistant') AND n.content != '' ORDER BY n.id DESC LIMIT 1) AS prev,
           (SELECT n.id FROM messages n WHERE n.agent_id = m.agent_id AND n.conversation_id = m.conversation_id AND n.id > m.id
              AND n.role IN ('user','assistant') AND n.content != '' ORDER BY n.id LIMIT 1) AS next
         FROM json_each(?) j CROSS JOIN messages m ON m.id = j.value WHERE m.agent_id = ?`,
      )
      .all(JSON.stringify(ids), agentId) as { id: number; prev: number | null; next: number | null }[];
    for (const r of rows) out.set(r.id, [r.prev, r.next].filter((x): x is number => x !== null).map((id) => ({ id, join: true })));
    return out;
  }

  getMany(agentId: string, ids: number[]): Map<number, RecallMessage> {
    const out = new Map<number, RecallMessage>();
    if (ids.length === 0) return out;
    const rows = sql(this.db,
        `SELECT ${COLUMNS} FROM json_each(?) j CROSS JOIN messages m ON m.id = j.value WHERE m.agent_id = ?`,
      )
      .all(JSON.stringify(ids), agentId) as RawMessage[];
    for (const r of rows) out.set(r.id, toRecall(r));
    return out;
  }

  /** Which of `ids` pass the filter. */
  allowed(agentId: string, ids: number[], filter: MessageFilter): Set<number> {
    const { where, params } = filterSql(agentId, filter);
    const rows = sql(this.db, `SELECT m.id FROM json_each(?) j CROSS JOIN messages m ON m.id = j.value WHERE ${where}`)
      .pluck()
      .all(JSON.stringify(ids), ...params) as number[];
    return new Set(rows);
  }

  /** Ids allowed by a filter, or null when there is none (everything allowed). */
  filteredIds(agentId: string, filter: MessageFilter): Set<number> | null {
    if (!filter.roles?.length && !filter.from && !filter.to) return null;
    const { where, params } = filterSql(agentId, filter);
    return new Set(sql(this.db, `SELECT m.id FROM messages m WHERE ${where}`).pluck().all(...params) as number[]);
  }

  /** Changes when another connection commits (see PassageStore.dataVersion). */
  dataVersion(): number {
    return this.db.pragma("data_version", { simple: true }) as number;
  }

  /** Only what people said is embedded: tool output is long, noisy and found well by its words. */
  needingEmbedding(agentId: string, modelId: string, limit: number, afterId = 0): { id: number; text: string }[] {
    return sql(this.db,
        `SELECT id, content AS text FROM messages WHERE agent_id = ? AND id > ? AND role IN ('user','assistant') AND content != ''
         AND embedding_model IS NOT ? ORDER BY id LIMIT ?`,
      )
      .all(agentId, afterId, modelId, limit) as { id: number; text: string }[];
  }

  countNeedingEmbedding(agentId: string, modelId: string, afterId = 0): number {
    return (
      sql(this.db,
        `SELECT COUNT(*) AS n FROM messages WHERE agent_id = ? AND id > ? AND role IN ('user','assistant') AND content != ''
         AND embedding_model IS NOT ?`,
      ).get(agentId, afterId, modelId) as { n: number }
    ).n;
  }

  /**
   * The newest message id of any agent: O(1) (the rowid's end), unlike a per-agent count. It tells
   * whether anything was added, and stands in for the collection size that global document
   * frequencies are relative to.
   */
  maxId(): number {
    return (sql(this.db, "SELECT COALESCE(MAX(id), 0) AS m FROM messages").get() as { m: number }).m;
  }

  setEmbedding(id: number, embedding: Buffer, modelId: string): void {
    sql(this.db, "UPDATE messages SET embedding = ?, embedding_model = ? WHERE id = ?").run(embedding, modelId, id);
  }

  *embeddings(agentId: string, modelId: string, afterId = 0): Generator<{ id: number; embedding: Buffer }> {
    const stmt = sql(this.db,
      "SELECT id, embedding FROM messages WHERE agent_id = ? AND embedding_model = ? AND id > ? AND embedding IS NOT NULL ORDER BY id",
    );
    yield* stmt.iterate(agentId, modelId, afterId) as Iterable<{ id: number; embedding: Buffer }>;
  }

  /** Cheap fingerprint of the embedded rows, to notice writes made by another process. */
  fingerprint(agentId: string, modelId: string): { count: number; maxId: number } {
    const r = sql(this.db,
      "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m FROM messages WHERE agent_id = ? AND embedding_model = ?",
    ).get(agentId, modelId) as { n: number; m: number };
    return { count: r.n, maxId: r.m };
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
      text = `SELECT ${COLUMNS}, -bm25(messages_fts) AS score FROM messages_fts CROSS JOIN messages m ON m.id = messages_fts.rowid
             WHERE messages_fts MATCH ? AND ${where.join(" AND ")} ORDER BY ${order} LIMIT ? OFFSET ?`;
      params.unshift(match);
    } else {
      // An empty query lists messages by the filters alone (e.g. "what did we say yesterday").
      text = `SELECT ${COLUMNS} FROM messages m WHERE ${where.join(" AND ")} ORDER BY m.id DESC LIMIT ? OFFSET ?`;
    }
    params.push(limit, offset);
    return (sql(this.db, text).all(...params) as (RawMessage & { score?: number })[]).map((r) => ({ ...toRecall(r), score: r.score }));
  }
}

export interface MessageFilter {
  roles?: RecallMessage["role"][];
  from?: string;
  to?: string;
}

function filterSql(agentId: string, filter: MessageFilter): { where: string; params: unknown[] } {
  const { from, to } = dateBounds(filter.from, filter.to);
  const where: string[] = ["m.agent_id = ?"];
  const params: unknown[] = [agentId];
  if (filter.roles?.length) {
    where.push(`m.role IN (${filter.roles.map(() => "?").join(",")})`);
    params.push(...filter.roles);
  }
  if (from) (where.push("m.created_at >= ?"), params.push(from));
  if (to) (where.push("m.created_at <= ?"), params.push(to));
  return { where: where.join(" AND "), params };
}

const toRecall = (r: RawMessage): RecallMessage => ({
  id: r.id,
  role: r.role,
  content: r.content,
  createdAt: r.created_at,
  conversationId: r.conversation_id,
});
