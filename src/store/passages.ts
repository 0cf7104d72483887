import { createHash } from "node:crypto";
import { sql, writeTransaction, type DB } from "./db.js";
import { dateBounds, ftsQuery } from "./fts-query.js";
import type { Passage } from "../memory/access.js";

export interface PassageFilter {
  tags?: string[];
  from?: string;
  to?: string;
}

interface RawPassage {
  id: number;
  text: string;
  tags: string;
  created_at: string;
}

const toPassage = (r: RawPassage): Passage => ({
  id: r.id,
  text: r.text,
  tags: JSON.parse(r.tags) as string[],
  createdAt: r.created_at,
});

/** Duplicates are judged on the text with whitespace runs folded, so a re-paste does not store twice. */
export function passageHash(text: string): string {
  return createHash("sha256").update(text.trim().replace(/\s+/g, " ")).digest("hex");
}

export class PassageStore {
  constructor(private db: DB) {}

  /** Returns the new id, or the existing one (duplicate: true) when the same text is already stored. */
  insert(
    agentId: string,
    p: { text: string; tags: string[]; createdAt: string; embedding?: Buffer; embeddingModel?: string },
  ): { id: number; duplicate: boolean } {
    const hash = passageHash(p.text);
    const existing = sql(this.db, "SELECT id FROM passages WHERE agent_id = ? AND text_hash = ?")
      .get(agentId, hash) as { id: number } | undefined;
    if (existing) return { id: existing.id, duplicate: true };
    const info = sql(this.db, 
        "INSERT INTO passages (agent_id, text, text_hash, tags, created_at, embedding, embedding_model) VALUES (?, ?, ?, ?, ?, ?, ?)",
      )
      .run(agentId, p.text, hash, JSON.stringify(p.tags), p.createdAt, p.embedding ?? null, p.embeddingModel ?? null);
    const id = Number(info.lastInsertRowid);
    const tagStmt = sql(this.db, "INSERT OR IGNORE INTO passage_tags (passage_id, tag) VALUES (?, ?)");
    for (const t of p.tags) tagStmt.run(id, t);
    return { id, duplicate: false };
  }

  /** Run several writes as one transaction (an insert of a chunked text lands whole or not at all). */
  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  get(agentId: string, id: number): Passage | undefined {
    const r = sql(this.db, "SELECT id, text, tags, created_at FROM passages WHERE agent_id = ? AND id = ?")
      .get(agentId, id) as RawPassage | undefined;
    return r && toPassage(r);
  }

  /** The local id of the passage with this text (its identity across databases is the hash). */
  idByHash(agentId: string, hash: string): number | undefined {
    return sql(this.db, "SELECT id FROM passages WHERE agent_id = ? AND text_hash = ?").pluck().get(agentId, hash) as
      | number
      | undefined;
  }

  getMany(agentId: string, ids: number[]): Map<number, Passage> {
    const out = new Map<number, Passage>();
    if (ids.length === 0) return out;
    const rows = sql(this.db, 
        // Drive the lookup from the id list (primary-key probes), not from a scan of the agent's passages.
        `SELECT p.id, p.text, p.tags, p.created_at FROM json_each(?) j CROSS JOIN passages p ON p.id = j.value WHERE p.agent_id = ?`,
      )
      .all(JSON.stringify(ids), agentId) as RawPassage[];
    for (const r of rows) out.set(r.id, toPassage(r));
    return out;
  }

  delete(agentId: string, id: number): boolean {
    return sql(this.db, "DELETE FROM passages WHERE agent_id = ? AND id = ?").run(agentId, id).changes > 0;
  }

  count(agentId: string): number {
    return (sql(this.db, "SELECT COUNT(*) AS n FROM passages WHERE agent_id = ?").get(agentId) as { n: number }).n;
  }

  /**
   * Changes whenever another connection (another letta-code process) commits to the database;
   * our own writes leave it alone. Lets searches skip re-syncing when nothing happened elsewhere.
   */
  dataVersion(): number {
    return this.db.pragma("data_version", { simple: true }) as number;
  }

  /** Cheap fingerprint of the table, to notice writes made by another process. */
  fingerprint(agentId: string): { count: number; maxId: number } {
    const r = sql(this.db, "SELECT COUNT(*) AS n, COALESCE(MAX(id), 0) AS m FROM passages WHERE agent_id = ?")
      .get(agentId) as { n: number; m: number };
    return { count: r.n, maxId: r.m };
  }

