/**
 * Writes a tiny BERT-shaped bag-of-words model that transformers.js loads offline.
 * Generated at test time so no binary lives in the repo and no test needs the hub.
 * The "network" is Gather + mask: sentence vectors are mean word vectors, and words in
 * the same synonym group share a component, so related sentences score higher even with
 * no word in common.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface TinyModelOptions {
  /** Model id, a folder path under the root. */
  modelId?: string;
  hiddenSize?: number;
  /** Skip the q8 file, to test a model that only has fp32. */
  withQuantized?: boolean;
}

const SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

/** Words sharing a strong component, so e.g. "sqlite" is near "postgres". */
export const SYNONYM_GROUPS: string[][] = [
  ["database", "databases", "sqlite", "sql", "postgres", "query", "table", "schema", "migration"],
  ["test", "tests", "vitest", "testing", "jest", "assert", "spec", "unit"],
  ["cat", "cats", "kitten", "dog", "dogs", "puppy", "pet", "pets", "animal"],
  ["deploy", "deployment", "release", "ship", "production", "server", "docker"],
  ["bug", "bugs", "error", "crash", "exception", "failure", "fix", "broken"],
  ["style", "format", "prettier", "lint", "eslint", "indent", "tabs", "spaces"],
  ["food", "pizza", "pasta", "lunch", "dinner", "eat", "cook"],
];

/** Frequent words carry little meaning; small vectors keep them from dominating the mean. */
const STOPWORDS = [
  "the", "a", "an", "is", "are", "was", "were", "be", "to", "of", "and", "or", "in", "on", "at",
  "for", "with", "by", "it", "this", "that", "i", "you", "we", "they", "he", "she", "my", "our",
  "your", "do", "does", "did", "not", "no", "yes", "use", "uses", "used", "using", "how", "what",
  "when", "where", "why", "which", "who", "can", "should", "will", "would", "all", "some", "from",
  "as", "have", "has", "had", "about", "into", "prefers", "prefer", "likes", "like", "run", "runs",
];

const OTHER_WORDS = [
  "code", "file", "files", "function", "project", "user", "memory", "agent", "terminal", "cli",
  "config", "build", "package", "typescript", "javascript", "node", "python", "rust", "git",
  "commit", "branch", "merge", "api", "http", "json", "yaml", "cache", "model", "search",
  "vector", "index", "weather", "rain", "sunny", "music", "song", "guitar", "car", "road",
  "book", "read", "write", "house", "garden", "tree", "water", "blue", "red", "green",
];

const CHARS = [..."abcdefghijklmnopqrstuvwxyz0123456789", ..."!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"];

export function tinyVocab(): string[] {
  const words = new Set<string>([...STOPWORDS, ...SYNONYM_GROUPS.flat(), ...OTHER_WORDS]);
  for (const c of CHARS) words.add(c);
  const pieces = CHARS.filter((c) => /[a-z0-9]/.test(c)).map((c) => `##${c}`);
  // A few suffixes make plurals and verb forms of unknown words tokenise into fewer pieces.
  pieces.push("##s", "##es", "##ed", "##ing", "##er", "##ly");
  return [...SPECIALS, ...new Set([...words].filter((w) => !SPECIALS.includes(w))), ...new Set(pieces)];
}

// --- deterministic pseudo-random vectors -------------------------------------------------

function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function seededVector(seed: string, dim: number): Float32Array {
  let state = hash32(seed) || 1;
  const next = () => {
    // xorshift32: enough spread for test vectors, identical on every run.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x100000000;
  };
  const v = new Float32Array(dim);
  let norm = 0;
  for (let i = 0; i < dim; i++) {
    v[i] = next() * 2 - 1;
    norm += v[i] * v[i];
  }
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < dim; i++) v[i] /= norm;
  return v;
}

