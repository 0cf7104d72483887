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
let addon: string | object | undefined | null = null;
/** The search rooted at the package found no addon: its error names the package's folders. */
let notFound: unknown;

export function sqliteOptions(): { nativeBinding?: string } {
  if (addon === null) {
    addon = undefined;
    let pkg: string | undefined;
    try {
      pkg = createRequire(import.meta.url).resolve("better-sqlite3/package.json");
    } catch {
      // No package.json to resolve: better-sqlite3's own search runs and reports what it finds.
    }
    if (pkg !== undefined) {
      const file = join(dirname(pkg), "build", "Release", "better_sqlite3.node");
      try {
        // Elsewhere, the search better-sqlite3 itself would make, rooted at its own folder: in the CLI's
        // bundle its JavaScript is built in, and `bindings` would otherwise search from the bundle's
        // (and, finding nothing, list the bundle's folders as where it looked).
        addon = existsSync(file) ? file : (createRequire(pkg)("bindings") as (o: object) => object)({ bindings: "better_sqlite3.node", module_root: dirname(pkg) });
      } catch (err) {
        notFound = err;
      }
    }
  }
  if (notFound !== undefined) throw notFound;
  // @types/better-sqlite3 names only a path; better-sqlite3 takes the loaded addon as well.
  return addon ? { nativeBinding: addon as string } : {};
}
