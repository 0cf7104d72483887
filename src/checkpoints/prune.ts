import type { CheckpointStore } from "../store/checkpoints.js";
import type { BlobStore } from "./blobs.js";
import type { ShellSnapshots } from "./shell-snapshot.js";
import type { CheckpointSettings, PruneReport } from "./types.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Age first, then size: turns older than maxAgeDays, then the oldest ones while the blobs exceed
 * maxBytes. A pruned turn stays listed (its files marked not restorable); its blobs go unless
 * another live turn or the shell manifest still needs them.
 */
export function pruneCheckpoints(
  store: CheckpointStore,
  blobs: BlobStore,
  shell: ShellSnapshots,
  settings: CheckpointSettings,
  now = Date.now(),
): PruneReport {
  const report: PruneReport = { prunedTurns: 0, removedBlobs: 0, freedBytes: 0 };
  report.prunedTurns += store.pruneOlderThan(new Date(now - settings.maxAgeDays * DAY_MS).toISOString());
  // The bound first: at start-up it spares opening the blob database when it cannot be over.
  const over = () => blobs.bytesAtMost() > settings.maxBytes && blobs.bytes() > settings.maxBytes;
  if (report.prunedTurns === 0 && !over()) return report;
  collect(store, blobs, shell, report);
  // Each pruned turn is followed by a collection: what it frees is only known after one.
  while (over() && store.pruneOldest()) {
    report.prunedTurns++;
    collect(store, blobs, shell, report);
  }
  return report;
}

function collect(store: CheckpointStore, blobs: BlobStore, shell: ShellSnapshots, report: PruneReport): void {
  const keep = store.liveHashes();
  for (const h of shell.hashes()) keep.add(h);
  const drop = blobs.hashes().filter((h) => !keep.has(h));
  if (drop.length === 0) return;
  const before = blobs.bytes();
  blobs.remove(drop);
  report.removedBlobs += drop.length;
  report.freedBytes += before - blobs.bytes();
}
