import { BpeEncoder } from "./bpe.js";
import { loadRankTable, tokenizerCacheDir } from "./rank-cache.js";
import type { ChatMessage, ToolSchema } from "./types.js";

/**
 * Token counting for context budgeting. Exact for OpenAI models, an estimate for others (local models have
 * their own tokenizers; o200k is a reasonable stand-in). The rank tables load on first use, synchronously:
 * from the user's cache file when it is there and valid (a few ms), else built from js-tiktoken's ranks
 * and written there for the next run (see rank-cache.ts).
 */
export type EncodingName = "o200k_base" | "cl100k_base";

const encoders = new Map<EncodingName, BpeEncoder>();
/** null: keep tables in memory only. Resolved on first load, so tests and embedders can point it elsewhere first. */
let cacheDir: string | null | undefined;
const caches = new Map<EncodingName, Map<string, number>>();
const CACHE_MAX = 4096;
let defaultEncoding: EncodingName = "o200k_base";

/** Older OpenAI models (gpt-4, gpt-3.5, ada embeddings) use cl100k; everything newer and unknown uses o200k. */
export function encodingForModel(model: string): EncodingName {
  const m = model.toLowerCase().split("/").pop() ?? "";
  if (/^(gpt-4o|gpt-4\.|chatgpt-4o)/.test(m)) return "o200k_base";
  if (/^(gpt-4|gpt-3\.5|text-embedding-(ada|3))/.test(m)) return "cl100k_base";
  return "o200k_base";
}

/** Make `countTokens(text)` without a model use this model's encoding (the agent's model, set once). */
export function setTokenizerModel(model: string): void {
  defaultEncoding = encodingForModel(model);
}

/** Where the rank tables are cached (null: nowhere); drops loaded tables so the next count loads anew. */
export function setTokenizerCacheDir(dir: string | null | undefined): void {
  cacheDir = dir;
  encoders.clear();
  caches.clear();
}

function encoder(name: EncodingName): BpeEncoder {
  let enc = encoders.get(name);
  if (!enc) {
    enc = new BpeEncoder(loadRankTable(name, cacheDir === undefined ? tokenizerCacheDir() : cacheDir).table);
    encoders.set(name, enc);
  }
  return enc;
}

/** Build the tables now (e.g. right after the first screen is drawn) so the first count does not stall. */
export function warmTokenizer(model?: string): void {
  encoder(model ? encodingForModel(model) : defaultEncoding);
}

/**
 * BPE is quadratic in the length of one pre-tokenised piece (every merge scans every pair): 20k repeated
 * letters take ~27 s in js-tiktoken and ~0.4 s in bpe.ts. Long runs of letters, spaces or punctuation
 * (minified code, ASCII art, base64 without digits) are therefore counted in short slices; the slice
 * boundaries change the count by at most one token per slice.
 */
const LONG_RUN = /[\p{L}\p{M}]{64,}|\s{64,}|[^\s\p{L}\p{N}]{64,}/gu;
const SLICE = 48;

/** What countUncached needs of an encoder; js-tiktoken fits it too, which is how the tests compare the two. */
export interface TokenCounter {
  count(text: string): number;
}

function encodeLength(enc: TokenCounter, text: string): number {
  // No special-token handling: "<|endoftext|>" in user text is ordinary text, never an error.
  return text.length === 0 ? 0 : enc.count(text);
}

export function countUncached(enc: TokenCounter, text: string): number {
  let total = 0;
  let last = 0;
  for (const m of text.matchAll(LONG_RUN)) {
    total += encodeLength(enc, text.slice(last, m.index));
    for (let i = 0; i < m[0].length; i += SLICE) total += encodeLength(enc, m[0].slice(i, i + SLICE));
    last = m.index + m[0].length;
  }
  return total + encodeLength(enc, text.slice(last));
}

/** Tokens in `text` under the model's encoding (default: the one set by setTokenizerModel, else o200k). */
export function countTokens(text: string, model?: string): number {
  if (!text) return 0;
  const name = model ? encodingForModel(model) : defaultEncoding;
  let cache = caches.get(name);
  if (!cache) caches.set(name, (cache = new Map()));
  // The same messages are recounted on every step; a small insertion-ordered cache makes that free.
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const n = countUncached(encoder(name), text);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(text, n);
  return n;
}

/** Per OpenAI's cookbook: every message costs ~3 tokens of framing plus its role; the reply is primed with 3. */
const PER_MESSAGE = 3;
const REPLY_PRIMING = 3;

/** How many requests were counted exactly in this process: the calibration's whole point is to keep this at 0. */
export const exactCountStats = { requests: 0 };

export function countMessageTokens(messages: ChatMessage[], tools?: ToolSchema[], model?: string): number {
  exactCountStats.requests++;
  let total = REPLY_PRIMING;
  for (const msg of messages) {
    total += PER_MESSAGE + countTokens(msg.role, model);
    if (msg.content) total += countTokens(msg.content, model);
    if (msg.role === "assistant" && msg.tool_calls) {
      for (const call of msg.tool_calls) {
        total += PER_MESSAGE + countTokens(call.function.name, model) + countTokens(call.function.arguments, model);
      }
    }
    if (msg.role === "tool") total += countTokens(msg.tool_call_id, model);
  }
  // The server renders tool schemas into the prompt in its own format; their JSON is a close, slightly high estimate.
  if (tools && tools.length > 0) total += countTokens(JSON.stringify(tools), model);
  return total;
}

/**
 * A cheap estimate for budgeting far from the limit, where loading the rank tables (~40 ms, ~0.2 s
 * uncached) would only slow start-up. A token is at least one UTF-8 byte, so 3 × this estimate bounds the real count.
 */
export function approxTokens(text: string): number {
  return Math.ceil(Buffer.byteLength(text, "utf8") / 3);
}
