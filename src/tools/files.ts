import * as fs from "node:fs";
import * as path from "node:path";
import { createTwoFilesPatch } from "diff";
import { z } from "zod";
import type { ToolDisplay } from "../agent/events.js";
import { displayPath, resolveInProject } from "../permissions/paths.js";
import { resolveForRead } from "../permissions/read-roots.js";
import { resolveInWorkspace } from "../permissions/workspace-roots.js";
import { formatBytes } from "./output-cap.js";
import { defineTool, lazySchema, ToolError, type ToolContext } from "./types.js";
import { compareNames } from "../name-order.js";
import { fsPromises } from "../lazy-builtins.js";

export const DEFAULT_READ_LIMIT = 2000;
export const MAX_LINE_CHARS = 2000;
/** What one read_file call may return; bigger files are read in pieces with offset. */
export const MAX_READ_BYTES = 256 * 1024;
/** Past this size we stop counting the lines after the requested window (it would mean reading it all). */
const COUNT_ALL_LINES_UP_TO = 32 * 1024 * 1024;

// ---------------------------------------------------------------- shared helpers

/** NUL bytes never occur in text; many control bytes mean an encoding we should not show as text. */
export function looksBinary(sample: Buffer): boolean {
  if (sample.length === 0) return false;
  let control = 0;
  for (const b of sample) {
    if (b === 0) return true;
    if (b < 7 || (b > 13 && b < 32 && b !== 27)) control++;
  }
  return control / sample.length > 0.1;
}

async function readSample(abs: string, bytes = 8192): Promise<Buffer> {
  const fh = await fsPromises().open(abs, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const { bytesRead } = await fh.read(buf, 0, bytes, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** Names in the same directory that look like what was meant (typo, case, other extension). */
function similarNames(abs: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(path.dirname(abs));
  } catch {
    return [];
  }
  const want = path.basename(abs).toLowerCase();
  const wantStem = want.replace(/\.[^.]*$/, "");
  const scored = entries
    .map((name) => {
      const lower = name.toLowerCase();
      const d = lower === want ? 0 : lower.replace(/\.[^.]*$/, "") === wantStem ? 1 : editDistance(lower, want);
      return { name, d };
    })
    .filter((e) => e.d <= Math.max(2, Math.floor(want.length / 4)))
    .sort((a, b) => a.d - b.d || compareNames(a.name, b.name));
  return scored.slice(0, 3).map((e) => e.name);
}

function notFound(ctx: ToolContext, userPath: string, abs: string): ToolError {
  const dir = path.dirname(abs);
  if (!fs.existsSync(dir)) {
    return new ToolError(`File not found: ${userPath} (directory ${displayPath(ctx.projectRoot, dir)} does not exist either)`);
  }
  const similar = similarNames(abs);
  const rel = displayPath(ctx.projectRoot, dir);
  const hint = similar.length
    ? ` Did you mean: ${similar.map((n) => (rel === "." ? n : `${rel}/${n}`)).join(", ")}?`
    : " Use list_files to see what exists.";
  return new ToolError(`File not found: ${userPath}.${hint}`);
}

async function statOrNull(abs: string): Promise<fs.Stats | null> {
  try {
    return await fsPromises().stat(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw new ToolError(`Cannot access ${abs}: ${(e as Error).message}`);
  }
}

function countLines(text: string): number {
  if (text === "") return 0;
  const n = text.split("\n").length;
  return text.endsWith("\n") ? n - 1 : n;
}

/** The unified diff shown to the user; giant rewrites fall back to a summary instead of stalling. */
function makeDiff(rel: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(rel, rel, before, after, undefined, undefined, { context: 3, timeout: 1500 });
  return patch ?? `(diff too large to compute: ${countLines(before)} lines -> ${countLines(after)} lines)\n`;
}

// ---------------------------------------------------------------- read_file

interface Line {
  text: string;
  /** Full length in characters; `text` holds at most MAX_LINE_CHARS + 1 of them. */
  length: number;
}

/** Lines of a file, streamed, with memory bounded even for a single gigantic line. */
const readText = (ctx: ToolContext, abs: string) => (ctx.files?.readText ? ctx.files.readText(abs) : fsPromises().readFile(abs, "utf8"));

async function writeText(ctx: ToolContext, abs: string, content: string): Promise<void> {
  if (ctx.files?.writeText) return ctx.files.writeText(abs, content);
  await fsPromises().mkdir(path.dirname(abs), { recursive: true });
  await fsPromises().writeFile(abs, content, "utf8");
}

/** The same lines readLines gives, from text the host handed over (its buffer, not the disk). */
function* textLines(text: string): Generator<Line> {
  if (!text) return;
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  for (const raw of lines) {
    const t = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    yield { text: t.length > MAX_LINE_CHARS + 1 ? t.slice(0, MAX_LINE_CHARS + 1) : t, length: t.length };
  }
}

async function* readLines(abs: string): AsyncGenerator<Line> {
  const stream = fs.createReadStream(abs, { encoding: "utf8", highWaterMark: 64 * 1024 });
  let partial = "";
  let partialLen = 0;
  let sawData = false;
  const finish = (): Line => {
    let text = partial;
    let length = partialLen;
    if (length <= MAX_LINE_CHARS + 1 && text.endsWith("\r")) {
      text = text.slice(0, -1);
      length--;
    }
    partial = "";
    partialLen = 0;
    return { text, length };
  };
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      sawData = true;
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf("\n", start);
        const piece = nl === -1 ? chunk.slice(start) : chunk.slice(start, nl);
        if (partial.length <= MAX_LINE_CHARS) partial += piece.slice(0, MAX_LINE_CHARS + 1 - partial.length);
        partialLen += piece.length;
        if (nl === -1) break;
        yield finish();
        start = nl + 1;
      }
    }
    if (sawData && partialLen > 0) yield finish();
  } finally {
    stream.destroy();
  }
}

