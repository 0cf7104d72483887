/**
 * Keeping tool output small for the model. The head usually says what ran and the tail says how
 * it ended (test summary, error, exit status), so both are kept and the middle is cut.
 */

export interface CapOptions {
  maxBytes?: number;
  maxLines?: number;
}

/** Text already dropped upstream (e.g. by a bounded stream buffer) at position `at` of the text. */
export interface Gap {
  at: number;
  bytes: number;
  lines: number;
}

export const DEFAULT_MAX_BYTES = 10240;
export const DEFAULT_MAX_LINES = 256;

const byteLen = (s: string) => Buffer.byteLength(s, "utf8");

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf("\n"); i !== -1; i = s.indexOf("\n", i + 1)) n++;
  return n;
}

/** Human-readable size, e.g. 1.2 MB. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** Cut a UTF-8 prefix of at most `maxBytes` without splitting a character. */
function utf8Prefix(s: string, maxBytes: number): string {
  if (byteLen(s) <= maxBytes) return s;
  const out = Buffer.from(s, "utf8").subarray(0, maxBytes).toString("utf8");
  return out.endsWith("\uFFFD") ? out.slice(0, -1) : out;
}

function utf8Suffix(s: string, maxBytes: number): string {
  const buf = Buffer.from(s, "utf8");
  if (buf.length <= maxBytes) return s;
  const out = buf.subarray(buf.length - maxBytes).toString("utf8");
  return out.startsWith("\uFFFD") ? out.slice(1) : out;
}

/** The first lines of `s` within both budgets; prefers ending on a line boundary. */
function takeHead(s: string, maxBytes: number, maxLines: number): string {
  let end = s.length;
  let nl = -1;
  for (let i = 0; i < maxLines; i++) {
    nl = s.indexOf("\n", nl + 1);
    if (nl === -1) break;
  }
  if (nl !== -1) end = nl + 1;
  let head = utf8Prefix(s.slice(0, end), maxBytes);
  const lastNl = head.lastIndexOf("\n");
  // A line boundary in the second half of the budget reads better than a mid-line cut.
  if (head.length < end && lastNl >= head.length / 2) head = head.slice(0, lastNl + 1);
  return head;
}

function takeTail(s: string, maxBytes: number, maxLines: number): string {
  let start = 0;
  let nl = s.endsWith("\n") ? s.length - 1 : s.length;
  for (let i = 0; i < maxLines; i++) {
    nl = s.lastIndexOf("\n", nl - 1);
    if (nl === -1) break;
  }
  if (nl !== -1) start = nl + 1;
  let tail = utf8Suffix(s.slice(start), maxBytes);
  const firstNl = tail.indexOf("\n");
  if (s.length - start > tail.length && firstNl !== -1 && firstNl < tail.length / 2) tail = tail.slice(firstNl + 1);
  return tail;
}

function note(lines: number, bytes: number): string {
  return `[... ${lines.toLocaleString("en-US")} lines (${formatBytes(bytes)}) omitted ...]`;
}

/**
 * Cap `text` to about maxBytes / maxLines, keeping the head and the tail with a note in the middle
 * saying how much was cut. `gap` accounts for output a bounded buffer already dropped.
 */
export function capOutput(text: string, opts: CapOptions = {}, gap?: Gap): string {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxLines = opts.maxLines ?? DEFAULT_MAX_LINES;
  const hasGap = gap !== undefined && gap.bytes > 0;
  if (!hasGap && byteLen(text) <= maxBytes && countLines(text) <= maxLines) return text;

  const halfBytes = Math.max(1, Math.floor(maxBytes / 2));
  const halfLines = Math.max(1, Math.floor(maxLines / 2));
  const pre = hasGap ? text.slice(0, gap.at) : text;
  const head = takeHead(pre, halfBytes, halfLines);
  // Without a gap, the tail comes from whatever the head did not take.
  const post = hasGap ? text.slice(gap.at) : text.slice(head.length);
  const tail = takeTail(post, halfBytes, halfLines);

  const droppedPre = hasGap ? pre.slice(head.length) : "";
  const droppedPost = post.slice(0, post.length - tail.length);
  const omittedBytes = byteLen(droppedPre) + byteLen(droppedPost) + (gap?.bytes ?? 0);
  const omittedLines = countLines(droppedPre) + countLines(droppedPost) + (gap?.lines ?? 0);
  if (omittedBytes === 0) return head + tail;
  const sep = head === "" || head.endsWith("\n") ? "" : "\n";
  return `${head}${sep}${note(omittedLines, omittedBytes)}\n${tail}`;
}
