/**
 * `@path` mentions: on submit, the mentioned files' contents are appended to the message
 * as fenced blocks labelled with their path, each capped (default 100 KB) with a note.
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { Attachment } from "./input-types.js";

export const ATTACH_CAP = 100 * 1024;

export function mentionedPaths(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(^|\s)@([^\s@]+)/g)) {
    const p = m[2]!.replace(/[.,;:!?)\]]+$/, ""); // trailing punctuation is prose, not path
    if (p && !out.includes(p)) out.push(p);
  }
  return out;
}

/** A fence longer than any backtick run in the content, so the block can't be closed early. */
function fenceFor(content: string): string {
  let longest = 2;
  for (const m of content.matchAll(/`+/g)) longest = Math.max(longest, m[0].length);
  return "`".repeat(longest + 1);
}

export function expandMentions(text: string, root: string, cap = ATTACH_CAP): { text: string; attachments: Attachment[] } {
  const attachments: Attachment[] = [];
  const blocks: string[] = [];
  for (const p of mentionedPaths(text)) {
    const abs = resolve(root, p);
    const rel = relative(root, abs);
    if (rel.startsWith("..") || isAbsolute(rel)) continue; // outside the project: leave as text
    let size: number;
    try {
      const st = statSync(abs);
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue; // not a file: an e-mail address, a decorator, a handle…
    }
    const buf = readFileSync(abs);
    const truncated = buf.length > cap;
    let content = buf.subarray(0, cap).toString("utf8");
    if (content.includes("\u0000")) {
      blocks.push(`(${rel} looks binary: ${size} bytes, not attached)`);
      continue;
    }
    if (!content.endsWith("\n")) content += "\n";
    const fence = fenceFor(content);
    const note = truncated ? `\n(truncated: showing the first ${Math.round(cap / 1024)} KB of ${Math.round(size / 1024)} KB; read the file for the rest)` : "";
    blocks.push(`${fence}${rel}\n${content}${fence}${note}`);
    attachments.push({ path: rel, bytes: size, truncated });
  }
  if (blocks.length === 0) return { text, attachments };
  return { text: `${text}\n\nAttached files:\n\n${blocks.join("\n\n")}`, attachments };
}
