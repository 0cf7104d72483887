import type { MemoryOrigin } from "./origin.js";
import type { MemoryEvent } from "../store/rows.js";

export type { MemoryEvent, NewMemoryEvent } from "../store/rows.js";

/** An origin as the memory classes take it; `undoes` is set only by undo, which records op "undo". */
export type ChangeOrigin = MemoryOrigin & { undoes?: string };

export const USER_ORIGIN: ChangeOrigin = { actor: "user" };

/** A passage's value in an event. */
export interface PassageValue {
  text: string;
  tags: string[];
  created_at: string;
}

export function passageValue(p: { text: string; tags: string[]; createdAt: string }): string {
  return JSON.stringify({ text: p.text, tags: p.tags, created_at: p.createdAt } satisfies PassageValue);
}

export function parsePassageValue(v: string | null): PassageValue | null {
  return v === null ? null : (JSON.parse(v) as PassageValue);
}

/** The op and origin fields of an event for a change made with `origin` (default: the user). */
export function originFields(op: string, origin: ChangeOrigin = USER_ORIGIN) {
  return {
    op: origin.undoes ? "undo" : op,
    actor: origin.actor,
    reason: origin.reason ?? null,
    undoes: origin.undoes ?? null,
  };
}

/** What an event touched, for a person: a block label, or the start of a passage's text. */
export function eventSubject(e: MemoryEvent): string {
  if (e.kind === "block") return e.label ?? "?";
  const p = parsePassageValue(e.after) ?? parsePassageValue(e.before);
  const t = (p?.text ?? "").replace(/\s+/g, " ").trim();
  return `passage "${t.length > 40 ? `${t.slice(0, 39)}…` : t}"`;
}
