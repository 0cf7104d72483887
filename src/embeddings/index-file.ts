import * as fs from "node:fs";
import { crc32 } from "node:zlib";
import { VectorIndex } from "./vector-index.js";

/**
 * A vector index saved beside the database, so a new process does not decode every stored vector again
 * (0.85–2 s at 100k). It is only a cache: the header names the table state it was built from and a
 * checksum covers every byte, and anything that does not match is ignored and rebuilt from the table.
 *
 * Layout: "LCVIDX01", u32 header length, u32 crc32 of everything after these 16 bytes, the header (JSON,
 * padded to 8 bytes), then ids (f64), centre (f32), sign codes (u32), vectors (f32), each 8-byte aligned.
 */
export interface IndexKey {
  agentId: string;
  model: string;
  /** The passages table's delete/re-embed counter when the index was saved. */
  mutations: number;
  /** Highest passage id in the index: rows above it are added from the table after loading. */
  maxId: number;
}

interface Header extends IndexKey {
  dim: number;
  count: number;
  minCandidates: number;
  centerBasis: number;
}

const MAGIC = Buffer.from("LCVIDX01");

const pad8 = (n: number) => (n + 7) & ~7;

/** Write to a temporary name, then rename: a crash mid-write leaves the old file or none, never half of one. */
export function saveIndexFile(file: string, index: VectorIndex, key: IndexKey): void {
  const p = index.toParts();
  const header: Header = { ...key, dim: p.dim, count: p.count, minCandidates: p.minCandidates, centerBasis: p.centerBasis };
  const json = Buffer.from(JSON.stringify(header));
  const headerBytes = Buffer.alloc(pad8(json.length));
  json.copy(headerBytes);
  const sections = [headerBytes, ...[p.ids, p.center, p.codes, p.vectors].map((a) => padded(Buffer.from(a.buffer, a.byteOffset, a.byteLength)))];
  let crc = 0;
  for (const s of sections) crc = crc32(s, crc);
  const prefix = Buffer.alloc(16);
  MAGIC.copy(prefix);
  prefix.writeUInt32LE(json.length, 8);
  prefix.writeUInt32LE(crc, 12);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = fs.openSync(tmp, "w", 0o600);
    try {
      writeAll(fd, [prefix, ...sections]);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** writev may write less than asked (large buffers): keep going until every byte is out. */
function writeAll(fd: number, parts: Buffer[]): void {
  for (const part of parts) {
    let done = 0;
    while (done < part.length) done += fs.writeSync(fd, part, done, part.length - done);
  }
}

function padded(b: Buffer): Buffer {
  const size = pad8(b.length);
  if (size === b.length) return b;
  const out = Buffer.alloc(size);
  b.copy(out);
  return out;
}

/**
 * The saved index when the file is whole and was built from `expect`'s table state (same agent, model and
 * mutation counter, and `count` rows at or below its max id, as the caller found in the table); else null.
 */
export function loadIndexFile(file: string, expect: Omit<IndexKey, "maxId">, rowsThrough: (maxId: number) => number): { index: VectorIndex; maxId: number } | null {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch {
    return null;
  }
  if (buf.length < 16 || !buf.subarray(0, 8).equals(MAGIC)) return null;
  const jsonLength = buf.readUInt32LE(8);
  const headerEnd = 16 + pad8(jsonLength);
  if (headerEnd > buf.length) return null;
  let h: Header;
  try {
    h = JSON.parse(buf.subarray(16, 16 + jsonLength).toString("utf8")) as Header;
  } catch {
    return null;
  }
  if (h.agentId !== expect.agentId || h.model !== expect.model || h.mutations !== expect.mutations) return null;
  if (![h.dim, h.count, h.maxId, h.minCandidates, h.centerBasis].every((n) => Number.isSafeInteger(n) && n >= 0) || h.dim === 0) return null;
  const words = Math.ceil(h.dim / 32);
  const sizes = [h.count * 8, h.dim * 4, h.count * words * 4, h.count * h.dim * 4].map(pad8);
  if (headerEnd + sizes.reduce((a, b) => a + b, 0) !== buf.length) return null;
  if (crc32(buf.subarray(16)) !== buf.readUInt32LE(12)) return null;
  // Rows may have been inserted since (they are added after loading), never removed or re-embedded.
  if (rowsThrough(h.maxId) !== h.count) return null;
  // Typed-array views need aligned offsets; a pooled small Buffer may not start on one.
  const base = buf.byteOffset % 8 === 0 ? buf : Buffer.from(buf);
  let at = base.byteOffset + headerEnd;
  const take = <T>(make: (buffer: ArrayBufferLike, offset: number, length: number) => T, length: number, size: number): T => {
    const view = make(base.buffer, at, length);
    at += size;
    return view;
  };
  try {
    const index = VectorIndex.fromParts({
      dim: h.dim,
      count: h.count,
      minCandidates: h.minCandidates,
      centerBasis: h.centerBasis,
      ids: take((b, o, l) => new Float64Array(b, o, l), h.count, sizes[0]),
      center: take((b, o, l) => new Float32Array(b, o, l), h.dim, sizes[1]),
      codes: take((b, o, l) => new Uint32Array(b, o, l), h.count * words, sizes[2]),
      vectors: take((b, o, l) => new Float32Array(b, o, l), h.count * h.dim, sizes[3]),
    });
    return { index, maxId: h.maxId };
  } catch {
    return null;
  }
}

/** The archival memory's view of one saved file: what AgentArchivalMemory's `indexFile` dependency wants. */
export function archivalIndexFile(file: string) {
  return {
    load: (expect: Omit<IndexKey, "maxId">, rowsThrough: (maxId: number) => number) => loadIndexFile(file, expect, rowsThrough),
    save: (index: unknown, key: IndexKey) => {
      if (index instanceof VectorIndex) saveIndexFile(file, index, key);
    },
  };
}