export function formatLine(n: number, text: string): string {
  return `${String(n).padStart(6)}→${text}`;
}

const readSchema = lazySchema(() =>
  z.object({
    path: z.string().describe("File to read, relative to the project root (or absolute inside it)"),
    offset: z.number().int().min(1).optional().describe("1-based line number to start at (default 1)"),
    limit: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe(`Maximum number of lines to return (default ${DEFAULT_READ_LIMIT})`),
  }),
);

export const readFileTool = defineTool({
  name: "read_file",
  description:
    `Read a text file. Lines come prefixed with their 1-based number and "→" (not part of the file). ` +
    `Returns at most ${DEFAULT_READ_LIMIT} lines / ${MAX_READ_BYTES / 1024} KB per call; use offset and limit for long files.`,
  parameters: readSchema,
  kind: "read",
  ruleSubject: (args) => args.path,
  async run(args, ctx) {
    const abs = resolveForRead(ctx.projectRoot, args.path, [...(ctx.readRoots?.() ?? []), ...(ctx.addDirs ?? [])]);
    const rel = displayPath(ctx.projectRoot, abs);
    const st = await statOrNull(abs);
    if (!st) throw notFound(ctx, args.path, abs);
    if (st.isDirectory()) throw new ToolError(`${args.path} is a directory, not a file; use list_files to see its contents`);
    if (!st.isFile()) throw new ToolError(`${args.path} is not a regular file`);
    if (looksBinary(await readSample(abs))) {
      throw new ToolError(
        `${args.path} looks like a binary file (${formatBytes(st.size)}); read_file only reads text. ` +
          "Use run_shell with a tool such as `file`, `xxd | head` or `strings` to inspect it.",
      );
    }

    const offset = args.offset ?? 1;
    const limit = args.limit ?? DEFAULT_READ_LIMIT;
    const out: string[] = [];
    let bytes = 0;
    let lineNo = 0;
    let last = 0;
    let cappedByBytes = false;
    let stopped = false;
    let countedAll = true;
    for await (const line of ctx.files?.readText ? textLines(await ctx.files.readText(abs)) : readLines(abs)) {
      lineNo++;
      if (lineNo < offset) continue;
      if (!stopped && out.length < limit) {
        let text = line.length > MAX_LINE_CHARS ? line.text.slice(0, MAX_LINE_CHARS) : line.text;
        if (line.length > MAX_LINE_CHARS) text += ` … [line truncated: ${line.length.toLocaleString("en-US")} chars]`;
        const formatted = formatLine(lineNo, text);
        const size = Buffer.byteLength(formatted) + 1;
        if (out.length === 0 || bytes + size <= MAX_READ_BYTES) {
          out.push(formatted);
          bytes += size;
          last = lineNo;
          continue;
        }
        cappedByBytes = true;
      }
      stopped = true;
      // Past the window: keep counting lines for the note only while that is cheap.
      if (st.size > COUNT_ALL_LINES_UP_TO) {
        countedAll = false;
        break;
      }
    }

    if (lineNo === 0) return { content: `(${rel} is empty)`, display: { kind: "text", text: `Read ${rel} (empty)` } };
    if (offset > lineNo) throw new ToolError(`${args.path} has only ${lineNo} lines; offset ${offset} is past the end`);

    const total = countedAll ? `${lineNo}` : "more";
    let note = "";
    if (cappedByBytes) {
      note = `\n[Output capped at ${MAX_READ_BYTES / 1024} KB after line ${last} of ${total}. Use offset=${last + 1} to read further.]`;
    } else if (last < lineNo || !countedAll) {
      note = `\n[Showing lines ${offset}-${last} of ${total}. Use offset=${last + 1} to read further.]`;
    }
    return {
      content: out.join("\n") + note,
      display: { kind: "text", text: `Read ${rel} lines ${offset}-${last}` },
    };
  },
});

