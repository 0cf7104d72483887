import type { MemoryActor, MemoryOrigin } from "./origin.js";

/**
 * One memory change, as recorded in `memory_events` and as printed by `memory log --json`.
 * Snake_case on purpose: this is a wire shape (the unit a later team sync replicates), not an
 * in-process object. It is self-contained: full before/after values, the passage identified by
 * its text hash, no pointer into rows only one database has (beyond the agent id).
 */
export interface MemoryEvent {
  /** Short random id (10 base32 chars), stable across databases; what users type (a unique prefix will do). */
  id: string;
  /** ISO-8601 UTC. */
  at: string;
  agent_id: string;
  actor: MemoryActor;
  kind: "block" | "passage";
  /** append | replace | rethink | set | create | remove | share | unshare | insert | delete | undo */
  op: string;
  label: string | null;
  /** sha256 of the passage's normalised text: the passage's identity in any database. */
  passage_id: string | null;
  /** A block's text (null: the block did not exist), or a passage as JSON {text, tags, created_at} (null: not stored). */
  before: string | null;
  after: string | null;
  reason: string | null;
  /** For op "undo": the id of the event it reverted. */
  undoes: string | null;
  /** Where the event is kept: the project's store, or the user store (~/.letta) for shared blocks. */
  scope: "project" | "user";
}

export type NewMemoryEvent = Omit<MemoryEvent, "id" | "at" | "scope" | "agent_id" | "reason" | "undoes"> & {
  reason?: string | null;
  undoes?: string | null;
};

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
