/** What the faces (CLI, TUI, SDK) see of checkpoints and rewind. */

export interface TurnFile {
  path: string;
  change: "created" | "modified" | "deleted";
  source: "tool" | "shell";
  /** False for a shell change to a file over the size cap, or once the turn was pruned. */
  restorable: boolean;
  restored: boolean;
}

export interface TurnSummary {
  /** The id of the turn's user message; what `letta-code rewind <turn-id>` takes. */
  turnId: number;
  createdAt: string;
  text: string;
  files: TurnFile[];
  /** Old enough (or over the size budget) that its file contents were dropped. */
  pruned: boolean;
}

export interface RestoreItem {
  path: string;
  /** write: put the old content back; delete: the file did not exist; keep: it already holds the old content. */
  action: "write" | "delete" | "keep";
  /** The file is not as the agent left it (changed by hand since): restoring needs confirmation. */
  conflict: boolean;
  restorable: boolean;
  reason?: string;
}

export interface RestorePlan {
  turnId: number;
  items: RestoreItem[];
}

export interface RewindOptions {
  code: boolean;
  conversation: boolean;
  memory: boolean;
  /** Overwrite files changed by hand since (the user confirmed). */
  force?: boolean;
}

export interface RewindResult {
  /** Set when nothing was done because files changed by hand need confirmation. */
  needsConfirmation?: RestoreItem[];
  restored: string[];
  deleted: string[];
  /** Files that could not be brought back, with why. */
  skipped: { path: string; reason: string }[];
  /** Messages taken out of the context window (still in recall). */
  evicted: number;
  /** The chosen turn's user message, for editing and resending. */
  text: string;
  memory?: { blocks: number; passages: number };
}

export interface PruneReport {
  prunedTurns: number;
  removedBlobs: number;
  freedBytes: number;
}

export interface CheckpointSettings {
  maxAgeDays: number;
  maxBytes: number;
  /** Shell snapshots keep files up to this size; bigger ones are listed as not restorable. */
  maxFileBytes: number;
}
