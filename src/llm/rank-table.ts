import { zlib } from "../lazy-builtins.js";

/**
 * A BPE rank table in a few typed arrays instead of js-tiktoken's two Maps of 200k string keys: building
 * those Maps costs ~1.2 s and ~150 MB (o200k) in every process that counts exactly, while these arrays are
 * ~4 MB that load from one file with no per-token work. Token bytes are stored in rank order
 * (`offsets[r]..offsets[r+1]`, empty for an unused rank); an open-addressing hash table maps bytes to rank.
 */
export interface RankTable {
  /** Which encoding and which js-tiktoken data it was built from; a cached file must match it exactly. */
  source: string;
  /** js-tiktoken's pre-tokenisation regex for this encoding, taken from its rank data. */
  patStr: string;
  offsets: Uint32Array;
  bytes: Uint8Array;
  /** rank + 1 per slot, 0 when empty; the length is a power of two. */
  slots: Uint32Array;
}

/** The shape of `js-tiktoken/ranks/*`: lines of `<text> <first rank> <base64 token> <base64 token> ...`. */
export interface TiktokenRanks {
  pat_str: string;
  bpe_ranks: string;
}

export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** The rank of `piece[start..end)`, or -1 when those bytes are not a token. */
export function lookupRank(table: RankTable, piece: Uint8Array, start: number, end: number): number {
  const { slots, offsets, bytes } = table;
  const mask = slots.length - 1;
  const len = end - start;
  for (let s = hashBytes(piece, start, end) & mask; ; s = (s + 1) & mask) {
    const v = slots[s]!;
    if (v === 0) return -1;
    const r = v - 1;
    const o = offsets[r]!;
    if (offsets[r + 1]! - o !== len) continue;
    let i = 0;
    while (i < len && bytes[o + i] === piece[start + i]) i++;
    if (i === len) return r;
  }
}

export function buildRankTable(ranks: TiktokenRanks, source: string): RankTable {
  // Parsed as js-tiktoken's constructor does: the second field is the first token's rank, ranks run on from it.
  const byRank: string[] = [];
  for (const line of ranks.bpe_ranks.split("\n")) {
    if (!line) continue;
    const fields = line.split(" ");
    const first = Number.parseInt(fields[1]!, 10);
    for (let i = 2; i < fields.length; i++) byRank[first + i - 2] = fields[i]!;
  }
  const count = byRank.length;
  const offsets = new Uint32Array(count + 1);
  // Base64 never decodes to more than 3/4 of its length, so this bounds the bytes without a second pass.
  let bound = 0;
  for (let r = 0; r < count; r++) bound += byRank[r] ? byRank[r]!.length : 0;
  const scratch = Buffer.allocUnsafe(Math.ceil((bound * 3) / 4));
  let at = 0;
  for (let r = 0; r < count; r++) {
    offsets[r] = at;
    const b64 = byRank[r];
    if (b64) at += scratch.write(b64, at, "base64");
  }
  offsets[count] = at;
  const bytes = new Uint8Array(at);
  bytes.set(scratch.subarray(0, at));
  let size = 1;
  while (size < count * 2) size <<= 1;
  const table: RankTable = { source, patStr: ranks.pat_str, offsets, bytes, slots: new Uint32Array(size) };
  for (let r = 0; r < count; r++) {
    const o = offsets[r]!;
    const e = offsets[r + 1]!;
    if (e === o) continue;
    // Equal bytes under two ranks: js-tiktoken's Map keeps the later rank, so the later one replaces the slot.
    const known = lookupRank(table, bytes, o, e);
    let s = hashBytes(bytes, o, e) & (size - 1);
    if (known >= 0) {
      while (table.slots[s] !== known + 1) s = (s + 1) & (size - 1);
    } else {
      while (table.slots[s] !== 0) s = (s + 1) & (size - 1);
    }
    table.slots[s] = r + 1;
  }
  return table;
}

/*
 * The cache file: a 64-byte header, then offsets, slots, the regex's UTF-8 and the token bytes, then a
 * CRC-32 of everything before it. Every section starts 4-byte aligned so the arrays are views, not copies.
 */
const MAGIC = 0x4b54434c; // "LCTK"
export const RANK_FILE_VERSION = 1;
const HEADER = 64;
const SOURCE_MAX = 40;

