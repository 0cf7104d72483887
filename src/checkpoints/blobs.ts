import { createHash } from "node:crypto";
import { BlobDb } from "../store/blob-db.js";

export const hashBytes = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

/** Content-addressed file contents: a file's bytes are kept once however many turns saw them. */
export class BlobStore {
  private db: BlobDb;

  constructor(file: string) {
    this.db = BlobDb.open(file);
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
    this.db.close();
  }
}
