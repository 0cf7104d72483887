import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEachTest } from "./after-each.js";

const dirs: string[] = [];

/** A fresh temp directory, removed after the test. */
export function tempDir(prefix = "letta-test-"): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

// A CLI a test just stopped (a TUI in tmux) may still be writing its last files as it exits: retry
// the removal a little instead of failing the test on ENOTEMPTY.
afterEachTest("temp dirs", 3, () => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});
