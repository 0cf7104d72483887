import { ExpectedError } from "../errors.js";
import { matchExpression, queryTerms } from "./search-terms.js";

/**
 * Build an FTS5 MATCH expression from free text: stop words dropped, identifiers matched both
 * whole and by their parts, terms OR-ed so BM25 ranks passages matching more, and rarer, terms first.
 */
export function ftsQuery(text: string): string | null {
  return matchExpression(queryTerms(text));
}

/** Date filters accept a date ("2026-01-31") or a datetime; a bare `to` date includes that whole day. */
export function dateBounds(from?: string, to?: string): { from?: string; to?: string } {
  const norm = (d: string, end: boolean): string => {
    const t = d.trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return end ? `${t}T23:59:59.999Z` : `${t}T00:00:00.000Z`;
    const parsed = new Date(t);
    if (Number.isNaN(parsed.getTime())) throw new ExpectedError(`not a date: "${d}" (use YYYY-MM-DD or an ISO datetime)`);
    return parsed.toISOString();
  };
  return { from: from ? norm(from, false) : undefined, to: to ? norm(to, true) : undefined };
}
