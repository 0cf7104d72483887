/**
 * stdout and stderr can fail under us: a reader that stops early (`| head -n 2`) closes the pipe
 * (EPIPE), a full disk refuses the bytes (ENOSPC). Node reports both as an 'error' event that,
 * unhandled, kills the process with a stack trace in the middle of a turn, before the answer is
 * stored. Here they are recorded instead: the turn runs to its end (so the conversation is kept),
 * later writes are dropped, and the exit code says what happened.
 */

/** 128 + SIGPIPE, what a shell reports for a program whose reader went away (`yes | head`). */
export const EXIT_CLOSED_STDOUT = 141;

type Name = "stdout" | "stderr";
const failures = new Map<Name, NodeJS.ErrnoException>();
let guarded = false;

export function guardStdStreams(): void {
  if (guarded) return;
  guarded = true;
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (!failures.has(name)) failures.set(name, err);
    });
  }
}

/** True once stdout's reader has gone or it refused a write: nothing more will arrive there. */
export function stdoutBroken(): boolean {
  return failures.has("stdout");
}

/** Wait until what was written so far is handed to the OS (or failed), so failures are known before exit. */
export async function flushStdStreams(): Promise<void> {
  const flush = (s: NodeJS.WriteStream) =>
    new Promise<void>((resolve) => {
      if (s.destroyed || s.writableEnded) return resolve();
      s.write("", () => resolve());
    });
  await flush(process.stdout);
  await flush(process.stderr);
}

/**
 * The exit code once output problems are counted: a closed stdout ends a successful run with 141;
 * any other failure to deliver output is a failed run (1), said on stderr while stderr still works.
 */
export function exitCodeAfterOutput(code: number): number {
  const out = failures.get("stdout");
  const err = failures.get("stderr");
  if (out && out.code !== "EPIPE") {
    if (!err) process.stderr.write(`letta-code: could not write the output to stdout: ${describe(out)}\n`);
    return code === 0 ? 1 : code;
  }
  if (err) return code === 0 ? 1 : code;
  if (out) return code === 0 ? EXIT_CLOSED_STDOUT : code;
  return code;
}

function describe(e: NodeJS.ErrnoException): string {
  if (e.code === "ENOSPC") return "no space left on the device (ENOSPC)";
  return e.code ? `${e.message.replace(/^\w+: /, "")} (${e.code})` : e.message;
}
