import type { MessageSearchOptions, RecallMemory, RecallMessage } from "./access.js";
import type { MessageFilter, MessageStore } from "../store/messages.js";
import type { Embedder } from "../embeddings/types.js";
import { approxTokens } from "../llm/tokens.js";
import type { VectorIndexLike } from "./archival.js";
import { EmbeddingIndex } from "./embedding-index.js";
import { DocFrequencyCache, retrieve, type SearchSource } from "./retrieve.js";

export interface RecallDeps {
  messages: MessageStore;
  agentId: string;
  /** Resolves to null when no embedding model can be had: search is then lexical only. */
  getEmbedder?: () => Promise<Embedder | null>;
  /** The embedder if it is already loaded, else null: background work never triggers a load. */
  loadedEmbedder?: () => Embedder | null;
  createIndex?: (dim: number, capacity?: number) => VectorIndexLike;
  encode?: (v: Float32Array) => Buffer;
  decode?: (b: Buffer) => Float32Array;
  /** A backfill of messages stored before embeddings existed (done of total). */
  onEmbeddingProgress?: (done: number, total: number) => void;
}

type Row = RecallMessage & { text: string };

/**
 * Recall memory: every message of every conversation. Ranked search is hybrid like archival:
 * BM25 with neighbour scoring and query expansion, fused with vector search over embedded
 * messages when a model is available. "recent" order lists matches newest first.
 */
export class AgentRecallMemory implements RecallMemory {
  private vectors: EmbeddingIndex | null = null;
  private frequencies = new DocFrequencyCache();

  constructor(private deps: RecallDeps) {
    const { messages, agentId, createIndex, encode, decode } = deps;
    if (createIndex && encode && decode) {
      this.vectors = new EmbeddingIndex({
        table: {
          needingEmbedding: (model, limit, after) => messages.needingEmbedding(agentId, model, limit, after),
          countNeedingEmbedding: (model, after) => messages.countNeedingEmbedding(agentId, model, after),
          maxId: () => messages.maxId(),
          setEmbeddings: (rows, model) => messages.transaction(() => rows.forEach((r) => messages.setEmbedding(r.id, r.embedding, model))),
          embeddings: (model, after) => messages.embeddings(agentId, model, after),
          fingerprint: (model) => messages.fingerprint(agentId, model),
          dataVersion: () => messages.dataVersion(),
        },
        createIndex,
        encode,
        decode,
        onProgress: deps.onEmbeddingProgress,
      });
    }
  }

  async search(query: string, opts: MessageSearchOptions = {}): Promise<RecallMessage[]> {
    const { messages, agentId } = this.deps;
    if (opts.order !== "rank" || !query.trim()) return messages.search(agentId, query, opts);
    const limit = Math.max(1, Math.min(opts.limit ?? 10, 100));
    const offset = Math.max(0, opts.offset ?? 0);
    const filter: MessageFilter = { roles: opts.roles, from: opts.from, to: opts.to };
    const now = opts.now ? new Date(opts.now) : undefined;
    const rows = await retrieve(this.source(), query, { filter, limit, offset, now });
    return rows.map(({ text: _text, ...m }) => m);
  }

  add(messages: { role: RecallMessage["role"]; content: string; createdAt?: string; conversationId: string }[]): number[] {
    const ids = this.deps.messages.transaction(() =>
      messages.map(
        (m) =>
          this.deps.messages.append(this.deps.agentId, {
            conversationId: m.conversationId,
            role: m.role,
            content: m.content,
            tokens: approxTokens(m.content) + 4,
            createdAt: m.createdAt ? new Date(m.createdAt).toISOString() : undefined,
          }).id,
      ),
    );
    return ids;
  }

  /**
   * Embed the messages stored since the last time, in batches. Called after a turn ends, and
   * only when a model is already loaded, so it never delays a turn nor triggers a download.
   */
  async embedPending(): Promise<void> {
    const embedder = this.deps.loadedEmbedder?.();
    if (!embedder || !this.vectors) return;
    await this.vectors.embedPending(embedder);
  }

  count(): number {
    return this.deps.messages.count(this.deps.agentId);
  }

  private source(): SearchSource<MessageFilter, Row> {
    const { messages, agentId } = this.deps;
    const total = messages.maxId();
    return {
      lexical: (match, filter, limit) => messages.lexical(agentId, match, filter, limit),
      docFrequency: (word) => this.frequencies.get(word, total, (match) => messages.docFrequency(match)),
      total: () => total,
      neighbours: (ids) => messages.neighbours(agentId, ids),
      allowed: (ids, f) => messages.allowed(agentId, ids, f),
      get: (ids) => {
        const out = new Map<number, Row>();
        for (const [id, m] of messages.getMany(agentId, ids)) out.set(id, { ...m, text: m.content });
        return out;
      },
      vector: async (text, filter, k) => {
        const embedder = this.vectors && this.deps.getEmbedder ? await this.deps.getEmbedder() : null;
        if (!embedder || !this.vectors) return null;
        const allowed = messages.filteredIds(agentId, filter);
        const [qv] = await embedder.embed([text]);
        return this.vectors.search(embedder, qv, k, allowed ? (id) => allowed.has(id) : undefined);
      },
    };
  }
}