  list(agentId: string, opts: { limit?: number; offset?: number; tags?: string[] } = {}): Passage[] {
    const { where, params } = this.filterSql(agentId, { tags: opts.tags });
    return (
      sql(this.db, `SELECT id, text, tags, created_at FROM passages p WHERE ${where} ORDER BY id DESC LIMIT ? OFFSET ?`)
        .all(...params, opts.limit ?? 50, opts.offset ?? 0) as RawPassage[]
    ).map(toPassage);
  }

  /** BM25 ranking (best first) of passages matching the filter; returns ids with their rank order. */
  lexical(agentId: string, query: string, filter: PassageFilter, limit: number): { id: number; score: number }[] {
    const match = ftsQuery(query);
    if (!match) return [];
    const { where, params } = this.filterSql(agentId, filter);
    return sql(this.db, 
        `SELECT p.id AS id, -bm25(passages_fts) AS score FROM passages_fts CROSS JOIN passages p ON p.id = passages_fts.rowid
         WHERE passages_fts MATCH ? AND ${where} ORDER BY bm25(passages_fts) LIMIT ?`,
      )
      .all(match, ...params, limit) as { id: number; score: number }[];
  }

  /** Ids allowed by a filter, or null when there is no filter (everything allowed). */
  filteredIds(agentId: string, filter: PassageFilter): Set<number> | null {
    if (!filter.tags?.length && !filter.from && !filter.to) return null;
    if (!filter.from && !filter.to) {
      // Tags alone: read the tag index directly instead of walking every passage of the agent.
      const tags = filter.tags!;
      const rows = sql(this.db, `SELECT passage_id FROM passage_tags WHERE tag IN (${tags.map(() => "?").join(",")})`)
        .pluck()
        .all(...tags) as number[];
      return new Set(rows);
    }
    const { where, params } = this.filterSql(agentId, filter);
    const rows = sql(this.db, `SELECT id FROM passages p WHERE ${where}`).pluck().all(...params) as number[];
    return new Set(rows);
  }

  /** Passages whose embedding is missing or from another model, for (re-)embedding on demand. */
  needingEmbedding(agentId: string, modelId: string, limit: number): { id: number; text: string }[] {
    return sql(this.db, 
        "SELECT id, text FROM passages WHERE agent_id = ? AND (embedding IS NULL OR embedding_model IS NOT ?) ORDER BY id LIMIT ?",
      )
      .all(agentId, modelId, limit) as { id: number; text: string }[];
  }

  setEmbedding(id: number, embedding: Buffer, modelId: string): void {
    sql(this.db, "UPDATE passages SET embedding = ?, embedding_model = ? WHERE id = ?").run(embedding, modelId, id);
  }

  /** Stream the stored vectors of one model, for building the in-memory index. */
  *embeddings(agentId: string, modelId: string, afterId = 0): Generator<{ id: number; embedding: Buffer }> {
    const stmt = sql(this.db, 
      "SELECT id, embedding FROM passages WHERE agent_id = ? AND embedding_model = ? AND id > ? AND embedding IS NOT NULL ORDER BY id",
    );
    yield* stmt.iterate(agentId, modelId, afterId) as Iterable<{ id: number; embedding: Buffer }>;
  }

  allIds(agentId: string): number[] {
    return sql(this.db, "SELECT id FROM passages WHERE agent_id = ?").pluck().all(agentId) as number[];
  }

  private filterSql(agentId: string, filter: PassageFilter): { where: string; params: unknown[] } {
    const where = ["p.agent_id = ?"];
    const params: unknown[] = [agentId];
    const { from, to } = dateBounds(filter.from, filter.to);
    if (from) (where.push("p.created_at >= ?"), params.push(from));
    if (to) (where.push("p.created_at <= ?"), params.push(to));
    if (filter.tags?.length) {
      // A passage matches when it carries any of the requested tags.
      where.push(`p.id IN (SELECT passage_id FROM passage_tags WHERE tag IN (${filter.tags.map(() => "?").join(",")}))`);
      params.push(...filter.tags);
    }
    return { where: where.join(" AND "), params };
  }
}
