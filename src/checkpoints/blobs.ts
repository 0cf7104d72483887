import { crypto } from "../lazy-builtins.js";
import { statSync } from "node:fs";
import { BlobDb } from "../store/blob-db.js";

export const hashBytes = (data: Buffer): string => crypto().createHash("sha256").update(data).digest("hex");

/**
 * Content-addressed file contents: a file's bytes are kept once however many turns saw them.
 * The database opens on first use: a turn that changes no file (most one-shot runs) never pays for it.
 */
export class BlobStore {
  private opened?: BlobDb;

  constructor(private readonly file: string) {}

  private get db(): BlobDb {
    return (this.opened ??= BlobDb.open(this.file));
  }

  /**
   * An upper bound of bytes() without opening the database: its files on disk hold every content
   * and more (pages, indexes, the write-ahead log), so a total under a limit is under it here too.
   */
  bytesAtMost(): number {
    if (this.opened) return this.opened.totalBytes();
    const size = (f: string) => statSync(f, { throwIfNoEntry: false })?.size ?? 0;
    return size(this.file) + size(`${this.file}-wal`);
  }

  put(data: Buffer): string {
    const hash = hashBytes(data);
    this.db.put(hash, data);
    return hash;
  }

  has(hash: string): boolean {
    return this.db.has(hash);
  }

  get(hash: string): Buffer {
    const data = this.db.get(hash);
    if (!data) throw new Error(`checkpoint content ${hash.slice(0, 12)} is gone (pruned)`);
    return data;
  }

  bytes(): number {
    return this.db.totalBytes();
  }

  hashes(): string[] {
    return this.db.hashes();
  }

  remove(hashes: string[]): void {
    this.db.remove(hashes);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn);
  }

  close(): void {
    this.opened?.close();
    this.opened = undefined;
  }
}
