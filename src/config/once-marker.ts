import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * True the first time `name` is asked about on this machine (a marker file in the user's cache dir),
 * false after: for a notice worth saying once, not on every command. An unwritable cache dir
 * answers true, so a notice is repeated rather than lost.
 */
export function firstOnThisMachine(cacheDir: string, name: string): boolean {
  try {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(join(cacheDir, name), `${new Date().toISOString()}\n`, { flag: "wx" });
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== "EEXIST";
  }
}
