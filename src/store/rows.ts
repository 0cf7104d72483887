/*
 * The shapes of stored rows, in the lowest layer that needs them: the store returns them and the
 * memory layer builds on them (memory/ re-exports them), so the store never imports memory.
 */

/**
 * Who changed memory, and why: recorded with every memory change so the user can read the history
 * and undo what was learned. A tool call in a turn is the `agent`; the background distillation pass
 * is `reflection`; the CLI, TUI and SDK acting for the person are `user`; a client of `letta-code serve`
 * (the Letta HTTP API) is `api`.
 */
export type MemoryActor = "agent" | "reflection" | "user" | "api";

export interface Block {
  label: string;
  value: string;
  limit: number;
  description: string;
  readOnly: boolean;
  updatedAt: string;
  /** Set when the block lives in the user-level store (~/.letta) and follows the user into every project. */
  shared?: boolean;
}

export interface Passage {
  id: number;
  text: string;
  tags: string[];
  createdAt: string;
  score?: number;
  /** Set when a newer passage on the same subject says this one changed. */
  supersededBy?: number;
}

export interface RecallMessage {
  id: number;
  role: "system" | "user" | "assistant" | "tool";
  content: string;
  createdAt: string;
  conversationId: string;
  score?: number;
  /** Set when a newer message on the same subject says this one changed. */
  supersededBy?: number;
}

export interface MessageSearchOptions {
  limit?: number;
  offset?: number;
  roles?: RecallMessage["role"][];
  from?: string;
  to?: string;
  /** "recent" (newest first, the default) or "rank" (best match first). */
  order?: "recent" | "rank";
  /** What relative dates in the query ("yesterday", "last Tuesday") resolve against; default now. */
  now?: string;
}

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
  /** Set when the change was made on another machine of the team (`user@host`) and pulled from the team database. */
  origin?: string;
}

export type NewMemoryEvent = Omit<MemoryEvent, "id" | "at" | "scope" | "agent_id" | "reason" | "undoes" | "origin"> & {
  reason?: string | null;
  undoes?: string | null;
};
