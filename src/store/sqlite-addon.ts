import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/**
 * The options every `new Database(...)` here passes: the path of better-sqlite3's native addon, where
 * `npm install` builds or downloads it (require caches the loaded addon). Without it better-sqlite3 asks the `bindings` package,
 * which walks a dozen candidate paths (each a failed require) and builds a stack trace to find its
 * root — on every process start, before the first query. An install that put the addon elsewhere
 * gets the default search, as before.
 */
let addon: string | undefined | null = null;

export function sqliteOptions(): { nativeBinding?: string } {
  if (addon === null) {
    addon = undefined;
    try {
      const file = join(dirname(createRequire(import.meta.url).resolve("better-sqlite3/package.json")), "build", "Release", "better_sqlite3.node");
      if (existsSync(file)) addon = file;
    } catch {
      // No package.json to resolve: better-sqlite3's own search runs and reports what it finds.
    }
  }
  return addon ? { nativeBinding: addon } : {};
}
