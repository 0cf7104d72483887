import * as fs from "node:fs";
import { writeFileAtomic } from "../config/atomic-write.js";
import * as path from "node:path";
import type { BlobStore } from "./blobs.js";
import { ProjectScanner, type FileStat } from "./scan.js";
import { compareNames } from "../name-order.js";

/** The file existed but its content was not kept (over a size cap): a change to it is listed, not restorable. */
export const UNSTORED = "unstored";

interface Entry extends FileStat {
  /** The content's hash, or UNSTORED. */
  hash: string;
}

export type Snapshot = Map<string, Entry>;

export interface ShellChange {
  path: string;
  /** null: the file did not exist before the command. */
  beforeHash: string | null;
  afterHash: string | null;
  restorable: boolean;
}

/**
 * What run_shell may change, captured with a size+mtime scan: only files whose size or mtime
 * moved since the last scan are read and stored, so a warm snapshot costs a directory walk.
 * The manifest (path -> size, mtime, hash) persists in `.letta/checkpoints/manifest.json`.
 */
export class ShellSnapshots {
  private manifest: Snapshot | null = null;
  private scanner: ProjectScanner;

  constructor(
    private root: string,
    private manifestFile: string,
    private blobs: BlobStore,
    private maxFileBytes: number,
    /** A repository bigger than this is not copied: its shell changes are listed, not restorable. */
    private maxTotalBytes: number,
  ) {
    this.scanner = new ProjectScanner(root);
  }

  /** Call before the command: every file's current content is in the blob store afterwards. */
  before(): Snapshot {
    const known = this.load();
    const snap = this.capture(known);
    if (differs(known, snap)) this.save(snap);
    return snap;
  }

  /** Call after the command: what it created, changed or deleted. */
  after(before: Snapshot): ShellChange[] {
    const now = this.capture(before);
    const changes: ShellChange[] = [];
    for (const [rel, b] of before) {
      const a = now.get(rel);
      if (!a) changes.push({ path: rel, beforeHash: b.hash, afterHash: null, restorable: b.hash !== UNSTORED });
      else if (a.hash !== b.hash || a.hash === UNSTORED) {
        if (a === b) continue; // unstored and untouched (same size and mtime)
        changes.push({ path: rel, beforeHash: b.hash, afterHash: a.hash, restorable: b.hash !== UNSTORED });
      }
    }
    for (const [rel, a] of now) if (!before.has(rel)) changes.push({ path: rel, beforeHash: null, afterHash: a.hash, restorable: true });
    if (differs(before, now)) this.save(now);
    return changes.sort((x, y) => compareNames(x.path, y.path));
  }

  /** Hashes the manifest points at: pruning must keep them. */
  hashes(): Set<string> {
    const out = new Set<string>();
    for (const e of this.load().values()) if (e.hash !== UNSTORED) out.add(e.hash);
    return out;
  }

  /** Forget the manifest (after pruning removed blobs it may point at): the next scan reads every file. */
  invalidate(): void {
    this.manifest = new Map();
    fs.rmSync(this.manifestFile, { force: true });
  }

  private capture(known: Snapshot): Snapshot {
    const snap: Snapshot = new Map();
    const scan = this.scanner.scan();
    let total = 0;
    for (const st of scan.values()) total += st.size;
    const store = total <= this.maxTotalBytes;
    for (const [rel, st] of scan) {
      const k = known.get(rel);
      if (k && k.size === st.size && k.mtimeMs === st.mtimeMs) {
        snap.set(rel, k);
        continue;
      }
      let hash = UNSTORED;
      if (store && st.size <= this.maxFileBytes) {
        try {
          hash = this.blobs.put(fs.readFileSync(path.join(this.root, rel)));
        } catch {
          continue; // unreadable or vanished: not something a restore could bring back anyway
        }
      }
      snap.set(rel, { ...st, hash });
    }
    return snap;
  }

  private load(): Snapshot {
    if (this.manifest) return this.manifest;
    this.manifest = new Map();
    try {
      const raw = JSON.parse(fs.readFileSync(this.manifestFile, "utf8")) as [string, Entry][];
      // A manifest entry is only trusted if its blob is still there (pruning may have removed it).
      for (const [rel, e] of raw) if (e.hash === UNSTORED || this.blobs.has(e.hash)) this.manifest.set(rel, e);
    } catch {
      // First snapshot in this project, or an unreadable manifest: start from a full scan.
    }
    return this.manifest;
  }

  private save(snap: Snapshot): void {
    this.manifest = snap;
    fs.mkdirSync(path.dirname(this.manifestFile), { recursive: true });
    writeFileAtomic(this.manifestFile, JSON.stringify([...snap]));
  }
}

function differs(a: Snapshot, b: Snapshot): boolean {
  if (a.size !== b.size) return true;
  for (const [rel, e] of b) if (a.get(rel) !== e) return true;
  return false;
}