// ---------------------------------------------------------------- write_file

interface PlannedWrite {
  abs: string;
  rel: string;
  before: string;
  after: string;
  created: boolean;
}

function diffDisplay(p: PlannedWrite): ToolDisplay {
  return { kind: "diff", path: p.rel, diff: makeDiff(p.rel, p.before, p.after), created: p.created };
}

const writeSchema = lazySchema(() =>
  z.object({
    path: z.string().describe("File to create or overwrite, relative to the project root"),
    content: z.string().describe("The complete new content of the file"),
  }),
);

async function planWrite(args: z.infer<ReturnType<typeof writeSchema>>, ctx: ToolContext): Promise<PlannedWrite> {
  const abs = resolveInWorkspace(ctx.projectRoot, args.path, { forWrite: true }, ctx.addDirs);
  const rel = displayPath(ctx.projectRoot, abs);
  const st = await statOrNull(abs);
  if (st?.isDirectory()) throw new ToolError(`${args.path} is a directory; give a file path`);
  let before = "";
  if (st) {
    before = looksBinary(await readSample(abs)) ? `(binary file, ${formatBytes(st.size)})\n` : await readText(ctx, abs);
  }
  return { abs, rel, before, after: args.content, created: !st };
}

export const writeFileTool = defineTool({
  name: "write_file",
  description:
    "Create a file or replace its whole content (parent directories are created). " +
    "For changes to part of an existing file prefer edit_file.",
  parameters: writeSchema,
  kind: "write",
  ruleSubject: (args) => args.path,
  async preview(args, ctx) {
    return diffDisplay(await planWrite(args, ctx));
  },
  async run(args, ctx) {
    const plan = await planWrite(args, ctx);
    ctx.checkpoint?.beforeWrite(plan.abs);
    await writeText(ctx, plan.abs, args.content);
    ctx.checkpoint?.afterWrite(plan.abs);
    const n = countLines(args.content);
    return {
      content: `Wrote ${n} line${n === 1 ? "" : "s"} to ${plan.rel}${plan.created ? " (new file)" : ""}`,
      display: diffDisplay(plan),
    };
  },
});

// ---------------------------------------------------------------- edit_file

const editSchema = lazySchema(() =>
  z.object({
    path: z.string().describe("File to edit, relative to the project root"),
    old_string: z.string().describe("Exact text to replace, including whitespace and indentation"),
    new_string: z.string().describe("Replacement text (must differ from old_string)"),
    replace_all: z.boolean().optional().describe("Replace every occurrence instead of requiring exactly one"),
  }),
);

function occurrences(text: string, needle: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) at.push(i);
  return at;
}

