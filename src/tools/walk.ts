import * as fs from "node:fs";
import * as path from "node:path";
import ignore from "ignore";
import type { FileSystemAdapter } from "tinyglobby";
import { ToolError } from "./types.js";

type Ignore = ignore.Ignore;

/** Never useful to an agent and usually huge: skipped whatever the ignore files say. */
export const ALWAYS_SKIPPED = new Set([".git", "node_modules"]);

/**
 * Git's ignore semantics across nested .gitignore files: each directory's file applies to paths
 * below it, deeper files override shallower ones (negations included), and once a directory is
 * ignored nothing under it comes back. Files are loaded lazily and cached per walk.
 */
export class GitIgnoreMatcher {
  private readonly perDir = new Map<string, Ignore | null>();
  private readonly dirIgnored = new Map<string, boolean>();

  constructor(private readonly root: string) {}

  private rulesFor(relDir: string): Ignore | null {
    const cached = this.perDir.get(relDir);
    if (cached !== undefined) return cached;
    // Git on Linux matches ignore patterns case-sensitively; the library defaults to insensitive.
    const ig = ignore({ ignorecase: false });
    let found = false;
    const files = [path.join(this.root, relDir, ".gitignore")];
    if (relDir === "") files.push(path.join(this.root, ".git", "info", "exclude"));
    for (const file of files) {
      try {
        ig.add(fs.readFileSync(file, "utf8"));
        found = true;
      } catch {
        // No ignore file here: the common case.
      }
    }
    const result = found ? ig : null;
    this.perDir.set(relDir, result);
    return result;
  }

  /** Whether this entry itself is matched by the rules, assuming its parent directories are not ignored. */
  matchesEntry(rel: string, isDir: boolean): boolean {
    const parts = rel.split("/");
    let ignored = false;
    for (let depth = 0; depth < parts.length; depth++) {
      const rules = this.rulesFor(parts.slice(0, depth).join("/"));
      if (!rules) continue;
      const res = rules.test(parts.slice(depth).join("/") + (isDir ? "/" : ""));
      if (res.ignored) ignored = true;
      else if (res.unignored) ignored = false;
    }
    return ignored;
  }

  /**
   * `rel` is a project-relative POSIX path. Only directories below `below` (a directory the user
   * asked for explicitly) can make it ignored.
   */
  isIgnored(rel: string, isDir: boolean, below = ""): boolean {
    if (rel === "" || rel === ".") return false;
    const parts = rel.split("/");
    const start = below === "" ? 0 : below.split("/").length;
    if (parts.slice(start).some((p) => ALWAYS_SKIPPED.has(p))) return true;
    for (let i = start + 1; i < parts.length; i++) {
      if (this.isDirIgnored(parts.slice(0, i).join("/"))) return true;
    }
    return this.matchesEntry(rel, isDir);
  }

  private isDirIgnored(relDir: string): boolean {
    let v = this.dirIgnored.get(relDir);
    if (v === undefined) {
      v = this.matchesEntry(relDir, true);
      this.dirIgnored.set(relDir, v);
    }
    return v;
  }
}

export interface WalkOptions {
  /** Glob relative to `base`; default every file. */
  pattern?: string;
  /** Absolute directory to search from (already confined to the project). Default: the root. */
  base?: string;
  signal?: AbortSignal;
}

/** Reject globs that could climb out of the search directory. */
export function checkPattern(pattern: string): void {
  if (path.isAbsolute(pattern) || pattern.split("/").includes("..")) {
    throw new ToolError(
      `Invalid glob "${pattern}": patterns are relative to the search path and may not contain ".." or start with "/"; use the path argument to choose the directory`,
    );
  }
}

/**
 * Files under `base` matching `pattern`, gitignore-aware, as sorted project-relative POSIX paths.
 * Ignored directories are pruned while crawling (through tinyglobby's fs hook), so a large ignored
 * build output is never read.
 */
export async function walkFiles(projectRoot: string, opts: WalkOptions = {}): Promise<string[]> {
  const root = fs.realpathSync(projectRoot);
  const base = opts.base ?? root;
  const pattern = opts.pattern?.trim() || "**/*";
  checkPattern(pattern);
  const matcher = new GitIgnoreMatcher(root);
  // The explicitly requested directory is searched even if it is ignored (as ripgrep does with paths).
  const baseRel = toPosix(path.relative(root, base));
  const belowBase = (rel: string) => baseRel === "" || rel.startsWith(baseRel + "/");

  const adapter: FileSystemAdapter = {
    readdir: ((dir: string, _options: unknown, cb: (err: NodeJS.ErrnoException | null, entries: fs.Dirent[]) => void) => {
      fs.readdir(dir, { withFileTypes: true }, (err, entries) => {
        if (err) return cb(err, []);
        const relDir = toPosix(path.relative(root, dir));
        const kept = entries.filter((e) => {
          if (ALWAYS_SKIPPED.has(e.name)) return false;
          const rel = relDir === "" ? e.name : `${relDir}/${e.name}`;
          // Parents were pruned already, so only the entry's own match matters here.
          return !belowBase(rel) || !matcher.matchesEntry(rel, e.isDirectory());
        });
        cb(null, kept);
      });
    }) as unknown as FileSystemAdapter["readdir"],
  };

  const { glob } = await import("tinyglobby");
  const found = await glob(pattern, {
    cwd: base,
    dot: true,
    onlyFiles: true,
    followSymbolicLinks: false,
    ignore: ["**/.git/**", "**/node_modules/**"],
    fs: adapter,
    signal: opts.signal,
  });
  const out: string[] = [];
  for (const f of found) {
    const rel = toPosix(path.relative(root, path.join(base, f)));
    if (rel.startsWith("../")) continue;
    // tinyglobby may start crawling below base (e.g. at src/ for "src/**"), skipping our readdir filter there.
    if (matcher.isIgnored(rel, false, baseRel)) continue;
    out.push(rel);
  }
  return out.sort();
}

export function toPosix(p: string): string {
  return path.sep === "/" ? p : p.split(path.sep).join("/");
}
