/**
 * Ranking steps applied after BM25 and vector search, each pure so it can be tested alone and
 * measured alone on the evaluation set (npm run eval).
 */
import { lettersAndDigits, STOP_WORDS } from "../store/search-terms.js";

export type Scores = Map<number, number>;

/** Scores scaled so the best is 1: lists from different queries become comparable. */
export function normalise(list: { id: number; score: number }[]): Scores {
  const max = list.reduce((m, x) => Math.max(m, x.score), 0) || 1;
  return new Map(list.map((x) => [x.id, x.score / max]));
}

/** a + weight * b, over the union of ids. */
export function blend(a: Scores, b: Scores, weight: number): Scores {
  const out = new Map(a);
  for (const [id, s] of b) out.set(id, (out.get(id) ?? 0) + weight * s);
  return out;
}

export function ranked(scores: Scores): { id: number; score: number }[] {
  return [...scores].map(([id, score]) => ({ id, score })).sort((x, y) => y.score - x.score || y.id - x.id);
}

/** A neighbouring row; `join`: whether it may enter the ranking on its neighbour's score alone. */
export interface Neighbour {
  id: number;
  join: boolean;
}

/**
 * A conversation turn is scored with its neighbours in mind: an answer often sits right after
 * the question that names it ("which port?" / "5173"), so each turn gains a share of its best
 * neighbour's score. Neighbours that matched nothing themselves join the ranking this way
 * when `join` allows it (turns of a conversation, chunks of one insert).
 */
export function withNeighbours(scores: Scores, neighbours: Map<number, Neighbour[]>, weight = 0.6): Scores {
  const out = new Map(scores);
  for (const [id, s] of scores) {
    for (const n of neighbours.get(id) ?? []) {
      const base = scores.get(n.id);
      if (base === undefined && !n.join) continue;
      // Only the best neighbour counts, so a turn between two matches is not scored twice.
      const gained = (base ?? 0) + weight * s;
      if (gained > (out.get(n.id) ?? 0)) out.set(n.id, gained);
    }
  }
  return out;
}

const WORD = lettersAndDigits("[\\p{L}\\p{N}][\\p{L}\\p{N}_]*");

export function contentWords(text: string): string[] {
  return (text.match(WORD(text)) ?? []).map((w) => w.toLowerCase()).filter((w) => w.length > 2 && !STOP_WORDS.has(w));
}

/**
 * Pseudo-relevance feedback: words that recur in the best results and are rare in the collection
 * (the name of the function the bug was traced to, the value a setting changed to) become extra
 * query terms, so a second hop can reach a turn that shares no word with the question.
 */
export function expansionTerms(
  feedback: string[],
  query: string,
  docFrequency: (word: string) => number,
  total: number,
  max = 4,
): string[] {
  const asked = new Set(contentWords(query));
  const tf = new Map<string, number>();
  for (const text of feedback) for (const w of new Set(contentWords(text))) if (!asked.has(w)) tf.set(w, (tf.get(w) ?? 0) + 1);
  // Looking up a frequency costs a query: only the likeliest few words are considered.
  const candidates = [...tf].sort((a, b) => b[1] - a[1] || b[0].length - a[0].length).slice(0, 12);
  const scored = candidates.map(([w, n]) => {
    const df = docFrequency(w);
    // A word found nowhere else adds nothing; one found everywhere is noise.
    if (df <= 1 || df > Math.min(total * 0.05, 1000)) return { w, s: 0 };
    return { w, s: n * Math.log(total / df) };
  });
  return scored.filter((x) => x.s > 0).sort((a, b) => b.s - a.s || (a.w < b.w ? -1 : 1)).slice(0, max).map((x) => x.w);
}

function shingles(text: string): Set<string> {
  const lower = text.toLowerCase();
  const words = lower.match(WORD(lower)) ?? [];
  const out = new Set<string>();
  if (words.length < 3) out.add(words.join(" "));
  for (let i = 0; i + 2 < words.length; i++) out.add(`${words[i]} ${words[i + 1]} ${words[i + 2]}`);
  return out;
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / (a.size + b.size - shared || 1);
}

/** Drops results that say nearly the same thing as a better-ranked one (word-trigram Jaccard). */
export function suppressNearDuplicates<T extends { text: string }>(items: T[], threshold = 0.8): T[] {
  const kept: { item: T; sh: Set<string> }[] = [];
  for (const item of items) {
    const sh = shingles(item.text);
    // Jaccard can never reach the threshold between sets of very different sizes: skip those pairs.
    const similar = (k: { sh: Set<string> }) =>
      Math.min(k.sh.size, sh.size) >= threshold * Math.max(k.sh.size, sh.size) && jaccard(k.sh, sh) >= threshold;
    if (!kept.some(similar)) kept.push({ item, sh });
  }
  return kept.map((k) => k.item);
}

const CHANGE_CUE =
  /\b(?:now|instead|switch(?:ed|ing)?|mov(?:ed|ing)|chang(?:ed|e)|replac(?:ed|e)|no longer|from now on|drop(?:ped)?|rais(?:ed|e)|bump(?:ed)?|lower(?:ed)?|decided|updated|actually|anymore|migrat(?:ed|e))\b/i;

/**
 * Facts that changed: when two results are about the same subject (most of the shorter one's
 * words recur in the other), were written on different days, and the newer one says something
 * changed, the newer ranks first and the older is marked superseded by it.
 */
export function markSuperseded<T extends { id: number; text: string; createdAt: string; supersededBy?: number }>(items: T[]): T[] {
  const out = [...items];
  const words = out.map((x) => new Set(contentWords(x.text)));
  for (let i = 0; i < out.length; i++) {
    for (let j = 0; j < out.length; j++) {
      if (i === j) continue;
      const older = out[i];
      const newer = out[j];
      if (older.supersededBy !== undefined || newer.createdAt.slice(0, 10) <= older.createdAt.slice(0, 10)) continue;
      if (!CHANGE_CUE.test(newer.text)) continue;
      const a = words[i];
      const b = words[j];
      let shared = 0;
      for (const w of a) if (b.has(w)) shared++;
      if (shared < 2 || shared / Math.min(a.size, b.size) < 0.5) continue;
      older.supersededBy = newer.id;
    }
  }
  // Move each newer fact to just ahead of the best-ranked fact it supersedes.
  for (let i = 0; i < out.length; i++) {
    const by = out[i].supersededBy;
    if (by === undefined) continue;
    const j = out.findIndex((x) => x.id === by);
    if (j > i) {
      const [newer] = out.splice(j, 1);
      out.splice(i, 0, newer);
      i++;
    }
  }
  return out;
}
