/**
 * The one retrieval pipeline behind archival_memory_search and conversation_search:
 * relative dates -> filters, BM25 over stop-word-free, identifier-aware terms, neighbour scoring
 * (conversation turns), pseudo-relevance feedback, fusion with vector search, recency prior,
 * near-duplicate suppression and superseded facts. Each step's worth is measured by npm run eval.
 */
import { matchExpression, queryTerms } from "../store/search-terms.js";
import { reciprocalRankFusion } from "./rank-fusion.js";
import { resolveTimeExpressions } from "./time-expressions.js";
import { blend, expansionTerms, markSuperseded, normalise, ranked, suppressNearDuplicates, withNeighbours, type Neighbour, type Scores } from "./ranking.js";

export interface Filter {
  from?: string;
  to?: string;
}

export interface Retrievable {
  id: number;
  text: string;
  createdAt: string;
  supersededBy?: number;
}

export interface SearchSource<F extends Filter, T extends Retrievable> {
  lexical(match: string, filter: F, limit: number): { id: number; score: number }[];
  /** Documents containing `word` (cached by the caller: see DocFrequencyCache). */
  docFrequency(word: string): number;
  /** Documents in the collection, for inverse document frequency. */
  total(): number;
  /** Neighbours of each id (turns of a conversation, passages written together). */
  neighbours?(ids: number[]): Map<number, Neighbour[]>;
  /** Which of `ids` pass the filter (neighbours are found without it). */
  allowed(ids: number[], filter: F): Set<number>;
  /** Vector ranking, or null when no embedding model is available. */
  vector(query: string, filter: F, k: number): Promise<{ id: number; score: number }[] | null>;
  get(ids: number[]): Map<number, T>;
}

export interface RetrieveOptions<F extends Filter> {
  filter: F;
  limit: number;
  offset: number;
  /** What relative dates in the query resolve against. */
  now?: Date;
}

/**
 * Every step can be switched off, so `npm run eval -- --ablate` can show what each one earns.
 * Always all on outside the evaluation.
 */
export const RANKING_STEPS = {
  stopWords: true,
  identifiers: true,
  neighbours: true,
  expansion: true,
  dates: true,
  nearDuplicates: true,
  superseded: true,
};

const POOL = 100;
const FEEDBACK_DOCS = 3;
const EXPANSION_WEIGHT = 0.35;
const RECENCY_DAYS = 21;
const EXPANSION_WITH_VECTORS_UP_TO = 20000;
const STOP_WORD_WEIGHT = 0.1;

export async function retrieve<F extends Filter, T extends Retrievable>(
  source: SearchSource<F, T>,
  query: string,
  opts: RetrieveOptions<F>,
): Promise<T[]> {
  const want = opts.limit + opts.offset;
  const now = opts.now ?? new Date();
  // The model's explicit dates are a filter; a period named in the question's own words only
  // ranks its matches first (the words may be loose, and a passage stored once stands for
  // every later repetition of its text).
  if (opts.filter.from || opts.filter.to) return finish(source, await rank(source, query, opts.filter, [], want, false, now, true), opts);
  const time = RANKING_STEPS.dates ? resolveTimeExpressions(query, now) : { query };
  let window: F | null = time.from || time.to ? { ...opts.filter, from: time.from, to: time.to } : null;
  const feedback: string[] = [];
  let text = time.query;
  if (time.anchor) {
    const bound = anchorDate(source, time.anchor.text, opts.filter);
    if (bound) {
      const before = new Date(Date.parse(bound.at) - 1).toISOString();
      window = time.anchor.direction === "before" ? { ...opts.filter, to: before } : { ...opts.filter, from: bound.at };
      // The event usually names what it changed ("moving off RabbitMQ"): let that steer the search.
      feedback.push(bound.text);
    } else text = query;
  }
  // Inside a period, only real matches rank first; the small words may fill up from outside it.
  const list = await rank(source, text, window ?? opts.filter, feedback, want, !!time.recent, now, !window);
  if (!window || list.length >= want * 2) return finish(source, list, opts);
  const inside = new Set(list.map((x) => x.id));
  const rest = (await rank(source, text, opts.filter, feedback, want, false, now, true)).filter((x) => !inside.has(x.id));
  // Two tiers: a newer fact from outside the period must not jump ahead of what is inside it.
  const first = finish(source, list, { ...opts, offset: 0, limit: want });
  return [...first, ...finish(source, rest, { ...opts, offset: 0, limit: want - first.length })].slice(opts.offset, want);
}

