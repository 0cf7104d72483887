/**
 * The resumed view of a conversation: its stored messages as the user saw them, with the marks of
 * turns whose request failed (kept beside the messages, see store/turn-failures.ts) where they happened.
 */
import type { TranscriptEntry } from "./session.js";
import { isPressureNotice } from "./context.js";
import type { StoredMessage } from "../store/messages.js";
import type { TurnFailure } from "../store/turn-failures.js";

/**
 * The last `limit` exchanges of `rows` (oldest first), each starting at a user message. `hidden`
 * says which messages a rewind took back; a failure is hidden with the message it follows.
 */
export function transcriptEntries(rows: StoredMessage[], failures: TurnFailure[], hidden: (id: number) => boolean, limit: number): TranscriptEntry[] {
  // A tool result carries only its output: what it was called with is on the assistant's call.
  const calls = new Map<string, string>();
  for (const r of rows) for (const c of r.toolCalls ?? []) calls.set(c.id, c.function.arguments);
  const entries: TranscriptEntry[] = [];
  for (const r of rows) {
    if (hidden(r.id)) continue;
    if (r.role !== "system" && !isPressureNotice(r) && !(r.role === "assistant" && !r.content)) {
      const raw = r.toolCallId ? calls.get(r.toolCallId) : undefined;
      entries.push({
        role: r.role,
        content: r.content,
        toolName: r.toolName,
        ...(raw !== undefined ? { toolArgs: parseArgs(raw) } : {}),
        createdAt: r.createdAt,
      } as TranscriptEntry);
    }
    for (const f of failures) if (f.afterMessageId === r.id) entries.push({ role: "error", content: f.message, createdAt: f.createdAt });
  }
  // Start at a user message so the view never opens on an orphaned tool result.
  let start = entries.length;
  for (let seen = 0; start > 0 && seen < limit; ) if (entries[--start].role === "user") seen++;
  while (start < entries.length && entries[start].role !== "user") start++;
  return entries.slice(start);
}

function parseArgs(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
