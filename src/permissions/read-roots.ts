import * as os from "node:os";
import * as path from "node:path";
import { isInside, realpathLoose, resolveInProject } from "./paths.js";

/**
 * Project confinement for reads, widened to a few extra folders (a user-level skill's folder).
 * Both the path as written and its real target must lie inside one of them, so a symlink in a
 * skill cannot reach the rest of the disk. Writes never come here: they stay confined to the project.
 */
export function resolveForRead(projectRoot: string, userPath: string, extraRoots: readonly string[] = []): string {
  try {
    return resolveInProject(projectRoot, userPath, { forWrite: false });
  } catch (err) {
    if (!extraRoots.length || typeof userPath !== "string" || userPath.includes("\0")) throw err;
    let p = userPath;
    if (p === "~" || p.startsWith("~/")) p = path.join(os.homedir(), p.slice(1));
    if (!path.isAbsolute(p)) throw err;
    const lexical = path.resolve(p);
    const real = realpathLoose(lexical);
    const ok = extraRoots.some((root) => isInside(root, real) && (isInside(root, lexical) || isInside(realpathLoose(root), lexical)));
    if (!ok) throw err;
    return real;
  }
}