function lineOf(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** Explains the usual reasons an exact match fails, so the model's next attempt can succeed. */
function notFoundHint(text: string, needle: string): string {
  if (/^\s*\d+(→|\t)/m.test(needle)) {
    return " old_string seems to contain read_file line-number prefixes; remove them.";
  }
  const want = needle.split("\n").map((l) => l.trim());
  while (want.length > 1 && want[want.length - 1] === "") want.pop();
  const lines = text.split("\n").map((l) => l.trim());
  for (let i = 0; i + want.length <= lines.length; i++) {
    if (want.every((w, j) => lines[i + j] === w)) {
      return ` A match ignoring leading/trailing whitespace exists at line ${i + 1}: check indentation (tabs vs spaces) and trailing spaces, and copy the text exactly as read_file shows it.`;
    }
  }
  return " Check whitespace and indentation, or read_file the region again: the file may have changed.";
}

async function planEdit(args: z.infer<ReturnType<typeof editSchema>>, ctx: ToolContext): Promise<PlannedWrite & { count: number; line: number }> {
  const abs = resolveInWorkspace(ctx.projectRoot, args.path, { forWrite: true }, ctx.addDirs);
  const rel = displayPath(ctx.projectRoot, abs);
  const st = await statOrNull(abs);
  if (!st) {
    const err = notFound(ctx, args.path, abs);
    throw new ToolError(`${err.message} To create a new file use write_file.`);
  }
  if (st.isDirectory()) throw new ToolError(`${args.path} is a directory, not a file`);
  if (looksBinary(await readSample(abs))) throw new ToolError(`${args.path} is a binary file; edit_file only edits text`);
  if (args.old_string === "") throw new ToolError("old_string is empty; to write a whole file use write_file");
  if (args.old_string === args.new_string) throw new ToolError("old_string and new_string are identical; nothing to change");

  const before = await readText(ctx, abs);
  let oldS = args.old_string;
  let newS = args.new_string;
  let at = occurrences(before, oldS);
  // Models write \n; a CRLF file should still match, and keep its line endings.
  if (at.length === 0 && before.includes("\r\n") && oldS.includes("\n") && !oldS.includes("\r\n")) {
    const crlf = (s: string) => s.replace(/\r?\n/g, "\r\n");
    const found = occurrences(before, crlf(oldS));
    if (found.length) {
      oldS = crlf(oldS);
      newS = crlf(newS);
      at = found;
    }
  }
  if (at.length === 0) throw new ToolError(`old_string was not found in ${rel}.${notFoundHint(before, args.old_string)}`);
  if (at.length > 1 && !args.replace_all) {
    const lines = at.slice(0, 20).map((i) => lineOf(before, i));
    throw new ToolError(
      `old_string occurs ${at.length} times in ${rel} (lines ${lines.join(", ")}${at.length > 20 ? ", …" : ""}). ` +
        "Include more surrounding context to make it unique, or set replace_all to true.",
    );
  }
  const after = args.replace_all
    ? before.split(oldS).join(newS)
    : before.slice(0, at[0]) + newS + before.slice(at[0] + oldS.length);
  return { abs, rel, before, after, created: false, count: at.length, line: lineOf(before, at[0]) };
}

export const editFileTool = defineTool({
  name: "edit_file",
  description:
    "Replace an exact string in a file. old_string must match the file exactly (whitespace included, " +
    "without read_file's line-number prefixes) and be unique unless replace_all is set.",
  parameters: editSchema,
  kind: "write",
  ruleSubject: (args) => args.path,
  async preview(args, ctx) {
    return diffDisplay(await planEdit(args, ctx));
  },
  async run(args, ctx) {
    const plan = await planEdit(args, ctx);
    ctx.checkpoint?.beforeWrite(plan.abs);
    await writeText(ctx, plan.abs, plan.after);
    ctx.checkpoint?.afterWrite(plan.abs);
    const what = plan.count === 1 ? `1 replacement at line ${plan.line}` : `${plan.count} replacements`;
    return { content: `Edited ${plan.rel}: ${what}`, display: diffDisplay(plan) };
  },
});
