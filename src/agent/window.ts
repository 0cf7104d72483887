import type { ChatMessage } from "../llm/types.js";
import type { StoredMessage } from "../store/messages.js";
import { MISSING_TOOL_RESULT } from "./prompts.js";

/** Stored rows -> wire messages, repairing what a crash or an eviction boundary can leave behind. */
export function toChatMessages(rows: StoredMessage[], contentCap: (m: StoredMessage) => string): ChatMessage[] {
  const out: ChatMessage[] = [];
  const answered = new Set(rows.filter((r) => r.role === "tool").map((r) => r.toolCallId));
  const open = new Set<string>();
  for (const r of rows) {
    if (r.role === "tool") {
      // A result whose call was evicted (or never stored) would be rejected by the API.
      if (!r.toolCallId || !open.has(r.toolCallId)) continue;
      open.delete(r.toolCallId);
      out.push({ role: "tool", content: contentCap(r), tool_call_id: r.toolCallId });
      continue;
    }
    flushMissing(out, open);
    if (r.role === "assistant") {
      const calls = r.toolCalls?.length ? r.toolCalls : undefined;
      out.push({ role: "assistant", content: r.content || (calls ? null : ""), ...(calls ? { tool_calls: calls } : {}) });
      for (const c of calls ?? []) open.add(c.id);
      // Calls that will never get a result (the process died mid-step) get a placeholder right away.
      for (const c of calls ?? []) if (!answered.has(c.id)) {
        out.push({ role: "tool", content: MISSING_TOOL_RESULT, tool_call_id: c.id });
        open.delete(c.id);
      }
    } else if (r.role === "user") {
      out.push({ role: "user", content: contentCap(r) });
    } else {
      out.push({ role: "system", content: r.content });
    }
  }
  flushMissing(out, open);
  return out;
}

function flushMissing(out: ChatMessage[], open: Set<string>): void {
  for (const id of open) out.push({ role: "tool", content: MISSING_TOOL_RESULT, tool_call_id: id });
  open.clear();
}

/**
 * Where an eviction of at least `minTokens` from the front may end without splitting a
 * tool call from its results: the returned index is the first message that stays.
 */
export function evictionCut(rows: StoredMessage[], minTokens: number, keepLast = 1): number {
  let acc = 0;
  let cut = 0;
  const maxCut = Math.max(0, rows.length - keepLast);
  while (cut < maxCut && acc < minTokens) {
    acc += rows[cut].tokens;
    cut++;
  }
  // Results belong with their call: never let the kept window start with tool messages.
  while (cut < rows.length && rows[cut].role === "tool") cut++;
  return Math.min(cut, rows.length);
}

/** Head and tail of an oversized message for the request only (the stored row keeps every byte). */
export function truncateMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  const cut = text.length - 2 * half;
  return `${text.slice(0, half)}\n\n[… ${cut} characters cut to fit the context window; the full text is in recall memory (conversation_search) …]\n\n${text.slice(-half)}`;
}
