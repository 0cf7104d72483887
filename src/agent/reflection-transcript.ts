import { isPressureNotice } from "./context.js";
import { approxTokens } from "../llm/tokens.js";
import type { StoredMessage } from "../store/messages.js";

const TOOL_RESULT_CHARS = 300;
const MESSAGE_CHARS = 4000;

export interface RenderedRange {
  text: string;
  /** Id of the last message read: the watermark moves only this far. */
  lastId: number;
  shown: number;
}

/**
 * Messages as compact lines for the reflection model: what the user and the agent said in full
 * (long ones cut in the middle), tool calls by name and a short excerpt of their results, since
 * durable facts live in the words far more than in file dumps. Stops at `tokenCap`, always
 * reading at least one message so a pass always makes progress.
 */
export function renderForReflection(rows: StoredMessage[], tokenCap: number): RenderedRange {
  const lines: string[] = [];
  let tokens = 0;
  let lastId = 0;
  let shown = 0;
  for (const r of rows) {
    const line = isPressureNotice(r) || r.role === "system" ? "" : renderOne(r);
    const cost = approxTokens(line) + 1;
    if (shown > 0 && tokens + cost > tokenCap) break;
    if (line) {
      lines.push(line);
      tokens += cost;
    }
    lastId = r.id;
    shown++;
  }
  return { text: lines.join("\n"), lastId, shown };
}

function renderOne(r: StoredMessage): string {
  const when = r.createdAt.slice(0, 16).replace("T", " ");
  if (r.role === "tool") return `[${when}] tool result ${r.toolName ?? ""}: ${oneLine(clip(r.content, TOOL_RESULT_CHARS))}`;
  const parts: string[] = [];
  if (r.content) parts.push(`[${when}] ${r.role}: ${clip(r.content, MESSAGE_CHARS)}`);
  for (const c of r.toolCalls ?? []) parts.push(`[${when}] assistant called ${c.function.name}(${oneLine(clip(c.function.arguments, TOOL_RESULT_CHARS))})`);
  return parts.join("\n");
}

function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const half = Math.floor(max / 2);
  return `${s.slice(0, half)} […] ${s.slice(-half)}`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, " ").trim();
}
