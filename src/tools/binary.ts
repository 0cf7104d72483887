import { formatBytes } from "./output-cap.js";
import { looksBinary } from "./files.js";

/** Leading bytes of common binary formats, for a one-word guess of what the bytes are. */
const MAGIC: [string, number[]][] = [
  ["PNG image", [0x89, 0x50, 0x4e, 0x47]],
  ["JPEG image", [0xff, 0xd8, 0xff]],
  ["GIF image", [0x47, 0x49, 0x46, 0x38]],
  ["PDF document", [0x25, 0x50, 0x44, 0x46]],
  ["zip archive", [0x50, 0x4b, 0x03, 0x04]],
  ["gzip data", [0x1f, 0x8b]],
  ["xz data", [0xfd, 0x37, 0x7a, 0x58, 0x5a]],
  ["zstd data", [0x28, 0xb5, 0x2f, 0xfd]],
  ["bzip2 data", [0x42, 0x5a, 0x68]],
  ["ELF executable", [0x7f, 0x45, 0x4c, 0x46]],
  ["WebAssembly module", [0x00, 0x61, 0x73, 0x6d]],
  ["SQLite database", [0x53, 0x51, 0x4c, 0x69, 0x74, 0x65, 0x20, 0x66]],
];

/** What binary bytes probably are, from their first bytes: "PNG image", "all NUL bytes", "binary data". */
export function guessBinaryType(sample: Buffer): string {
  for (const [name, magic] of MAGIC) if (magic.every((b, i) => sample[i] === b)) return name;
  if (sample.length >= 262 && sample.subarray(257, 262).toString("latin1") === "ustar") return "tar archive";
  if (sample.length > 0 && sample.every((b) => b === 0)) return "all NUL bytes";
  // UTF-16 text has a NUL in every other byte: still text to a person, not to us.
  if (sample.length >= 4 && ((sample[0] === 0xff && sample[1] === 0xfe) || (sample[0] === 0xfe && sample[1] === 0xff))) {
    return "UTF-16 text";
  }
  return "binary data";
}

/** A short description in place of binary bytes: size and a guess of the type. */
export function describeBinary(sample: Buffer, size: number): string {
  return `${formatBytes(size)}, looks like ${guessBinaryType(sample)}`;
}

const SAMPLE_BYTES = 8192;

/**
 * The first and last bytes of a stream, raw: enough to tell binary output from text (decoding
 * first would turn invalid bytes into U+FFFD and hide them) without holding more than 16 KB.
 */
export class OutputSniffer {
  private first: Buffer[] = [];
  private firstLen = 0;
  /** The latest chunks, at least SAMPLE_BYTES of them once that much came; joined only when asked. */
  private last: Buffer[] = [];
  private lastLen = 0;
  private opening?: boolean;
  totalBytes = 0;

  push(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    if (this.firstLen < SAMPLE_BYTES) {
      const take = Buffer.from(chunk.subarray(0, SAMPLE_BYTES - this.firstLen));
      this.first.push(take);
      this.firstLen += take.length;
    }
    this.opening ??= looksBinary(chunk.subarray(0, SAMPLE_BYTES));
    this.last.push(chunk);
    this.lastLen += chunk.length;
    while (this.last.length > 1 && this.lastLen - this.last[0]!.length >= SAMPLE_BYTES) this.lastLen -= this.last.shift()!.length;
  }

  /** Decided on the first chunk, cheap enough to ask on every chunk: whether to stream the output live. */
  startsBinary(): boolean {
    return this.opening === true;
  }

  /** The opening bytes, for guessing a type. */
  sample(): Buffer {
    return Buffer.concat(this.first);
  }

  /** Either end looks binary (a NUL, mostly control bytes), by read_file's own test. */
  isBinary(): boolean {
    const end = Buffer.concat(this.last);
    return looksBinary(this.sample()) || looksBinary(end.subarray(Math.max(0, end.length - SAMPLE_BYTES)));
  }
}
