import * as fs from "node:fs";
import * as path from "node:path";
import type { Store } from "../store/store.js";
import type { CheckpointFileRow } from "../store/checkpoints.js";
import { resolveInProject } from "../permissions/paths.js";
import { LETTA_DIR } from "../config/project.js";
import { hashBytes, type BlobStore } from "./blobs.js";
import type { RestoreItem, RestorePlan, RewindResult } from "./types.js";

/** Directories no restore writes into: the same ones the agent's file tools may not change. */
const PROTECTED = new Set([".git", LETTA_DIR]);

/** A project-relative POSIX path, or null for anything outside the project or inside .git/.letta. */
export function projectRelative(root: string, abs: string): string | null {
  const rel = path.relative(root, abs);
  if (!rel || path.isAbsolute(rel) || rel === ".." || rel.startsWith(`..${path.sep}`)) return null;
  const parts = rel.split(path.sep);
  if (parts.some((p) => PROTECTED.has(p.toLowerCase()))) return null;
  return parts.join("/");
}

/**
 * Where a restore may write `rel`: resolved like a file tool's path (no escaping through a
 * symlink, never into .letta) and, after resolving, still not inside .git or .letta.
 */
function restoreTarget(root: string, rel: string): string {
  if (rel.split("/").some((p) => PROTECTED.has(p.toLowerCase()))) throw new Error(`${rel} is inside ${[...PROTECTED].join(" or ")}`);
  const abs = resolveInProject(root, rel, { forWrite: true });
  if (projectRelative(root, abs) === null) throw new Error(`${rel} resolves into a protected directory`);
  return abs;
}

function currentHash(abs: string): string | null | "dir" {
  try {
    const st = fs.lstatSync(abs);
    if (!st.isFile()) return "dir";
    return hashBytes(fs.readFileSync(abs));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw e;
  }
}

function byPath(rows: CheckpointFileRow[]): Map<string, CheckpointFileRow[]> {
  const m = new Map<string, CheckpointFileRow[]>();
  for (const r of rows) m.set(r.path, [...(m.get(r.path) ?? []), r]);
  return m;
}

/**
 * For every file changed in this turn or later: its content before the turn (the first record's
 * before-image), and whether it still holds what the agent left (the last record's after-image).
 */
export function planRestore(store: Store, blobs: BlobStore, root: string, agentId: string, conversationId: string, turnId: number): RestorePlan {
  const items: RestoreItem[] = [];
  for (const [rel, rows] of byPath(store.checkpoints.filesSince(agentId, conversationId, turnId))) {
    const first = rows[0]!;
    const last = rows[rows.length - 1]!;
    const target = first.beforeHash;
    let abs: string;
    try {
      abs = restoreTarget(root, rel);
    } catch (e) {
      items.push({ path: rel, action: "keep", conflict: false, restorable: false, reason: (e as Error).message });
      continue;
    }
    const current = currentHash(abs);
    if (!first.restorable) {
      items.push({ path: rel, action: "keep", conflict: false, restorable: false, reason: "changed by a shell command, not restorable (the file or the repository is over the snapshot size cap)" });
      continue;
    }
    if (store.checkpoints.get(first.turnId)?.prunedAt || (target !== null && !blobs.has(target))) {
      items.push({ path: rel, action: "keep", conflict: false, restorable: false, reason: "checkpoint pruned" });
      continue;
    }
    if (current === "dir") {
      items.push({ path: rel, action: "keep", conflict: false, restorable: false, reason: "is now a directory or a link; not replaced" });
      continue;
    }
    const action = current === target ? "keep" : target === null ? "delete" : "write";
    items.push({ path: rel, action, conflict: action !== "keep" && current !== last.afterHash, restorable: true });
  }
  return { turnId, items };
}

export function applyRestore(
  store: Store,
  blobs: BlobStore,
  root: string,
  agentId: string,
  conversationId: string,
  plan: RestorePlan,
): Pick<RewindResult, "restored" | "deleted" | "skipped"> {
  const result: Pick<RewindResult, "restored" | "deleted" | "skipped"> = { restored: [], deleted: [], skipped: [] };
  const done: string[] = [];
  const rows = store.checkpoints.filesSince(agentId, conversationId, plan.turnId);
  const records = byPath(rows);
  for (const item of plan.items) {
    if (!item.restorable) {
      result.skipped.push({ path: item.path, reason: item.reason ?? "not restorable" });
      continue;
    }
    try {
      const abs = restoreTarget(root, item.path);
      if (item.action === "write") {
        const data = blobs.get(records.get(item.path)![0]!.beforeHash!);
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, data);
        result.restored.push(item.path);
      } else if (item.action === "delete") {
        fs.rmSync(abs, { force: true });
        result.deleted.push(item.path);
      }
      done.push(item.path);
    } catch (e) {
      result.skipped.push({ path: item.path, reason: (e as Error).message });
    }
  }
  const paths = new Set(done);
  store.checkpoints.markRestored(rows.filter((r) => paths.has(r.path)));
  return result;
}
