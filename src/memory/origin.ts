import type { MemoryActor } from "../store/rows.js";

/** Who changed memory (agent, reflection, user): defined with the stored rows that record it. */
export type { MemoryActor } from "../store/rows.js";

export interface MemoryOrigin {
  actor: MemoryActor;
  /** A short "why this is worth remembering", when the writer gave one. */
  reason?: string;
}
