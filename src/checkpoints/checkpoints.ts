import * as fs from "node:fs";
import * as path from "node:path";
import type { Store } from "../store/store.js";
import type { CheckpointHooks } from "../tools/types.js";
import type { MemoryAccess } from "../memory/access.js";
import { BlobStore } from "./blobs.js";
import { pruneCheckpoints } from "./prune.js";
import { planRestore, applyRestore, projectRelative } from "./restore.js";
import { ShellSnapshots, type Snapshot } from "./shell-snapshot.js";
import { snapshotMemory } from "./memory-snapshot.js";
import type { CheckpointSettings, PruneReport, RestorePlan, TurnFile, TurnSummary } from "./types.js";

export const CHECKPOINT_DIR = "checkpoints";

/**
 * The project's checkpoints: per-turn records in the store, file contents in a content-addressed
 * blob store under `.letta/checkpoints/`. Never touches the user's `.git`.
 */
export class Checkpoints {
  readonly root: string;
  readonly blobs: BlobStore;
  readonly shell: ShellSnapshots;
  /** What pruning did when the checkpoints were opened (shown by `rewind --list`). */
  readonly pruned: PruneReport;

  constructor(
    private store: Store,
    projectRoot: string,
    lettaDir: string,
    readonly settings: CheckpointSettings,
    private notify: (message: string) => void = () => undefined,
  ) {
    this.root = fs.realpathSync(projectRoot);
    const dir = path.join(lettaDir, CHECKPOINT_DIR);
    this.blobs = new BlobStore(path.join(dir, "blobs.db"));
    this.shell = new ShellSnapshots(this.root, path.join(dir, "manifest.json"), this.blobs, settings.maxFileBytes, settings.maxBytes);
    this.pruned = pruneCheckpoints(store.checkpoints, this.blobs, this.shell, settings);
  }

  /** Open a turn's record (its memory as it was) and return the hooks the tools call. */
  beginTurn(agentId: string, conversationId: string, turnId: number, memory: MemoryAccess): CheckpointHooks {
    this.store.checkpoints.begin({
      turnId,
      agentId,
      conversationId,
      createdAt: new Date().toISOString(),
      memory: snapshotMemory(memory),
      passageMaxId: this.store.checkpoints.passageMaxId(agentId),
    });
    // A checkpoint that cannot be taken must not stop the agent's work: the user is told instead.
    const guard = <T>(what: string, fn: () => T): T | undefined => {
      try {
        return fn();
      } catch (e) {
        this.notify(`Checkpoint not taken (${what}): ${(e as Error).message}. Rewind cannot restore this change.`);
        return undefined;
      }
    };
    return {
      beforeWrite: (abs) => guard("before a write", () => this.captureBefore(turnId, abs)),
      afterWrite: (abs) => guard("after a write", () => this.captureAfter(turnId, abs)),
      // One transaction per snapshot: a first snapshot indexes thousands of blobs.
      beforeShell: () => guard("before a command", () => this.blobs.transaction(() => this.shell.before())),
      afterShell: (token) => {
        if (token) guard("after a command", () => this.store.transaction(() => this.blobs.transaction(() => this.recordShell(turnId, token as Snapshot))));
      },
    };
  }

  private read(abs: string): Buffer | null {
    try {
      return fs.readFileSync(abs);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw e;
    }
  }

  private captureBefore(turnId: number, abs: string): void {
    const rel = projectRelative(this.root, abs);
    if (!rel) return;
    const data = this.read(abs);
    const hash = data ? this.blobs.put(data) : null;
    this.store.checkpoints.recordFile({ turnId, path: rel, source: "tool", beforeHash: hash, afterHash: hash, restorable: true });
  }

  private captureAfter(turnId: number, abs: string): void {
    const rel = projectRelative(this.root, abs);
    if (!rel) return;
    const data = this.read(abs);
    this.store.checkpoints.setAfter(turnId, rel, data ? this.blobs.put(data) : null);
  }

  private recordShell(turnId: number, before: Snapshot): void {
    for (const c of this.shell.after(before)) {
      this.store.checkpoints.recordFile({ turnId, source: "shell", ...c });
    }
  }

  /** The conversation's turns, oldest first, with the files each changed. */
  listTurns(agentId: string, conversationId: string): TurnSummary[] {
    return this.store.checkpoints.list(agentId, conversationId).map((t) => ({
      turnId: t.turnId,
      createdAt: t.createdAt,
      text: t.text,
      pruned: !!t.prunedAt,
      files: this.store.checkpoints.files(t.turnId).map((f): TurnFile => ({
        path: f.path,
        change: f.beforeHash === null ? "created" : f.afterHash === null ? "deleted" : "modified",
        source: f.source,
        restorable: f.restorable && !t.prunedAt,
        restored: !!f.restoredAt,
      })),
    }));
  }

  plan(agentId: string, conversationId: string, turnId: number): RestorePlan {
    return planRestore(this.store, this.blobs, this.root, agentId, conversationId, turnId);
  }

  close(): void {
    this.blobs.close();
  }

  /** Write the plan back; marks the records restored so a later rewind does not see them as hand edits. */
  apply(agentId: string, conversationId: string, plan: RestorePlan) {
    return applyRestore(this.store, this.blobs, this.root, agentId, conversationId, plan);
  }
}