function wordVectors(vocab: string[], dim: number): Float32Array {
  const out = new Float32Array(vocab.length * dim);
  const groupOf = new Map<string, number>();
  SYNONYM_GROUPS.forEach((g, gi) => g.forEach((w) => groupOf.set(w, gi)));
  const stop = new Set(STOPWORDS);
  vocab.forEach((token, row) => {
    if (SPECIALS.includes(token)) return; // zero: [CLS]/[SEP] must not pull every sentence together
    const own = seededVector(`word:${token}`, dim);
    const group = groupOf.get(token);
    const shared = group === undefined ? null : seededVector(`group:${group}`, dim);
    const scale = stop.has(token) ? 0.15 : token.length <= 1 || token.startsWith("##") ? 0.3 : 1;
    for (let i = 0; i < dim; i++) {
      const v = shared ? 0.85 * shared[i] + 0.5 * own[i] : own[i];
      out[row * dim + i] = v * scale;
    }
  });
  return out;
}

// --- minimal protobuf writer (only what ONNX needs) --------------------------------------

type Field = Uint8Array;

function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const bytes: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    bytes.push(b);
  } while (v);
  return bytes;
}

const concat = (parts: Uint8Array[]): Uint8Array => Buffer.concat(parts);
const tag = (field: number, wire: number) => varint((field << 3) | wire);
const int = (field: number, n: number | bigint): Field => Uint8Array.from([...tag(field, 0), ...varint(n)]);
const bytes = (field: number, data: Uint8Array): Field =>
  concat([Uint8Array.from([...tag(field, 2), ...varint(data.length)]), data]);
const str = (field: number, s: string): Field => bytes(field, Buffer.from(s, "utf8"));
const msg = (field: number, ...fields: Field[]): Field => bytes(field, concat(fields));

const ELEM = { FLOAT: 1, UINT8: 2, INT64: 7 } as const;
const ATTR = { FLOAT: 1, INT: 2 } as const;

function tensor(name: string, dims: number[], elemType: number, raw: Uint8Array): Field {
  return msg(5, ...dims.map((d) => int(1, d)), int(2, elemType), str(8, name), bytes(9, raw));
}

function node(op: string, inputs: string[], outputs: string[], ...attrs: Field[]): Field {
  return msg(1, ...inputs.map((i) => str(1, i)), ...outputs.map((o) => str(2, o)), str(3, `${op}_${outputs[0]}`), str(4, op), ...attrs);
}

function valueInfo(field: 11 | 12, name: string, elemType: number, dims: (number | string)[]): Field {
  const dimFields = dims.map((d) => msg(1, typeof d === "number" ? int(1, d) : str(2, d)));
  return msg(field, str(1, name), msg(2, msg(1, int(1, elemType), msg(2, ...dimFields))));
}

