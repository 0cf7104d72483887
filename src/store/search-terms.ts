/**
 * How text becomes search terms, shared by what is indexed and what is asked. FTS5's unicode61
 * tokenizer already splits on `_`, `/` and `.`, so snake_case, paths and dotted names match part
 * by part; camelCase is one token to it, so the indexed text also carries its parts.
 */

/**
 * Function words that say nothing about which memory is meant. Short words that carry meaning in
 * a codebase (db, ci, js, go, ui, id, io, pr, no, not, off) are deliberately absent.
 */
export const STOP_WORDS = new Set(
  (
    "a an the is are was were be been being am do does did doing done have has had having i me my mine we us our ours " +
    "you your yours he him his she her it its they them their this that these those what which who whom whose when where " +
    "why how of to in on at by for with about from into onto as and or but if then so than too very can could should " +
    "would will shall may might must just there here again also some any all please let lets get got say said tell told " +
    "s t d ll re ve m thing things something anything ever"
  ).split(" "),
);

const CAMEL = /[a-z][a-z0-9]*[A-Z]|[A-Z]{2,}[a-z]/;

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * A pattern over letters (`\p{L}`) and digits (`\p{N}`), used in its ASCII spelling on ASCII text, where it
 * matches the same: the Unicode classes cost ~1 ms each to compile on their first use in a process, and
 * most questions never need them.
 */
export function lettersAndDigits(source: string): (text: string) => RegExp {
  const ascii = new RegExp(source.replaceAll("\\p{L}", "A-Za-z").replaceAll("\\p{N}", "0-9"), "g");
  let unicode: RegExp | undefined;
  return (text) => (NON_ASCII.test(text) ? (unicode ??= new RegExp(source, "gu")) : ascii);
}

const WORDS = lettersAndDigits("[\\p{L}\\p{N}]+");
const CHUNKS = lettersAndDigits("[\\p{L}\\p{N}]+(?:[_./:-][\\p{L}\\p{N}]+)*");

/** `retryWithBackoff` -> ["retry", "with", "backoff"]; `HTTPServer2` -> ["http", "server2"]; others -> []. */
export function camelParts(token: string): string[] {
  if (!CAMEL.test(token)) return [];
  return token
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(" ")
    .filter(Boolean);
}

/**
 * What the full-text index stores for a text: the text itself, then the parts of each camelCase
 * identifier in it, so "retry backoff" finds `retryWithBackoff` while the whole name still
 * matches as one rare (and so highly ranked) token.
 */
export function indexedText(text: string): string {
  const extra = new Set<string>();
  for (const token of text.match(WORDS(text)) ?? []) {
    const parts = camelParts(token);
    if (parts.length > 1) extra.add(parts.join(" "));
  }
  return extra.size ? `${text}\n${[...extra].join("\n")}` : text;
}

export interface QueryTerm {
  /** Words matched as a phrase when there are several (an identifier's parts, in order). */
  words: string[];
}

/**
 * The terms of a query: each identifier (camelCase, snake_case, path, dotted name) as a phrase of
 * its parts plus its whole spelling, and every other word unless it is a stop word. A query made
 * only of stop words keeps them: "what did we do" must still find something.
 */
export function queryTerms(text: string, opts: { keepStopWords?: boolean; identifiers?: boolean } = {}): QueryTerm[] {
  const out: QueryTerm[] = [];
  const seen = new Set<string>();
  const add = (words: string[]) => {
    const key = words.join(" ");
    if (words.length && !seen.has(key)) (seen.add(key), out.push({ words }));
  };
  const plain: string[] = [];
  // An identifier-ish chunk: letters/digits joined by _ . / - or with inner capitals.
  const words = WORDS(text);
  for (const chunk of text.match(CHUNKS(text)) ?? []) {
    const pieces = chunk.match(words) ?? [];
    const camel = pieces.flatMap((p) => {
      const parts = camelParts(p);
      return parts.length > 1 ? parts : [p.toLowerCase()];
    });
    const isIdentifier = opts.identifiers !== false && ((pieces.length > 1 && /[_./]/.test(chunk)) || camel.length > pieces.length);
    if (isIdentifier) {
      for (const p of pieces) if (camelParts(p).length > 1) add([p.toLowerCase()]);
      add(camel);
      for (const w of camel) if (!STOP_WORDS.has(w) && w.length > 1) plain.push(w);
    } else plain.push(...pieces.map((p) => p.toLowerCase()));
  }
  const meaningful = plain.filter((w) => !STOP_WORDS.has(w));
  for (const w of meaningful.length && !opts.keepStopWords ? meaningful : plain) add([w]);
  return out.slice(0, 64);
}

/** An FTS5 MATCH expression OR-ing the terms; every word is quoted, so user text cannot inject operators. */
export function matchExpression(terms: QueryTerm[]): string | null {
  if (terms.length === 0) return null;
  return terms.map((t) => `"${t.words.join(" ").replace(/"/g, "")}"`).join(" OR ");
}
