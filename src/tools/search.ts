import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { displayPath, resolveInProject } from "../permissions/paths.js";
import { looksBinary } from "./files.js";
import { defineTool, lazySchema, ToolError, type ToolContext } from "./types.js";
import { checkPattern, walkFiles } from "./walk.js";
import { nativeGrep, relativeBase, type NativeGrep } from "./grep-backends.js";
import type { FileHandle } from "node:fs/promises";
import { fsPromises } from "../lazy-builtins.js";

export const MAX_LISTED_FILES = 1000;
export const MAX_GREP_MATCHES = 200;
export const MAX_GREP_BYTES = 10 * 1024;
export const MAX_GREP_FILE_BYTES = 1024 * 1024;
const MAX_MATCH_LINE_CHARS = 300;
/** Files read concurrently by grep: enough to hide disk latency without many open descriptors. */
const GREP_BATCH = 16;

/** Resolve the optional `path` argument to an existing location inside the project. */
async function searchBase(ctx: ToolContext, userPath: string | undefined): Promise<{ abs: string; isDir: boolean }> {
  const abs = resolveInProject(ctx.projectRoot, userPath?.trim() || ".", { forWrite: false });
  try {
    const st = await fsPromises().stat(abs);
    return { abs, isDir: st.isDirectory() };
  } catch {
    throw new ToolError(`Path not found: ${userPath} (project root: ${displayPath(ctx.projectRoot, ctx.projectRoot)})`);
  }
}

const listSchema = lazySchema(() =>
  z.object({
    pattern: z
      .string()
      .optional()
      .describe('Glob relative to path, e.g. "src/**/*.ts" or "*.md" (default "**/*": every file)'),
    path: z.string().optional().describe("Directory to list, relative to the project root (default: the root)"),
  }),
);

export const listFilesTool = defineTool({
  name: "list_files",
  description:
    "List files matching a glob, sorted, relative to the project root. Respects .gitignore and skips .git and node_modules.",
  parameters: listSchema,
  kind: "read",
  ruleSubject: (args) => args.path ?? ".",
  async run(args, ctx) {
    const base = await searchBase(ctx, args.path);
    if (!base.isDir) throw new ToolError(`${args.path} is a file, not a directory; use read_file to read it`);
    const files = await walkFiles(ctx.projectRoot, { base: base.abs, pattern: args.pattern, signal: ctx.signal });
    const where = displayPath(ctx.projectRoot, base.abs);
    if (files.length === 0) {
      const text = `No files match "${args.pattern ?? "**/*"}" in ${where}`;
      return { content: text, display: { kind: "text", text } };
    }
    let content = files.slice(0, MAX_LISTED_FILES).join("\n");
    if (files.length > MAX_LISTED_FILES) {
      content += `\n[... ${files.length - MAX_LISTED_FILES} more files not shown (${files.length} total); narrow the pattern or path]`;
    }
    return { content, display: { kind: "text", text: `Listed ${files.length} files in ${where}` } };
  },
});

const grepSchema = lazySchema(() =>
  z.object({
    pattern: z.string().describe("JavaScript regular expression to search for, matched against each line"),
    path: z.string().optional().describe("File or directory to search, relative to the project root (default: the root)"),
    glob: z.string().optional().describe('Only search files matching this glob, e.g. "*.ts" or "src/**/*.py"'),
    ignore_case: z.boolean().optional().describe("Case-insensitive match"),
  }),
);