const f32 = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function buildOnnx(wordEmb: Float32Array, vocabSize: number, dim: number, quantised: boolean): Uint8Array {
  const inits: Field[] = [tensor("type_emb", [2, dim], ELEM.FLOAT, f32(new Float32Array(2 * dim)))];
  const nodes: Field[] = [];
  if (quantised) {
    // Real q8 files store uint8 weights plus a scale; DequantizeLinear restores floats.
    let max = 0;
    for (const v of wordEmb) max = Math.max(max, Math.abs(v));
    const scale = max / 127 || 1;
    const q = new Uint8Array(wordEmb.length);
    for (let i = 0; i < wordEmb.length; i++) q[i] = Math.max(0, Math.min(255, Math.round(wordEmb[i] / scale) + 128));
    inits.push(
      tensor("word_emb_q", [vocabSize, dim], ELEM.UINT8, q),
      tensor("word_scale", [], ELEM.FLOAT, f32(Float32Array.of(scale))),
      tensor("word_zero", [], ELEM.UINT8, Uint8Array.of(128)),
    );
    nodes.push(node("DequantizeLinear", ["word_emb_q", "word_scale", "word_zero"], ["word_emb"]));
  } else {
    inits.push(tensor("word_emb", [vocabSize, dim], ELEM.FLOAT, f32(wordEmb)));
  }
  inits.push(tensor("unsq_axes", [1], ELEM.INT64, new Uint8Array(BigInt64Array.of(-1n).buffer)));
  nodes.push(
    node("Gather", ["word_emb", "input_ids"], ["we"]),
    node("Gather", ["type_emb", "token_type_ids"], ["te"]),
    node("Add", ["we", "te"], ["summed"]),
    node("Cast", ["attention_mask"], ["mask_f"], msg(5, str(1, "to"), int(3, ELEM.FLOAT), int(20, ATTR.INT))),
    node("Unsqueeze", ["mask_f", "unsq_axes"], ["mask_3d"]),
    node("Mul", ["summed", "mask_3d"], ["last_hidden_state"]),
  );
  const graph = msg(
    7,
    ...nodes,
    str(2, "tiny_bow"),
    ...inits,
    valueInfo(11, "input_ids", ELEM.INT64, ["batch", "seq"]),
    valueInfo(11, "attention_mask", ELEM.INT64, ["batch", "seq"]),
    valueInfo(11, "token_type_ids", ELEM.INT64, ["batch", "seq"]),
    valueInfo(12, "last_hidden_state", ELEM.FLOAT, ["batch", "seq", dim]),
  );
  return concat([int(1, 7), str(2, "letta-code-tests"), graph, msg(8, str(1, ""), int(2, 13))]);
}

// --- tokenizer files ---------------------------------------------------------------------

function tokenizerJson(vocab: string[]) {
  const ids = Object.fromEntries(vocab.map((t, i) => [t, i]));
  const special = (id: string) => ({ id, ids: [ids[id]], tokens: [id] });
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: SPECIALS.map((content) => ({
      id: ids[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true,
    })),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [
        { SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } },
        { Sequence: { id: "B", type_id: 1 } }, { SpecialToken: { id: "[SEP]", type_id: 1 } },
      ],
      special_tokens: { "[CLS]": special("[CLS]"), "[SEP]": special("[SEP]") },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab: ids },
  };
}

export async function createTinyModel(dir: string, opts: TinyModelOptions = {}): Promise<{ root: string; modelId: string }> {
  const modelId = opts.modelId ?? "test/tiny-bow";
  const dim = opts.hiddenSize ?? 64;
  const vocab = tinyVocab();
  const modelDir = join(dir, modelId);
  await mkdir(join(modelDir, "onnx"), { recursive: true });
  const config = {
    model_type: "bert",
    architectures: ["BertModel"],
    hidden_size: dim,
    vocab_size: vocab.length,
    num_hidden_layers: 1,
    num_attention_heads: 1,
    intermediate_size: dim,
    max_position_embeddings: 512,
    type_vocab_size: 2,
  };
  const tokenizerConfig = {
    tokenizer_class: "BertTokenizer",
    do_lower_case: true,
    model_max_length: 512,
    cls_token: "[CLS]", sep_token: "[SEP]", pad_token: "[PAD]", unk_token: "[UNK]", mask_token: "[MASK]",
  };
  const weights = wordVectors(vocab, dim);
  await Promise.all([
    writeFile(join(modelDir, "config.json"), JSON.stringify(config, null, 2)),
    writeFile(join(modelDir, "tokenizer_config.json"), JSON.stringify(tokenizerConfig, null, 2)),
    writeFile(join(modelDir, "tokenizer.json"), JSON.stringify(tokenizerJson(vocab))),
    writeFile(join(modelDir, "onnx", "model.onnx"), buildOnnx(weights, vocab.length, dim, false)),
    opts.withQuantized === false
      ? Promise.resolve()
      : writeFile(join(modelDir, "onnx", "model_quantized.onnx"), buildOnnx(weights, vocab.length, dim, true)),
  ]);
  return { root: dir, modelId };
}
