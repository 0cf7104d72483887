import * as fs from "node:fs";
import { VectorIndex } from "./vector-index.js";
import { FileRows, rowBytesFor, writeRow } from "./vector-rows.js";
import { zlib } from "../lazy-builtins.js";

/**
 * A vector index saved beside the database, so a new process does not decode every stored vector again
 * (0.85–2 s at 100k). It is only a cache: the header names the table state it was built from, and
 * anything that does not match is ignored and rebuilt from the table.
 *
 * Layout: "LCVIDX02", u32 header length, u32 crc32 of the front (header to row checksums), the header
 * (JSON, padded to 8 bytes), ids (f64), centre (f32), sign codes (u32), one crc32 per row (u32), each
 * 8-byte aligned; then the rows (vector-rows.ts). A new process reads and checks only the front (~6 MB
 * at 100k); each row is checked against its crc when a search reads it.
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

const MAGIC = Buffer.from("LCVIDX02");
/** Rows written per block: a 100k index is not assembled in one buffer. */
const BLOCK_ROWS = 2048;

const pad8 = (n: number) => (n + 7) & ~7;

function frontSizes(h: Pick<Header, "dim" | "count">): number[] {
  const words = Math.ceil(h.dim / 32);
  return [h.count * 8, h.dim * 4, h.count * words * 4, h.count * 4].map(pad8);
}

