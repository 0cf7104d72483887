/** Completion for `/commands` and `@paths` (relative to the project root). */
import { readdirSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { compareNames } from "../name-order.js";

export interface CommandInfo {
  name: string;
  description: string;
  usage?: string;
}

/** Commands matching what is typed, while the input is just `/partial` (no space yet). */
export function slashMatches(value: string, commands: readonly CommandInfo[]): CommandInfo[] {
  const m = /^\/([\w:.-]*)$/.exec(value);
  if (!m) return [];
  const typed = m[1]!.toLowerCase();
  return commands.filter((c) => c.name.startsWith(typed));
}

export function commonPrefix(items: readonly string[]): string {
  if (items.length === 0) return "";
  let p = items[0]!;
  for (const s of items) while (!s.startsWith(p)) p = p.slice(0, -1);
  return p;
}

/** The `@partial` token that ends at the cursor, if any. */
export function atToken(value: string, cursor: number): { start: number; partial: string } | null {
  const m = /(^|\s)@([^\s@]*)$/.exec(value.slice(0, cursor));
  if (!m) return null;
  return { start: cursor - m[2]!.length - 1, partial: m[2]! };
}

export interface PathCandidate {
  /** Path relative to the root, with a trailing `/` for directories. */
  path: string;
  dir: boolean;
}

const SKIP = new Set([".git", "node_modules", ".letta"]);

/** Entries of the partial's directory whose names start with its last segment. */
export function completePath(root: string, partial: string, limit = 50): PathCandidate[] {
  const slash = partial.lastIndexOf("/");
  const dirPart = slash >= 0 ? partial.slice(0, slash + 1) : "";
  const base = slash >= 0 ? partial.slice(slash + 1) : partial;
  const dir = resolve(root, dirPart || ".");
  const rel = relative(root, dir);
  if (rel.startsWith("..") || isAbsolute(rel)) return []; // stay inside the project
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  const pick = (caseSensitive: boolean) =>
    entries.filter((e) => {
      if (e.name.startsWith(".") && !base.startsWith(".")) return false;
      if (SKIP.has(e.name) && !base) return false;
      return caseSensitive ? e.name.startsWith(base) : e.name.toLowerCase().startsWith(base.toLowerCase());
    });
  let found = pick(true);
  if (found.length === 0) found = pick(false);
  return found
    .map((e) => {
      const isDir = e.isDirectory() || (e.isSymbolicLink() && isDirSafe(join(dir, e.name)));
      return { path: dirPart + e.name + (isDir ? "/" : ""), dir: isDir };
    })
    .sort((a, b) => compareNames(a.path, b.path))
    .slice(0, limit);
}

function isDirSafe(p: string): boolean {
  try {
    readdirSync(p);
    return true;
  } catch {
    return false;
  }
}
