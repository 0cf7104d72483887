import * as os from "node:os";
import * as path from "node:path";
import { isInside, realpathLoose, resolveInProject, type ResolveOptions } from "./paths.js";

/**
 * The project, widened by the user's `--add-dir` folders: a path outside the project is accepted when
 * it lies in one of them, under that folder's own confinement (symlink escapes, its `.git` and
 * `.letta`, letta-code's user state), exactly as the project's. A path inside the project is the
 * project's alone, so adding a folder never loosens a refusal there.
 */
export function resolveInWorkspace(projectRoot: string, userPath: string, opts: ResolveOptions, addDirs: readonly string[] = []): string {
  try {
    return resolveInProject(projectRoot, userPath, opts);
  } catch (err) {
    if (!addDirs.length || typeof userPath !== "string" || userPath.includes("\0")) throw err;
    let p = userPath;
    if (p === "~" || p.startsWith("~/")) p = path.join(os.homedir(), p.slice(1));
    const abs = path.resolve(path.resolve(projectRoot), p);
    if (isInside(path.resolve(projectRoot), abs)) throw err;
    for (const dir of addDirs) {
      if (!isInside(dir, abs)) continue;
      const real = resolveInProject(dir, abs, opts);
      // A folder that contains the project (or another added one) reaches it through a link of its
      // own too (`--add-dir ..`, then `../link/.letta/config.local.json`): what the path lands in
      // keeps that root's own refusals (its .letta, its .git), not only the wider folder's.
      for (const inner of [projectRoot, ...addDirs]) if (inner !== dir && isInside(realpathLoose(inner), real)) resolveInProject(inner, real, opts);
      return real;
    }
    throw err;
  }
}