async function rank<F extends Filter, T extends Retrievable>(
  source: SearchSource<F, T>,
  text: string,
  filter: F,
  feedback: string[],
  want: number,
  recent: boolean,
  now: Date,
  stopWordFallback: boolean,
): Promise<{ id: number; score: number }[]> {
  const termOptions = { keepStopWords: !RANKING_STEPS.stopWords, identifiers: RANKING_STEPS.identifiers };
  const match = matchExpression(queryTerms(text, termOptions));
  let scores: Scores = match ? normalise(source.lexical(match, filter, POOL)) : new Map();
  if (RANKING_STEPS.stopWords && stopWordFallback && scores.size < want) {
    // The meaningful words found too little ("why can't we upgrade"): let the small words speak, below them.
    const all = matchExpression(queryTerms(text, { keepStopWords: true }));
    if (all && all !== match) scores = blend(scores, normalise(source.lexical(all, filter, POOL)), STOP_WORD_WEIGHT);
  }
  const neighbours = RANKING_STEPS.neighbours && !!source.neighbours;
  if (neighbours && scores.size) scores = withNeighbours(scores, neighboursWithin(source, top(scores, 30), filter));
  const total = Math.max(1, source.total());
  const vectors = text.trim() ? await source.vector(text, filter, Math.max(20, want * 2)) : null;
  // Expansion costs a second BM25 pass that grows with the collection; on a large one, vectors
  // (when there are any) already bring in what shares no word with the question.
  const expand = RANKING_STEPS.expansion && (!vectors || total <= EXPANSION_WITH_VECTORS_UP_TO);
  if ((scores.size || feedback.length) && expand) {
    const ids = top(scores, FEEDBACK_DOCS);
    const best = source.get(ids);
    const docs = [...feedback, ...ids.map((id) => best.get(id)?.text ?? "")];
    const words = expansionTerms(docs, text, (w) => source.docFrequency(w), total);
    const expansion = matchExpression(words.map((w) => ({ words: [w] })));
    if (expansion) {
      let extra = normalise(source.lexical(expansion, filter, POOL));
      if (neighbours && extra.size) extra = withNeighbours(extra, neighboursWithin(source, top(extra, 10), filter));
      scores = blend(scores, extra, EXPANSION_WEIGHT);
    }
  }
  let list = ranked(scores);
  if (vectors) list = reciprocalRankFusion([list.slice(0, POOL), vectors]);
  if (recent) list = recencyPrior(list, source, now);
  return list;
}

/** Near-duplicates out, superseded facts marked, then the requested page. */
function finish<F extends Filter, T extends Retrievable>(source: SearchSource<F, T>, list: { id: number; score: number }[], opts: RetrieveOptions<F>): T[] {
  const want = opts.limit + opts.offset;
  if (want <= 0) return [];
  // Look a little past the page: suppressed duplicates leave room for the next results.
  const window = list.slice(0, Math.min(list.length, want * 2 + 10));
  const rows = source.get(window.map((x) => x.id));
  const items = window.flatMap((x) => {
    const row = rows.get(x.id);
    return row ? [{ ...row, score: Number(x.score.toFixed(6)) }] : [];
  });
  const distinct = RANKING_STEPS.nearDuplicates ? suppressNearDuplicates(items) : items;
  return (RANKING_STEPS.superseded ? markSuperseded(distinct) : distinct).slice(opts.offset, want);
}

/** Neighbours outside the filter (another day, another role) do not count. */
function neighboursWithin<F extends Filter, T extends Retrievable>(source: SearchSource<F, T>, ids: number[], filter: F) {
  const all = source.neighbours!(ids);
  const candidates = [...new Set([...all.values()].flat().map((n) => n.id))];
  if (candidates.length === 0) return all;
  const ok = source.allowed(candidates, filter);
  return new Map([...all].map(([id, ns]) => [id, ns.filter((n) => ok.has(n.id))]));
}

function top(scores: Scores, n: number): number[] {
  return ranked(scores).slice(0, n).map((x) => x.id);
}

/** When the event a question is anchored to happened: the best match for its words. */
function anchorDate<F extends Filter, T extends Retrievable>(source: SearchSource<F, T>, text: string, filter: F) {
  const match = matchExpression(queryTerms(text));
  if (!match) return null;
  const [best] = source.lexical(match, filter, 1);
  const row = best && source.get([best.id]).get(best.id);
  return row ? { at: row.createdAt, text: row.text } : null;
}

/** "Recently": newer results rise, older ones stay reachable. */
function recencyPrior<F extends Filter, T extends Retrievable>(list: { id: number; score: number }[], source: SearchSource<F, T>, now: Date) {
  const head = list.slice(0, POOL);
  const rows = source.get(head.map((x) => x.id));
  return head
    .map((x) => {
      const at = rows.get(x.id)?.createdAt;
      const age = at ? Math.max(0, (now.getTime() - Date.parse(at)) / 86400000) : RECENCY_DAYS * 4;
      return { id: x.id, score: x.score * (1 + Math.exp(-age / RECENCY_DAYS)) };
    })
    .sort((a, b) => b.score - a.score || b.id - a.id);
}

/**
 * Document frequencies change slowly: remembered per word until the collection grows by a
 * tenth, so query expansion costs a few map lookups instead of a query per candidate word.
 */
export class DocFrequencyCache {
  private counts = new Map<string, number>();
  private basis = -1;

  get(word: string, total: number, lookup: (match: string) => number): number {
    if (this.basis < 0 || Math.abs(total - this.basis) > this.basis * 0.1 || this.counts.size > 20000) {
      this.counts.clear();
      this.basis = total;
    }
    let n = this.counts.get(word);
    if (n === undefined) this.counts.set(word, (n = lookup(`"${word}"`)));
    return n;
  }
}
