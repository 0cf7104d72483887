import * as fs from "node:fs";
import * as path from "node:path";
import { ALWAYS_SKIPPED, GitIgnoreMatcher } from "../tools/walk.js";
import { LETTA_DIR } from "../config/project.js";

export interface FileStat {
  size: number;
  mtimeMs: number;
}

/** Directories a snapshot never enters: letta-code's own store, git's, and dependency trees. */
const SKIPPED = new Set([...ALWAYS_SKIPPED, LETTA_DIR]);

/**
 * The project's non-ignored regular files with size and mtime, by project-relative POSIX path.
 * Synchronous on purpose: it runs between approval and a shell command, where nothing else waits.
 */
export function scanProject(root: string): Map<string, FileStat> {
  const out = new Map<string, FileStat>();
  const matcher = new GitIgnoreMatcher(root);
  const walk = (relDir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(relDir ? path.join(root, relDir) : root, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (SKIPPED.has(e.name)) continue;
      const rel = relDir ? `${relDir}/${e.name}` : e.name;
      // Symlinks are not followed: restoring through one could write outside the project.
      if (e.isDirectory()) {
        if (!matcher.matchesEntry(rel, true)) walk(rel);
      } else if (e.isFile() && !matcher.matchesEntry(rel, false)) {
        try {
          const st = fs.statSync(path.join(root, rel));
          out.set(rel, { size: st.size, mtimeMs: st.mtimeMs });
        } catch {
          // Vanished between readdir and stat.
        }
      }
    }
  };
  walk("");
  return out;
}
