import type { ChatMessage } from "../llm/types.js";
import type { StoredMessage } from "../store/messages.js";
import { ARGUMENT_CUT, MISSING_TOOL_RESULT } from "./prompts.js";

type ToolCalls = NonNullable<StoredMessage["toolCalls"]>;

/** Stored rows -> wire messages, repairing what a crash or an eviction boundary can leave behind. */
export function toChatMessages(
  rows: StoredMessage[],
  contentCap: (m: StoredMessage) => string,
  callsCap: (calls: ToolCalls) => ToolCalls = (c) => c,
): ChatMessage[] {
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
      const sent = calls ? callsCap(calls) : undefined;
      out.push({ role: "assistant", content: r.content || (calls ? null : ""), ...(sent ? { tool_calls: sent } : {}) });
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

/**
 * The rows that stay after evicting at least `minTokens` from the front, with the cut never splitting
 * a call from its results and never taking `pinnedId` (the running turn's user message: without it
 * the model would continue from a summary and forget what it was asked).
 */
export function evictionPlan(
  rows: StoredMessage[],
  minTokens: number,
  pinnedId?: number,
): { evicted: StoredMessage[]; kept: StoredMessage[] } {
  const rest = rows.filter((r) => r.id !== pinnedId);
  const cut = evictionCut(rest, minTokens, 1);
  const evicted = new Set(rest.slice(0, cut).map((r) => r.id));
  return { evicted: rest.slice(0, cut), kept: rows.filter((r) => !evicted.has(r.id)) };
}

/**
 * A tool call's arguments for the request, at most `maxChars`: the longest string arguments lose
 * their middle, marked, so the JSON still parses and the model sees what it sent and that it was cut.
 */
export function capToolArguments(args: string, maxChars: number): string {
  if (args.length <= maxChars) return args;
  let parsed: unknown;
  try {
    parsed = JSON.parse(args);
  } catch {
    parsed = undefined;
  }
  if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) {
    const obj = { ...(parsed as Record<string, unknown>) };
    for (let i = 0; i < 8; i++) {
      const excess = JSON.stringify(obj).length - maxChars;
      if (excess <= 0) return JSON.stringify(obj);
      const longest = Object.entries(obj)
        .filter((e): e is [string, string] => typeof e[1] === "string")
        .sort((a, b) => b[1].length - a[1].length)[0];
      if (!longest || longest[1].length < 400) break;
      obj[longest[0]] = cutMiddle(longest[1], Math.max(200, longest[1].length - excess - 200));
    }
  }
  // Not an object of strings (or still too long): carry a marked excerpt of the raw text instead.
  return JSON.stringify({ _shortened: cutMiddle(args, Math.max(200, maxChars - 200)) });
}

function cutMiddle(text: string, keepChars: number): string {
  const half = Math.floor(keepChars / 2);
  return `${text.slice(0, half)}${ARGUMENT_CUT(text.length - 2 * half)}${text.slice(-half)}`;
}

/** Head and tail of an oversized message for the request only (the stored row keeps every byte). */
export function truncateMiddle(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const half = Math.floor(maxChars / 2);
  const cut = text.length - 2 * half;
  return `${text.slice(0, half)}\n\n[… ${cut} characters cut to fit the context window; the full text is in recall memory (conversation_search) …]\n\n${text.slice(-half)}`;
}
