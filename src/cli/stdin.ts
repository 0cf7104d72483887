import { fstatSync, statSync } from "node:fs";
import { looksBinary } from "../tools/files.js";
import { describeBinary } from "../tools/binary.js";

/** Piped input is accepted up to this size; beyond it the run stops with a clear message. */
export const MAX_STDIN_BYTES = 8 * 1024 * 1024;
/** An open pipe that never sends anything (editors, CI runners) must not hang the run. */
export const FIRST_BYTE_WAIT_MS = Number(process.env.LETTA_CODE_STDIN_WAIT_MS ?? 1000);

export class StdinTooLargeError extends Error {}

/** Piped stdin as text, or, when it is binary (an image, a NUL-filled file), a description instead of the bytes. */
export interface PipedInput {
  text: string;
  /** Set for binary input: e.g. "2.1 MB, looks like PNG image". `text` is then empty. */
  binary?: string;
}

export async function readPipedInput(stream?: NodeJS.ReadStream): Promise<PipedInput> {
  // Scripts and CI often give `</dev/null`: nothing to read, and no stdin stream worth making (~3 ms).
  if (!stream && stdinIsDevNull()) return { text: "" };
  const bytes = await readPipedBytes(stream ?? process.stdin);
  // The same test read_file applies to files: decoded, binary bytes would reach the model as mojibake.
  const sample = bytes.subarray(0, 8192);
  if (looksBinary(sample)) return { text: "", binary: describeBinary(sample, bytes.length) };
  return { text: bytes.toString("utf8") };
}

function stdinIsDevNull(): boolean {
  try {
    const fd0 = fstatSync(0);
    const dev = statSync("/dev/null");
    return fd0.isCharacterDevice() && fd0.rdev === dev.rdev;
  } catch {
    return false; // no fd 0, or no /dev/null (Windows): read as before
  }
}

/**
 * Read piped stdin: wait briefly for a first byte, then read to the end. Returns nothing when stdin
 * is a terminal or stays silent.
 */
async function readPipedBytes(stream: NodeJS.ReadStream): Promise<Buffer> {
  if (stream.isTTY) return Buffer.alloc(0);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let gotData = false;
    const timer = setTimeout(() => {
      if (!gotData) finish(Buffer.alloc(0));
    }, FIRST_BYTE_WAIT_MS);
    const finish = (value: Buffer | Error) => {
      clearTimeout(timer);
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.pause();
      // A silent pipe may never close: stop holding the event loop open for it.
      (stream as unknown as { unref?: () => void }).unref?.();
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      gotData = true;
      size += chunk.length;
      if (size > MAX_STDIN_BYTES) {
        finish(
          new StdinTooLargeError(
            `Piped input is larger than ${MAX_STDIN_BYTES / 1024 / 1024} MB. Trim it first (e.g. tail -n 2000 file.log | letta-code -p ...).`,
          ),
        );
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish(Buffer.concat(chunks));
    const onError = (err: Error) => finish(err);
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
  });
}