/** Write to a temporary name, then rename: a crash mid-write leaves the old file or none, never half of one. */
export function saveIndexFile(file: string, index: VectorIndex, key: IndexKey): void {
  const p = index.toParts();
  const header: Header = { ...key, dim: p.dim, count: p.count, minCandidates: p.minCandidates, centerBasis: p.centerBasis };
  const json = Buffer.from(JSON.stringify(header));
  const headerBytes = Buffer.alloc(pad8(json.length));
  json.copy(headerBytes);
  const rowBytes = rowBytesFor(p.dim);
  const crcs = new Uint32Array(p.count);
  const sections = [headerBytes, ...[p.ids, p.center, p.codes, crcs].map((a) => padded(Buffer.from(a.buffer, a.byteOffset, a.byteLength)))];
  const rowsAt = 16 + sections.reduce((n, b) => n + b.length, 0);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    const fd = fs.openSync(tmp, "w", 0o600);
    try {
      // Rows first, so their checksums are known when the front is written.
      const block = Buffer.alloc(BLOCK_ROWS * rowBytes);
      for (let s = 0; s < p.count; s += BLOCK_ROWS) {
        const n = Math.min(BLOCK_ROWS, p.count - s);
        for (let i = 0; i < n; i++) {
          const { scale, row } = p.row(s + i);
          writeRow(block, i * rowBytes, p.ids[s + i], scale, row);
          crcs[s + i] = zlib().crc32(block.subarray(i * rowBytes, (i + 1) * rowBytes));
        }
        writeAll(fd, block.subarray(0, n * rowBytes), rowsAt + s * rowBytes);
      }
      // The crc section was made from `crcs` before they were filled: take it again.
      sections[4] = padded(Buffer.from(crcs.buffer, crcs.byteOffset, crcs.byteLength));
      let crc = 0;
      for (const part of sections) crc = zlib().crc32(part, crc);
      const prefix = Buffer.alloc(16);
      MAGIC.copy(prefix);
      prefix.writeUInt32LE(json.length, 8);
      prefix.writeUInt32LE(crc, 12);
      writeAll(fd, Buffer.concat([prefix, ...sections]), 0);
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

/** A write may take less than asked (large buffers): keep going until every byte is out. */
function writeAll(fd: number, part: Buffer, position: number): void {
  let done = 0;
  while (done < part.length) done += fs.writeSync(fd, part, done, part.length - done, position + done);
}

function padded(b: Buffer): Buffer {
  const size = pad8(b.length);
  if (size === b.length) return b;
  const out = Buffer.alloc(size);
  b.copy(out);
  return out;
}

function readExactly(fd: number, length: number, position: number): Buffer | null {
  // Its own ArrayBuffer at offset 0: the typed-array views over it need aligned offsets.
  const buf = Buffer.allocUnsafeSlow(length);
  return readInto(fd, buf, position) ? buf : null;
}

/**
 * The saved index when the file is whole and was built from `expect`'s table state (same agent, model and
 * mutation counter, and `count` rows at or below its max id, as the caller found in the table); else null.
 * The index keeps the file open and reads its rows from there (close() lets go).
 */
export function loadIndexFile(file: string, expect: Omit<IndexKey, "maxId">, rowsThrough: (maxId: number) => number): { index: VectorIndex; maxId: number } | null {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return null;
  }
  let keep = false;
  try {
    const found = readFront(fd, expect, rowsThrough);
    if (!found) return null;
    const { h, head, codes, crcs, rowsAt } = found;
    const ids = new Float64Array(head.buffer, head.byteOffset + found.headerEnd, h.count);
    const center = new Float32Array(head.buffer, head.byteOffset + found.headerEnd + frontSizes(h)[0], h.dim);
    const rows = new FileRows(fd, rowsAt, h.dim, ids, crcs);
    const index = VectorIndex.fromFile({ dim: h.dim, count: h.count, minCandidates: h.minCandidates, centerBasis: h.centerBasis, ids, center }, codes, rows, h.maxId);
    keep = true;
    return { index, maxId: h.maxId };
  } catch {
    return null;
  } finally {
    if (!keep) fs.closeSync(fd);
  }
}

/**
 * The checked front of the file, or null when anything about it is off: the header, ids and centre in
 * one buffer, the sign codes read straight into the store the index scans them in, the row checksums.
 */
function readFront(fd: number, expect: Omit<IndexKey, "maxId">, rowsThrough: (maxId: number) => number) {
  const fileSize = fs.fstatSync(fd).size;
  const prefix = fileSize >= 16 ? readExactly(fd, 16, 0) : null;
  if (!prefix || !prefix.subarray(0, 8).equals(MAGIC)) return null;
  const jsonLength = prefix.readUInt32LE(8);
  const headerEnd = 16 + pad8(jsonLength);
  if (headerEnd > fileSize) return null;
  let h: Header;
  try {
    h = JSON.parse(readExactly(fd, jsonLength, 16)?.toString("utf8") ?? "") as Header;
  } catch {
    return null;
  }
  if (h.agentId !== expect.agentId || h.model !== expect.model || h.mutations !== expect.mutations) return null;
  if (![h.dim, h.count, h.maxId, h.minCandidates, h.centerBasis].every((n) => Number.isSafeInteger(n) && n >= 0) || h.dim === 0) return null;
  const sizes = frontSizes(h);
  const codesAt = headerEnd + sizes[0] + sizes[1];
  const crcsAt = codesAt + sizes[2];
  const rowsAt = crcsAt + sizes[3];
  if (rowsAt + h.count * rowBytesFor(h.dim) !== fileSize) return null;
  // Rows may have been inserted since (they are added after loading), never removed or re-embedded.
  if (rowsThrough(h.maxId) !== h.count) return null;
  const head = readExactly(fd, codesAt, 0);
  const codes = VectorIndex.codeStoreFor(h.dim, h.count);
  const codeBytes = new Uint8Array(codes.codes.buffer, codes.codes.byteOffset, h.count * codes.words * 4);
  const codePad = readExactly(fd, sizes[2] - codeBytes.length, codesAt + codeBytes.length);
  const tail = readExactly(fd, sizes[3], crcsAt);
  if (!head || !codePad || !tail || !readInto(fd, codeBytes, codesAt)) return null;
  let crc = zlib().crc32(head.subarray(16));
  for (const part of [codeBytes, codePad, tail]) crc = zlib().crc32(part, crc);
  if (crc !== prefix.readUInt32LE(12)) return null;
  return { h, head, headerEnd, codes, crcs: new Uint32Array(tail.buffer, tail.byteOffset, h.count), rowsAt };
}

function readInto(fd: number, into: Uint8Array, position: number): boolean {
  let done = 0;
  while (done < into.length) {
    const n = fs.readSync(fd, into, done, into.length - done, position + done);
    if (n === 0) return false;
    done += n;
  }
  return true;
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
