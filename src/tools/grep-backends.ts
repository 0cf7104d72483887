import { childProcess, crypto } from "../lazy-builtins.js";
import { HOST_GIT_ENV, hostGitArgs } from "./host-git.js";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ALWAYS_SKIPPED, toPosix } from "./walk.js";

/**
 * Native search programs for the grep tool: ripgrep when installed, else `git grep` inside a git
 * repository (both honour .gitignore). They find which files match and how many lines each; the tool
 * reads only the files it shows and re-matches those lines with the JavaScript regex, so output and
 * caps are the same whichever runs. Anything they could disagree on goes to the JS walker instead.
 */
export type GrepBackendName = "rg" | "git" | "js";

export interface NativeGrep {
  backend: Exclude<GrepBackendName, "js">;
  /**
   * The walker's list (project-relative POSIX paths, sorted), except that git's may still hold tracked files
   * deleted from the working tree: they are never read or counted, only left out of `fileCount`.
   */
  files: string[];
  /** How many files the search covered, as the walker would count them (asked only when nothing matched). */
  fileCount: () => Promise<number>;
  /** Matching lines per file, for files the native program searched and found at least one in. */
  counts: Map<string, number>;
  /**
   * Listed files the native program did not search as the tool would (over 1 MB, binary by ripgrep's own
   * rule): the tool examines these itself, so the large-file note and binary skip follow its rules.
   */
  unsearched: Set<string>;
}

export interface NativeGrepRequest {
  root: string;
  /** Bytes above which a file is not searched. */
  maxFileBytes: number;
  /** Project-relative directory ("" for the root). */
  baseRel: string;
  /** Glob relative to the base, already "**"-prefixed when bare. */
  glob?: string;
  pattern: string;
  ignoreCase: boolean;
  signal: AbortSignal;
}

/** Output of a search over a whole large tree (paths and counts only). */
const MAX_OUTPUT = 64 * 1024 * 1024;

let rgState: boolean | undefined;
function hasRipgrep(): boolean {
  // PCRE2 is what makes its regexes mean what JavaScript's do (\d, \w, \b ASCII; lookaround; backreferences).
  rgState ??= childProcess().spawnSync("rg", ["--pcre2-version"], { stdio: "ignore" }).status === 0;
  return rgState;
}

const WORD = "A-Za-z0-9_";
const SPACE = "\\t\\n\\v\\f\\r ";
const OUTSIDE: Record<string, string> = {
  d: "[0-9]",
  D: "[^0-9]",
  w: `[${WORD}]`,
  W: `[^${WORD}]`,
  s: `[${SPACE}]`,
  S: `[^${SPACE}]`,
  b: `(?:(?<![${WORD}])(?=[${WORD}])|(?<=[${WORD}])(?![${WORD}]))`,
  B: `(?:(?<=[${WORD}])(?=[${WORD}])|(?<![${WORD}])(?![${WORD}]))`,
};
const INSIDE: Record<string, string> = { d: "0-9", w: WORD, s: SPACE };

/**
 * The pattern in PCRE2 syntax with JavaScript's meaning (non-u mode): PCRE2 in UTF mode makes \d, \w, \s
 * and \b Unicode-aware, so they are spelled out as the ASCII classes JavaScript uses. Null when the two
 * could still disagree: non-ASCII text (case folding), JS-only escapes (\u, \p without u, \c), a negated
 * class shorthand inside brackets, an empty pattern.
 */
export function toPcre(pattern: string): string | null {
  return translate(pattern, "pcre");
}

/**
 * The same for ripgrep's default engine (Rust's regex: several times faster than its PCRE2 here): no
 * lookaround or backreferences, so \b is its ASCII word boundary and a trailing \r is allowed before $.
 * Null when the pattern needs what Rust's regex lacks.
 */
export function toRustRegex(pattern: string): string | null {
  if (/\(\?<?[=!]|\(\?<|\\[1-9]/.test(pattern)) return null;
  return translate(pattern, "rust");
}

function translate(pattern: string, dialect: "pcre" | "rust"): string | null {
  if (pattern === "" || /[^\x20-\x7e\t]/.test(pattern)) return null;
  let out = "";
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const n = pattern[i + 1];
      if (n === undefined || "upPckx0".includes(n)) return null;
      i++;
      if (inClass) {
        if (n in INSIDE) out += INSIDE[n];
        else if ("DWS".includes(n)) return null;
        else out += `\\${n}`;
      } else if (dialect === "rust" && (n === "b" || n === "B")) out += `(?-u:\\${n})`;
      else out += OUTSIDE[n] ?? `\\${n}`;
      continue;
    }
    // JS matches lines with a trailing \r removed; git grep and rg see it before the end of the line.
    if (!inClass && c === "$") {
      out += dialect === "rust" ? "\\r?$" : "(?=\\r?$)";
      continue;
    }
    if (inClass && c === "]") inClass = false;
    else if (!inClass && c === "[") {
      inClass = true;
      out += c;
      // "[]" and "[^]" mean different things in JS and PCRE.
      if (pattern[i + 1] === "]" || (pattern[i + 1] === "^" && pattern[i + 2] === "]")) return null;
      continue;
    }
    out += c;
  }
  return out;
}

