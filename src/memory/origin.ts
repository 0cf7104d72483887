/**
 * Who changed memory, and why: recorded with every memory change so the user can read the history
 * and undo what was learned. A tool call in a turn is the `agent`; the background distillation pass
 * is `reflection`; the CLI, TUI and SDK acting for the person are `user`.
 */
export type MemoryActor = "agent" | "reflection" | "user";

export interface MemoryOrigin {
  actor: MemoryActor;
  /** A short "why this is worth remembering", when the writer gave one. */
  reason?: string;
}
