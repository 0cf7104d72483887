/** What the transcript holds. Finished items go to Ink's <Static>; live ones render below it. */
import type { SessionInfo, TranscriptEntry } from "../agent/session.js";
import type { ToolDisplay } from "../agent/events.js";
import type { Span } from "./text-layout.js";

export type NoteLevel = "info" | "dim" | "ok" | "warn" | "error";

export type { Attachment } from "../agent/input-types.js";
import type { Attachment } from "../agent/input-types.js";

/**
 * One row of a panel: spans (continuation rows indented 2 columns), or spans with the hanging
 * indent its layout needs (a description column, a list under a label).
 */
export type PanelRow = Span[] | { spans: Span[]; hang: number };

export type ToolState = "running" | "awaiting_approval" | "done" | "error" | "cancelled" | "denied";

export interface ToolItem {
  kind: "tool";
  id: number;
  callId: string;
  name: string;
  args: unknown;
  state: ToolState;
  /** Streamed tool_output chunks (shell), capped. */
  output: string;
  content?: string;
  display?: ToolDisplay;
  denyReason?: string;
  /** A memory_update for the same change was already shown: don't repeat it. */
  memoryShown?: boolean;
  /** A `task` call: the subagent's own tool calls so far, shown nested (the last few live, all with Ctrl-O). */
  subagent?: { agent: string; conversationId: string; steps: SubagentStep[] };
}

/** One tool call of a subagent, nested under its task call. */
export interface SubagentStep {
  callId: string;
  name: string;
  args: unknown;
  state: ToolState;
}

export type Item =
  | { kind: "header"; id: number; info: SessionInfo }
  | { kind: "user"; id: number; text: string; attachments?: Attachment[] }
  | { kind: "assistant"; id: number; text: string; interrupted?: boolean }
  | ToolItem
  | { kind: "memory"; id: number; label: string; action: string; before: string; after: string; eventId?: string }
  | { kind: "note"; id: number; level: NoteLevel; text: string; hint?: string }
  /** A memory change made by the background reflection pass. */
  | { kind: "learned"; id: number; verb: string; label: string; text: string; undoId?: string }
  /** Output of a slash command: rows of spans, wrapped at render time. */
  | { kind: "panel"; id: number; title?: string; rows: PanelRow[] }
  | { kind: "resumed"; id: number; entries: TranscriptEntry[] };

let nextId = 1;
export const newId = (): number => nextId++;

/** Keep at most `max` characters of streamed output (the tail), so a chatty command can't eat memory. */
export function appendCapped(buf: string, chunk: string, max = 256 * 1024): string {
  const s = buf + chunk;
  return s.length > max ? s.slice(s.length - max) : s;
}