/**
 * Runs a search program with its output in an unlinked temporary file, not a pipe: thousands of small writes
 * (one per file searched) into a pipe each wake this process, which on two cores costs about as much CPU as
 * the search itself. Null when it could not run, was stopped, or printed more than MAX_OUTPUT.
 */
function run(cmd: string, args: string[], cwd: string, signal: AbortSignal, env?: Record<string, string>): Promise<{ code: number; out: string } | null> {
  let fd: number;
  const file = path.join(os.tmpdir(), `letta-grep-${process.pid}-${crypto().randomBytes(6).toString("hex")}`);
  try {
    fd = fs.openSync(file, "wx+", 0o600);
  } catch {
    return Promise.resolve(null);
  }
  const unlinked = tryUnlink(file);
  return new Promise((resolve) => {
    let settled = false;
    const done = (r: { code: number; out: string } | null) => {
      if (settled) return;
      settled = true;
      fs.closeSync(fd);
      if (!unlinked) tryUnlink(file);
      resolve(r);
    };
    const child = childProcess().spawn(cmd, args, { cwd, signal, stdio: ["ignore", fd, "ignore"], ...(env ? { env: { ...process.env, ...env } } : {}) });
    // A missing program or an abort ('close' may follow; the first settles it).
    child.on("error", () => done(null));
    child.on("close", (code) => {
      if (settled || code === null) return done(null);
      const size = fs.fstatSync(fd).size;
      if (size > MAX_OUTPUT) return done(null);
      const buf = Buffer.allocUnsafe(size);
      let got = 0;
      while (got < size) {
        const n = fs.readSync(fd, buf, got, size - got, got);
        if (n === 0) break;
        got += n;
      }
      done({ code, out: buf.toString("utf8", 0, got) });
    });
  });
}

