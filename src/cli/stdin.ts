/** Piped input is accepted up to this size; beyond it the run stops with a clear message. */
export const MAX_STDIN_BYTES = 8 * 1024 * 1024;
/** An open pipe that never sends anything (editors, CI runners) must not hang the run. */
export const FIRST_BYTE_WAIT_MS = Number(process.env.LETTA_CODE_STDIN_WAIT_MS ?? 1000);

export class StdinTooLargeError extends Error {}

/**
 * Read piped stdin: wait briefly for a first byte, then read to the end. Returns "" when stdin
 * is a terminal or stays silent.
 */
export async function readPipedStdin(stream: NodeJS.ReadStream = process.stdin): Promise<string> {
  if (stream.isTTY) return "";
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let gotData = false;
    const timer = setTimeout(() => {
      if (!gotData) finish("");
    }, FIRST_BYTE_WAIT_MS);
    const finish = (value: string | Error) => {
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
    const onEnd = () => finish(Buffer.concat(chunks).toString("utf8"));
    const onError = (err: Error) => finish(err);
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
  });
}
