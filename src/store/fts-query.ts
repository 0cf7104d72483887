/**
 * Build an FTS5 MATCH expression from free text. Each word is quoted (so punctuation and
 * FTS operators in user text are inert) and words are OR-ed: BM25 then ranks passages
 * that match more, and rarer, words first.
 */
export function ftsQuery(text: string): string | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  const unique = [...new Set(words)].slice(0, 64);
  if (unique.length === 0) return null;
  return unique.map((w) => `"${w}"`).join(" OR ");
}

/** Date filters accept a date ("2026-01-31") or a datetime; a bare `to` date includes that whole day. */
export function dateBounds(from?: string, to?: string): { from?: string; to?: string } {
  const norm = (d: string, end: boolean): string => {
    const t = d.trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(t)) return end ? `${t}T23:59:59.999Z` : `${t}T00:00:00.000Z`;
    const parsed = new Date(t);
    if (Number.isNaN(parsed.getTime())) throw new Error(`not a date: "${d}" (use YYYY-MM-DD or an ISO datetime)`);
    return parsed.toISOString();
  };
  return { from: from ? norm(from, false) : undefined, to: to ? norm(to, true) : undefined };
}