/** Unlinking an open file fails on Windows: there it is removed once closed. */
function tryUnlink(file: string): boolean {
  try {
    fs.unlinkSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Threads for the search itself: a core is left to the listing that runs beside it. Both programs default to
 * one per core; on two cores the extra threads mostly wait for each other (rg: ~30% more CPU, slower under load).
 */
function searchThreads(): string {
  return String(Math.max(1, os.availableParallelism() - 1));
}

function skipped(rel: string): boolean {
  // Called for every listed path, nearly all of which contain neither name: a substring test spares the split.
  for (const name of ALWAYS_SKIPPED) if (rel.includes(name)) return rel.split("/").some((p) => ALWAYS_SKIPPED.has(p));
  return false;
}

function projectRel(p: string): string {
  return toPosix(p.startsWith("./") ? p.slice(2) : p);
}

function parseList(out: string): string[] {
  const files: string[] = [];
  for (const p of out.split("\0")) {
    if (!p) continue;
    const rel = projectRel(p);
    if (!skipped(rel)) files.push(rel);
  }
  return files.sort();
}

function parseCounts(out: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of out.split("\n")) {
    const nul = line.lastIndexOf("\0");
    if (nul <= 0) continue;
    const rel = projectRel(line.slice(0, nul));
    if (!skipped(rel)) counts.set(rel, Number(line.slice(nul + 1)));
  }
  return counts;
}

/** Matching-line counts, with Rust's engine where the pattern allows, else (or when it rejects it) PCRE2. */
async function count(req: NativeGrepRequest, flags: string[], where: string[]): Promise<{ code: number; out: string } | null> {
  const icase = req.ignoreCase ? ["--ignore-case"] : [];
  const rust = toRustRegex(req.pattern);
  if (rust !== null) {
    const r = await run("rg", [...flags, "--count", "--no-messages", ...icase, "--regexp", rust, ...where], req.root, req.signal);
    if (r && !(r.code === 2 && !r.out)) return r;
  }
  const pcre = toPcre(req.pattern);
  if (pcre === null) return null;
  return run("rg", [...flags, "--count", "--no-messages", "--pcre2", ...icase, "--regexp", pcre, ...where], req.root, req.signal);
}

async function ripgrep(req: NativeGrepRequest): Promise<NativeGrep | null> {
  const common = [
    "--no-config",
    "--hidden",
    "--no-require-git",
    "--no-ignore-global",
    "--no-ignore-parent",
    "--no-ignore-dot",
    "--null",
    "--glob",
    "!.git",
    "--glob",
    "!node_modules",
  ];
  // rg's --glob overrides ignore rules: what it picks is intersected with the ignore-respecting list.
  const glob = req.glob ? ["--glob", req.baseRel ? `${req.baseRel}/${req.glob}` : req.glob] : [];
  const where = ["--", req.baseRel || "."];
  // Two walks, not four: on two cores each extra rg costs about as much as the search. --include-zero makes
  // the count also the list of what rg searched; the rest of the listing (large, binary) the tool checks itself.
  // A listing is light work: one thread each (rg's default of one per core spins more than it walks, here).
  const [list, globbed, found] = await Promise.all([
    run("rg", [...common, "--threads", "1", "--files", ...where], req.root, req.signal),
    glob.length ? run("rg", [...common, "--threads", "1", ...glob, "--files", ...where], req.root, req.signal) : null,
    count(req, [...common, "--threads", searchThreads(), ...glob, "--include-zero", "--max-filesize", String(req.maxFileBytes)], where),
  ]);
  // rg exits 1 for "no match" and 2 for errors (a regex PCRE2 rejects, an unreadable file among others).
  if (!list || list.code !== 0 || !found || (found.code === 2 && !found.out) || found.code > 2) return null;
  let files = parseList(list.out);
  if (glob.length) {
    if (!globbed || globbed.code > 1) return null;
    const picked = new Set(parseList(globbed.out));
    files = files.filter((f) => picked.has(f));
  }
  const searched = parseCounts(found.out);
  const counts = new Map<string, number>();
  const unsearched = new Set<string>();
  for (const f of files) {
    const n = searched.get(f);
    if (n === undefined) unsearched.add(f);
    else if (n > 0) counts.set(f, n);
  }
  return { backend: "rg", files, fileCount: async () => files.length, counts, unsearched };
}

async function gitGrep(req: NativeGrepRequest): Promise<NativeGrep | null> {
  // Pathspec globs have no braces; picomatch's would be read literally.
  if (req.glob && /[{}]/.test(req.glob)) return null;
  const spec = req.glob ? `:(glob)${req.baseRel ? `${req.baseRel}/` : ""}${req.glob}` : req.baseRel || ".";
  const safety = await hostGitArgs(req.root);
  const git = (args: string[]) => run("git", [...safety, ...args], req.root, req.signal, HOST_GIT_ENV);
  const [listing, found] = await Promise.all([
    // Tracked files with the size the index last saw (--debug: no stat per file from here) and untracked ones (?).
    git(["ls-files", "-t", "--debug", "--cached", "--others", "--exclude-standard", "--", spec]),
    git(["grep", "--threads", searchThreads(), "-z", "--count", "-I", "--untracked", "--perl-regexp", ...(req.ignoreCase ? ["--ignore-case"] : []), "-e", toPcre(req.pattern)!, "--", spec]),
  ]);
  // Outside a repository (or a regex PCRE rejects) git exits 128; 1 is "no match".
  if (!listing || listing.code !== 0 || !found || (found.code !== 0 && found.code !== 1)) return null;
  const present = new Set<string>();
  const unsearched = new Set<string>();
  const untracked: string[] = [];
  let current = "";
  let inIndex = false;
  for (const line of listing.out.split("\n")) {
    if (line.startsWith(" ")) {
      const size = inIndex ? /^\s+size: (\d+)/.exec(line) : null;
      if (size && Number(size[1]) > req.maxFileBytes) unsearched.add(current);
      continue;
    }
    if (!line) continue;
    // "T path": paths with unusual bytes come quoted; the walker handles those projects instead.
    if (line[1] !== " " || line[2] === '"') return null;
    current = line.slice(2);
    inIndex = line[0] !== "?";
    if (skipped(current)) continue;
    if (inIndex) present.add(current);
    else untracked.push(current);
  }
  for (const rel of untracked) {
    try {
      if (fs.lstatSync(path.join(req.root, rel)).size > req.maxFileBytes) unsearched.add(rel);
    } catch {
      // Gone since it was listed.
    }
    present.add(rel);
  }
  const files = [...present].sort();
  const counts = parseCounts(found.out);
  for (const rel of unsearched) counts.delete(rel);
  // Which tracked files are gone from the working tree costs git a stat per file: asked only when printed.
  const fileCount = async () => {
    const gone = await git(["ls-files", "-z", "--deleted", "--", spec]);
    if (!gone || gone.code !== 0) return files.filter((f) => fs.existsSync(path.join(req.root, f))).length;
    return files.length - new Set(parseList(gone.out).filter((f) => present.has(f))).size;
  };
  return { backend: "git", files, fileCount, counts, unsearched };
}

/** Which program a search of `root` would use: LETTA_CODE_GREP_BACKEND forces one (tests, benchmarks). */
export function preferredBackends(env: NodeJS.ProcessEnv = process.env): GrepBackendName[] {
  const forced = env.LETTA_CODE_GREP_BACKEND;
  if (forced === "rg" || forced === "git" || forced === "js") return [forced];
  return [...(hasRipgrep() ? (["rg"] as const) : []), "git", "js"];
}

/** The first native program that can answer, or null: the caller then walks and reads every file itself. */
export async function nativeGrep(req: NativeGrepRequest, backends = preferredBackends()): Promise<NativeGrep | null> {
  if (toPcre(req.pattern) === null) return null;
  for (const b of backends) {
    if (b === "js") return null;
    const r = b === "rg" ? (hasRipgrep() ? await ripgrep(req) : null) : await gitGrep(req);
    if (r) return r;
    if (req.signal.aborted) return null;
  }
  return null;
}

export function relativeBase(root: string, baseAbs: string): string {
  return toPosix(path.relative(root, baseAbs));
}