export const grepTool = defineTool({
  name: "grep",
  description:
    "Search file contents with a regular expression (JavaScript syntax). Prints path:line:text. " +
    "Respects .gitignore; skips binary files and files over 1 MB.",
  parameters: grepSchema,
  kind: "read",
  ruleSubject: (args) => args.path ?? ".",
  async run(args, ctx) {
    let re: RegExp;
    try {
      // Unicode property escapes (\p{L}) only work in unicode mode, which rejects some legacy syntax; use it only when needed.
      const flags = (args.ignore_case ? "i" : "") + (/\\[pP]\{/.test(args.pattern) ? "u" : "");
      re = new RegExp(args.pattern, flags);
    } catch (e) {
      throw new ToolError(`Invalid regular expression ${JSON.stringify(args.pattern)}: ${(e as Error).message}`);
    }
    const base = await searchBase(ctx, args.path);
    const root = fs.realpathSync(ctx.projectRoot);
    let files: string[];
    // From ripgrep / git grep: matching-line counts (files past the shown part are counted, not read) and
    // the listed files they did not search as this tool would, which it examines itself.
    let native: NativeGrep | null = null;
    if (base.isDir) {
      // A bare "*.ts" means any depth, as in ripgrep's --glob.
      const glob = args.glob?.trim() ? (args.glob.includes("/") ? args.glob.trim() : `**/${args.glob.trim()}`) : undefined;
      if (glob) checkPattern(glob);
      native = await nativeGrep({ root, maxFileBytes: MAX_GREP_FILE_BYTES, baseRel: relativeBase(root, base.abs), glob, pattern: args.pattern, ignoreCase: !!args.ignore_case, signal: ctx.signal });
      files = native ? native.files : await walkFiles(ctx.projectRoot, { base: base.abs, pattern: glob, signal: ctx.signal });
    } else {
      files = [path.relative(root, base.abs)];
    }

    const shown: string[] = [];
    let shownBytes = 0;
    let total = 0;
    let filesWithMatches = 0;
    let skippedLarge = 0;
    const full = () => shown.length >= MAX_GREP_MATCHES || shownBytes > MAX_GREP_BYTES;
    let toRead = native ? files.filter((f) => native.counts.has(f) || native.unsearched.has(f)) : files;
    let counted = false;
    let i = 0;
    while (i < toRead.length) {
      if (ctx.signal.aborted) throw new ToolError("grep interrupted");
      if (native && !counted && full()) {
        // Nothing more will be shown: the native counts stand for the rest; what they did not search is still read.
        counted = true;
        const rest: string[] = [];
        for (const rel of toRead.slice(i)) {
          const n = native.counts.get(rel);
          if (n === undefined) rest.push(rel);
          else {
            total += n;
            filesWithMatches++;
          }
        }
        toRead = rest;
        i = 0;
        continue;
      }
      const batch = toRead.slice(i, i + GREP_BATCH);
      i += batch.length;
      const contents = await Promise.all(batch.map((rel) => readSearchable(root, rel)));
      batch.forEach((rel, k) => {
        const text = contents[k];
        if (text === TOO_LARGE) skippedLarge++;
        if (typeof text !== "string") return;
        let matchedHere = false;
        const lines = text.split("\n");
        for (let n = 0; n < lines.length; n++) {
          const line = lines[n].endsWith("\r") ? lines[n].slice(0, -1) : lines[n];
          if (!re.test(line)) continue;
          total++;
          matchedHere = true;
          if (shown.length >= MAX_GREP_MATCHES) continue;
          const cut = line.length > MAX_MATCH_LINE_CHARS ? `${line.slice(0, MAX_MATCH_LINE_CHARS)} …` : line;
          const out = `${rel}:${n + 1}:${cut}`;
          const size = Buffer.byteLength(out) + 1;
          // Once over the byte budget stop showing, but keep counting for the note.
          if (shownBytes + size > MAX_GREP_BYTES) {
            shownBytes = MAX_GREP_BYTES + 1;
            continue;
          }
          shown.push(out);
          shownBytes += size;
        }
        if (matchedHere) filesWithMatches++;
      });
    }

    const where = displayPath(ctx.projectRoot, base.abs);
    const skipNote = skippedLarge ? `${skippedLarge} file${skippedLarge === 1 ? "" : "s"} over 1 MB skipped` : "";
    if (total === 0) {
      const searched = native ? await native.fileCount() : files.length;
      const text = `No matches for /${args.pattern}/ in ${where} (${searched} files searched${skipNote ? `; ${skipNote}` : ""})`;
      return { content: text, display: { kind: "text", text } };
    }
    let content = shown.join("\n");
    if (total > shown.length) {
      content += `\n[... ${total - shown.length} more matches omitted (${total} in ${filesWithMatches} files); narrow the pattern, path or glob]`;
    }
    if (skipNote) content += `\n[${skipNote}]`;
    return {
      content,
      display: { kind: "text", text: `${total} matches in ${filesWithMatches} files under ${where}` },
    };
  },
});

const TOO_LARGE = Symbol("too large");
/** Bytes looked at to tell a binary file, as read_file does. */
const BINARY_SAMPLE = 8192;


/** File text, TOO_LARGE, or null when it must not be searched (binary, unreadable, symlink out of the project). */
async function readSearchable(root: string, rel: string): Promise<string | typeof TOO_LARGE | null> {
  const abs = path.join(root, rel);
  let fh: FileHandle | undefined;
  try {
    const lst = await fsPromises().lstat(abs);
    if (lst.isSymbolicLink()) resolveInProject(root, rel, { forWrite: false });
    const st = lst.isSymbolicLink() ? await fsPromises().stat(abs) : lst;
    if (!st.isFile()) return null;
    if (st.size > MAX_GREP_FILE_BYTES) return TOO_LARGE;
    fh = await fsPromises().open(abs, "r");
    // Binary files (images, archives) are most of what ripgrep leaves to the tool: judged on the head alone.
    const buf = Buffer.alloc(st.size);
    let got = (await fh.read(buf, 0, Math.min(st.size, BINARY_SAMPLE), 0)).bytesRead;
    if (looksBinary(buf.subarray(0, got))) return null;
    while (got < st.size) {
      const { bytesRead } = await fh.read(buf, got, st.size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.toString("utf8", 0, got);
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}
