import { crypto } from "../lazy-builtins.js";
import { sql, writeTransaction, type DB } from "./db.js";
import { dateBounds, ftsQuery } from "./fts-query.js";
import type { Passage } from "./rows.js";

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
  return crypto().createHash("sha256").update(text.trim().replace(/\s+/g, " ")).digest("hex");
}

/** Filters whose id sets are kept between searches; more distinct ones than this and the oldest go. */
const ID_SET_CACHE = 4;
/** Beyond this many ranked hits a widened first pass costs more than letting SQLite filter while ranking. */
const WIDE_PASS_MAX = 5000;

export class PassageStore {
  /** Bumped by every insert and delete through this store, so cached id sets notice our own writes. */
  private generation = 0;
  private idSets = new Map<string, Set<number>>();
  private idSetsAt = "";

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
    this.generation++;
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
    this.generation++;
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
    const n = sql(this.db, "SELECT n FROM passage_totals WHERE agent_id = ?").pluck().get(agentId) as number | undefined;
    const m = sql(this.db, "SELECT MAX(id) FROM passages WHERE agent_id = ?").pluck().get(agentId) as number | null;
    return { count: n ?? 0, maxId: m ?? 0 };
  }

  /**
   * Deletes and embedding changes so far (inserts are not counted): a saved vector index is a valid prefix
   * of the table while this is unchanged, whatever was inserted since.
   */
  mutations(agentId: string): number {
    const r = sql(this.db, "SELECT mutations FROM passage_mutations WHERE agent_id = ?").get(agentId) as { mutations: number } | undefined;
    return r?.mutations ?? 0;
  }

  /** Passages with this model's vector up to `maxId`: what a saved index of that prefix must hold. */
  embeddedThrough(agentId: string, modelId: string, maxId: number): number {
    const all = sql(this.db, "SELECT n FROM passage_model_counts WHERE agent_id = ? AND model = ?").pluck().get(agentId, modelId) as number | undefined;
    // The trigger-kept total, less the few rows added after the prefix (an index range, not a count of all).
    const after = sql(this.db, "SELECT COUNT(*) FROM passages WHERE agent_id = ? AND embedding_model = ? AND id > ? AND embedding IS NOT NULL")
      .pluck()
      .get(agentId, modelId, maxId) as number;
    return (all ?? 0) - after;
  }

  list(agentId: string, opts: { limit?: number; offset?: number; tags?: string[] } = {}): Passage[] {
    const { where, params } = this.filterSql(agentId, { tags: opts.tags });
    return (
      sql(this.db, `SELECT id, text, tags, created_at FROM passages p WHERE ${where} ORDER BY id DESC LIMIT ? OFFSET ?`)
        .all(...params, opts.limit ?? 50, opts.offset ?? 0) as RawPassage[]
    ).map(toPassage);
  }

  /**
   * One page of an agent's passages by id, for cursor pagination (the Letta API's archival list):
   * ids strictly between `after` and `before`, in the order asked, at most `limit`; `contains` keeps
   * passages whose text holds it (case-insensitive).
   */
  page(agentId: string, opts: { after?: number; before?: number; limit: number; ascending: boolean; contains?: string }): Passage[] {
    const order = opts.ascending ? "ASC" : "DESC";
    const like = opts.contains ? `%${opts.contains.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
    return (
      sql(
        this.db,
        `SELECT id, text, tags, created_at FROM passages WHERE agent_id = ? AND id > ? AND id < ?
           AND (? IS NULL OR text LIKE ? ESCAPE '\\') ORDER BY id ${order} LIMIT ?`,
      ).all(agentId, opts.after ?? 0, opts.before ?? Number.MAX_SAFE_INTEGER, like, like, opts.limit) as RawPassage[]
    ).map(toPassage);
  }

  /** BM25 ranking (best first) of passages matching the filter; returns ids with their rank order. */
  lexical(agentId: string, query: string, filter: PassageFilter, limit: number): { id: number; score: number }[] {
    const match = ftsQuery(query);
    return match ? this.lexicalMatch(agentId, match, filter, limit) : [];
  }

  /**
   * Passages stored right before and after each one, when written within `minutes` of it: notes
   * taken in the same moment of work. Chunks of one insert (same timestamp) may join a ranking
   * on their neighbour's strength; other neighbours only strengthen a passage that matched itself.
   */
  neighbours(agentId: string, ids: number[], minutes = 10): Map<number, { id: number; join: boolean }[]> {
    const out = new Map<number, { id: number; join: boolean }[]>();
    if (ids.length === 0) return out;
    // The adjacent ids first (one probe each), then their distance in time.
    const rows = sql(this.db,
        `SELECT x.id AS id, x.prev AS prev, x.next AS next,
           (SELECT abs(julianday(a.created_at) - julianday(x.created_at)) * 1440 FROM passages a WHERE a.id = x.prev) AS dprev,
           (SELECT abs(julianday(a.created_at) - julianday(x.created_at)) * 1440 FROM passages a WHERE a.id = x.next) AS dnext
         FROM (SELECT p.id, p.created_at,
                 (SELECT n.id FROM passages n WHERE n.agent_id = p.agent_id AND n.id < p.id ORDER BY n.id DESC LIMIT 1) AS prev,
                 (SELECT n.id FROM passages n WHERE n.agent_id = p.agent_id AND n.id > p.id ORDER BY n.id LIMIT 1) AS next
               FROM json_each(?) j CROSS JOIN passages p ON p.id = j.value WHERE p.agent_id = ?) x`,
      )
      .all(JSON.stringify(ids), agentId) as { id: number; prev: number | null; next: number | null; dprev: number | null; dnext: number | null }[];
    for (const r of rows) {
      const near: { id: number; join: boolean }[] = [];
      if (r.prev !== null && r.dprev !== null && r.dprev <= minutes) near.push({ id: r.prev, join: r.dprev === 0 });
      if (r.next !== null && r.dnext !== null && r.dnext <= minutes) near.push({ id: r.next, join: r.dnext === 0 });
      out.set(r.id, near);
    }
    return out;
  }

  /** The newest passage id of any agent, O(1): the collection size global document frequencies are relative to. */
  maxId(): number {
    return (sql(this.db, "SELECT COALESCE(MAX(id), 0) AS m FROM passages").get() as { m: number }).m;
  }

  /** How many passages (of every agent) match: the document frequency for query expansion. */
  docFrequency(match: string): number {
    return (sql(this.db, "SELECT COUNT(*) AS n FROM passages_fts WHERE passages_fts MATCH ?").get(match) as { n: number }).n;
  }

  /** BM25 ranking for a prebuilt FTS5 expression (see store/search-terms.ts). */
  lexicalMatch(agentId: string, match: string, filter: PassageFilter, limit: number): { id: number; score: number }[] {
    const { where, params } = this.filterSql(agentId, filter);
    // As MessageStore.lexical: rank in the index first, fall back to the joined query when filtered too thin.
    const inner = limit * 4;
    const fast = sql(this.db,
        `SELECT s.id AS id, s.score AS score FROM
           (SELECT rowid AS id, -bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts) LIMIT ?) s
         CROSS JOIN passages p ON p.id = s.id WHERE ${where} ORDER BY s.score DESC LIMIT ?`,
      )
      .all(match, inner, ...params, limit) as { id: number; score: number }[];
    if (fast.length === limit) return fast;
    const seen = (sql(this.db, "SELECT COUNT(*) AS n FROM (SELECT 1 FROM passages_fts WHERE passages_fts MATCH ? LIMIT ?)").get(match, inner) as { n: number }).n;
    if (seen < inner) return fast;
    return sql(this.db, 
        `SELECT p.id AS id, -bm25(passages_fts) AS score FROM passages_fts CROSS JOIN passages p ON p.id = passages_fts.rowid
         WHERE passages_fts MATCH ? AND ${where} ORDER BY bm25(passages_fts) LIMIT ?`,
      )
      .all(match, ...params, limit) as { id: number; score: number }[];
  }

  /** Which of `ids` pass the filter. */
  allowed(agentId: string, ids: number[], filter: PassageFilter): Set<number> {
    const { where, params } = this.filterSql(agentId, filter);
    const rows = sql(this.db, `SELECT p.id FROM json_each(?) j CROSS JOIN passages p ON p.id = j.value WHERE ${where}`)
      .pluck()
      .all(JSON.stringify(ids), ...params) as number[];
    return new Set(rows);
  }

  /**
   * BM25 ranking of the passages in `allowed` (this agent's ids from filteredIds), as lexicalMatch ranks
   * that filter: one ranked pass over the index alone, wide enough that `limit` allowed hits are likely
   * among it, checked here against the set instead of SQLite checking the filter on every match.
   */
  lexicalAmong(agentId: string, match: string, filter: PassageFilter, allowed: ReadonlySet<number>, limit: number): { id: number; score: number }[] {
    if (allowed.size === 0 || limit <= 0) return [];
    const share = allowed.size / Math.max(1, this.maxId());
    const inner = Math.max(limit * 4, Math.ceil((limit / share) * 2));
    // A rare filter: nearly every match would be read and most thrown away; SQLite does that better.
    if (inner > WIDE_PASS_MAX) return this.lexicalMatch(agentId, match, filter, limit);
    const rows = sql(this.db,
        "SELECT rowid AS id, -bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ? ORDER BY bm25(passages_fts) LIMIT ?",
      )
      .all(match, inner) as { id: number; score: number }[];
    const out: { id: number; score: number }[] = [];
    for (const r of rows) {
      if (!allowed.has(r.id)) continue;
      out.push(r);
      if (out.length === limit) return out;
    }
    // Every match was seen: the list is complete. Otherwise better ones may lie past the pass.
    return rows.length < inner ? out : this.lexicalMatch(agentId, match, filter, limit);
  }

  /**
   * This agent's ids allowed by a filter, or null when there is no filter (everything allowed). Kept
   * until a write (ours or another process's) may have changed it, so consecutive searches with one
   * filter build it once. The set is shared between callers: read it, never change it.
   */
  filteredIds(agentId: string, filter: PassageFilter): ReadonlySet<number> | null {
    if (!filter.tags?.length && !filter.from && !filter.to) return null;
    // A prepared statement: db.pragma() prepares anew on every call.
    const version = sql(this.db, "PRAGMA data_version").pluck().get() as number;
    const at = `${version}:${this.generation}`;
    if (at !== this.idSetsAt) (this.idSets.clear(), (this.idSetsAt = at));
    const key = JSON.stringify([agentId, filter.tags ?? [], filter.from ?? "", filter.to ?? ""]);
    let ids = this.idSets.get(key);
    if (!ids) {
      ids = this.readFilteredIds(agentId, filter);
      if (this.idSets.size >= ID_SET_CACHE) this.idSets.delete(this.idSets.keys().next().value!);
      this.idSets.set(key, ids);
    }
    return ids;
  }

  private readFilteredIds(agentId: string, filter: PassageFilter): Set<number> {
    if (!filter.from && !filter.to) {
      // Tags alone: read the tag index directly instead of walking every passage of the agent. It holds
      // every agent's passages; when this agent is the only one (the usual project) no join is needed.
      const tags = filter.tags!;
      const marks = tags.map(() => "?").join(",");
      const rows = (
        this.soleAgent() === agentId
          ? sql(this.db, `SELECT passage_id FROM passage_tags WHERE tag IN (${marks})`).pluck().all(...tags)
          : sql(this.db, `SELECT t.passage_id FROM passage_tags t CROSS JOIN passages p ON p.id = t.passage_id WHERE t.tag IN (${marks}) AND p.agent_id = ?`)
              .pluck()
              .all(...tags, agentId)
      ) as number[];
      return new Set(rows);
    }
    const { where, params } = this.filterSql(agentId, filter);
    const rows = sql(this.db, `SELECT id FROM passages p WHERE ${where}`).pluck().all(...params) as number[];
    return new Set(rows);
  }

  /** The agent owning every passage, or null when there are several (or none): two index probes. */
  private soleAgent(): string | null {
    const r = sql(this.db, "SELECT (SELECT MIN(agent_id) FROM passages) AS lo, (SELECT MAX(agent_id) FROM passages) AS hi").get() as {
      lo: string | null;
      hi: string | null;
    };
    return r.lo !== null && r.lo === r.hi ? r.lo : null;
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

  /** The stored vectors of these passages under one model: a search's shortlist, re-scored exactly. */
  embeddingsOf(agentId: string, modelId: string, ids: number[]): Map<number, Buffer> {
    const out = new Map<number, Buffer>();
    if (ids.length === 0) return out;
    const rows = sql(this.db,
        `SELECT p.id, p.embedding FROM json_each(?) j CROSS JOIN passages p ON p.id = j.value
         WHERE p.agent_id = ? AND p.embedding_model = ? AND p.embedding IS NOT NULL`,
      )
      .all(JSON.stringify(ids), agentId, modelId) as { id: number; embedding: Buffer }[];
    for (const r of rows) out.set(r.id, r.embedding);
    return out;
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
