/**
 * Input history, persisted as JSON lines (`{"text": "...", "at": "ISO date"}`) so that
 * multi-line entries survive. The file is appended to; once it holds more than twice what we
 * keep, it is rewritten with the newest entries at load, so it never grows without bound.
 */
import { appendFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

export class InputHistory {
  readonly entries: string[];

  constructor(
    private readonly file?: string,
    entries: string[] = [],
    private readonly max = 1000,
  ) {
    this.entries = entries.slice(-max);
  }

  static load(file?: string, max = 1000): InputHistory {
    const entries: string[] = [];
    if (file) {
      let raw = "";
      try {
        raw = readFileSync(file, "utf8");
      } catch {
        // No history yet.
      }
      for (const line of raw.split("\n")) {
        if (!line.trim()) continue;
        try {
          const v = JSON.parse(line) as unknown;
          if (typeof v === "string") entries.push(v);
          else if (v && typeof v === "object" && typeof (v as { text?: unknown }).text === "string") entries.push((v as { text: string }).text);
        } catch {
          // A torn or hand-edited line: skip it rather than lose the whole history.
        }
      }
    }
    if (file && entries.length > 2 * max) compact(file, entries.slice(-max));
    return new InputHistory(file, entries, max);
  }

  add(text: string): void {
    if (!text.trim() || this.entries[this.entries.length - 1] === text) return;
    this.entries.push(text);
    if (this.entries.length > this.max) this.entries.splice(0, this.entries.length - this.max);
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, JSON.stringify({ text, at: new Date().toISOString() }) + "\n");
    } catch {
      // History is a convenience; a read-only project must not break the prompt.
    }
  }
}

function compact(file: string, keep: string[]): void {
  try {
    // Write aside, then rename: a crash mid-write leaves the old history, never a torn one.
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, keep.map((text) => JSON.stringify({ text })).join("\n") + "\n");
    renameSync(tmp, file);
  } catch {
    // Keeping the long file is harmless.
  }
}
