import { crypto } from "../lazy-builtins.js";
import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Write a file whole or not at all: a temporary file beside it, then a rename. The temporary name
 * is random and created exclusively (O_EXCL does not follow a symlink), because the folder may hold
 * files a repository planted: `.letta/` is committed with the project, and `<file>.<pid>.tmp` is
 * easy to guess, so a link there would otherwise redirect the write to any file the user can change.
 * The rename replaces a symlink at `file` itself rather than writing through it.
 */
export function writeFileAtomic(file: string, data: string, mode?: number): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${crypto().randomBytes(6).toString("hex")}.tmp`);
  writeFileSync(tmp, data, { flag: "wx", ...(mode !== undefined ? { mode } : {}) });
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
