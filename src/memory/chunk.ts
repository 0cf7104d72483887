/**
 * Split a long archival insert into passages small enough to embed well (sentence models see
 * ~256 tokens) while keeping paragraphs, then sentences, together where they fit.
 */
export const MAX_PASSAGE_CHARS = 1200;

export function chunkText(text: string, max = MAX_PASSAGE_CHARS): string[] {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed ? [trimmed] : [];
  const pieces = trimmed.split(/\n\s*\n/).flatMap((para) => splitLong(para.trim(), max));
  const chunks: string[] = [];
  let current = "";
  for (const piece of pieces) {
    if (!piece) continue;
    if (current && current.length + 2 + piece.length > max) {
      chunks.push(current);
      current = piece;
    } else {
      current = current ? `${current}\n\n${piece}` : piece;
    }
  }
  if (current) chunks.push(current);
  return chunks;
}

function splitLong(para: string, max: number): string[] {
  if (para.length <= max) return [para];
  const sentences = para.match(/[^.!?\n]+(?:[.!?]+|\n|$)\s*/g) ?? [para];
  const out: string[] = [];
  let current = "";
  for (const s of sentences) {
    if (s.length > max) {
      if (current) (out.push(current.trim()), (current = ""));
      // A single giant "sentence" (minified code, a log line): cut on whitespace near the limit.
      for (let i = 0; i < s.length; ) {
        let end = Math.min(i + max, s.length);
        const space = s.lastIndexOf(" ", end);
        if (end < s.length && space > i + max / 2) end = space;
        out.push(s.slice(i, end).trim());
        i = end;
      }
    } else if (current.length + s.length > max) {
      out.push(current.trim());
      current = s;
    } else current += s;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