const align4 = (n: number) => (n + 3) & ~3;

function layout(count: number, slots: number, patLen: number, bytesLen: number) {
  const offsets = HEADER;
  const slotsAt = offsets + (count + 1) * 4;
  const pat = slotsAt + slots * 4;
  const bytes = align4(pat + patLen);
  const crc = align4(bytes + bytesLen);
  return { offsets, slots: slotsAt, pat, bytes, crc, total: crc + 4 };
}

export function serializeRankTable(t: RankTable): Buffer {
  const src = Buffer.from(t.source, "utf8");
  if (src.length > SOURCE_MAX) throw new Error(`rank table source name too long: ${t.source}`);
  const pat = Buffer.from(t.patStr, "utf8");
  const count = t.offsets.length - 1;
  const at = layout(count, t.slots.length, pat.length, t.bytes.length);
  const out = Buffer.alloc(at.total);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(RANK_FILE_VERSION, 4);
  out.writeUInt32LE(count, 8);
  out.writeUInt32LE(t.slots.length, 12);
  out.writeUInt32LE(pat.length, 16);
  out.writeUInt32LE(t.bytes.length, 20);
  src.copy(out, 24);
  Buffer.from(t.offsets.buffer, t.offsets.byteOffset, t.offsets.byteLength).copy(out, at.offsets);
  Buffer.from(t.slots.buffer, t.slots.byteOffset, t.slots.byteLength).copy(out, at.slots);
  pat.copy(out, at.pat);
  out.set(t.bytes, at.bytes);
  out.writeUInt32LE(zlib().crc32(out.subarray(0, at.crc)), at.crc);
  return out;
}

/**
 * The table in `file`, or why it cannot be used. Nothing in it is trusted before the checksum and every
 * size agree: a truncated, corrupted or older file is rebuilt, never read past its end or half-believed.
 */
export function parseRankTable(file: Buffer, source: string): RankTable | string {
  if (file.length < HEADER + 4) return "too short";
  if (file.readUInt32LE(0) !== MAGIC) return "not a rank table";
  if (file.readUInt32LE(4) !== RANK_FILE_VERSION) return "another format version";
  const count = file.readUInt32LE(8);
  const slotCount = file.readUInt32LE(12);
  const patLen = file.readUInt32LE(16);
  const bytesLen = file.readUInt32LE(20);
  const src = file.subarray(24, 24 + SOURCE_MAX);
  const nul = src.indexOf(0);
  if (src.subarray(0, nul < 0 ? src.length : nul).toString("utf8") !== source) return "built from other rank data";
  if (slotCount === 0 || (slotCount & (slotCount - 1)) !== 0 || slotCount <= count) return "bad table size";
  const at = layout(count, slotCount, patLen, bytesLen);
  if (file.length !== at.total) return "wrong length";
  if (file.readUInt32LE(at.crc) !== zlib().crc32(file.subarray(0, at.crc))) return "checksum mismatch";
  // The views need 4-byte alignment; a Buffer carved from Node's pool may not have it.
  let buf = file;
  if (file.byteOffset % 4 !== 0) {
    const copy = new Uint8Array(file.length);
    copy.set(file);
    buf = Buffer.from(copy.buffer);
  }
  const offsets = new Uint32Array(buf.buffer, buf.byteOffset + at.offsets, count + 1);
  if (offsets[count] !== bytesLen) return "offsets do not match the token bytes";
  for (let r = 0; r < count; r++) if (offsets[r]! > offsets[r + 1]!) return "offsets out of order";
  const slots = new Uint32Array(buf.buffer, buf.byteOffset + at.slots, slotCount);
  let empty = 0;
  for (let s = 0; s < slotCount; s++) {
    if (slots[s]! > count) return "slot out of range";
    if (slots[s] === 0) empty++;
  }
  // A lookup probes until an empty slot; a table with none would never return.
  if (empty === 0) return "no empty slot";
  return {
    source,
    patStr: buf.subarray(at.pat, at.pat + patLen).toString("utf8"),
    offsets,
    slots,
    bytes: new Uint8Array(buf.buffer, buf.byteOffset + at.bytes, bytesLen),
  };
}
