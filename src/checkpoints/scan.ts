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

const stamp = (file: string): string => {
  try {
    const st = fs.statSync(file);
    return `${st.size}:${st.mtimeMs}`;
  } catch {
    return "missing";
  }
};

/**
 * The project's non-ignored regular files with size and mtime, by project-relative POSIX path.
 * Synchronous on purpose: it runs between approval and a shell command, where nothing else waits.
 * Ignore decisions are remembered between scans while no ignore file changed: matching every
 * path against gitignore rules costs more than the walk itself.
 */
export class ProjectScanner {
  private decisions = new Map<string, boolean>();
  /** The ignore files seen by the last scan, with their size:mtime. */
  private ignoreFiles = new Map<string, string>();

  constructor(private root: string) {}

  scan(): Map<string, FileStat> {
    const reuse = this.ignoreFiles.size > 0 && [...this.ignoreFiles].every(([f, s]) => stamp(path.join(this.root, f)) === s);
    if (!reuse) this.decisions.clear();
    const result = this.walk(reuse);
    // A new ignore file turned up: the remembered decisions may be wrong, so decide afresh.
    return result ?? this.walk(false)!;
  }

  private walk(reuse: boolean): Map<string, FileStat> | null {
    if (!reuse) this.decisions.clear();
    const out = new Map<string, FileStat>();
    const seen = new Map<string, string>([[".git/info/exclude", stamp(path.join(this.root, ".git", "info", "exclude"))]]);
    const matcher = new GitIgnoreMatcher(this.root);
    const ignored = (rel: string, isDir: boolean) => {
      const key = isDir ? `${rel}/` : rel;
      let v = this.decisions.get(key);
      if (v === undefined) this.decisions.set(key, (v = matcher.matchesEntry(rel, isDir)));
      return v;
    };
    const visit = (relDir: string): boolean => {
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(relDir ? path.join(this.root, relDir) : this.root, { withFileTypes: true });
      } catch {
        return true;
      }
      for (const e of entries) {
        if (SKIPPED.has(e.name)) continue;
        const rel = relDir ? `${relDir}/${e.name}` : e.name;
        if (e.name === ".gitignore") {
          if (reuse && !this.ignoreFiles.has(rel)) return false;
          seen.set(rel, stamp(path.join(this.root, rel)));
        }
        // Symlinks are not followed: restoring through one could write outside the project.
        if (e.isDirectory()) {
          if (!ignored(rel, true) && !visit(rel)) return false;
        } else if (e.isFile() && !ignored(rel, false)) {
          try {
            const st = fs.statSync(path.join(this.root, rel));
            out.set(rel, { size: st.size, mtimeMs: st.mtimeMs });
          } catch {
            // Vanished between readdir and stat.
          }
        }
      }
      return true;
    };
    if (!visit("")) return null;
    this.ignoreFiles = seen;
    return out;
  }
}

export function scanProject(root: string): Map<string, FileStat> {
  return new ProjectScanner(root).scan();
}
