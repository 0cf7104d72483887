import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

export const hashBytes = (data: Buffer): string => createHash("sha256").update(data).digest("hex");

/**
 * Content-addressed file store under `.letta/checkpoints/blobs`: a file's bytes are kept once
 * however many turns saw them. The index of sizes lives in the database (for pruning by size).
 */
export class BlobStore {
  constructor(
    readonly dir: string,
    private onAdd: (hash: string, size: number) => void,
  ) {}

  private file(hash: string): string {
    return path.join(this.dir, hash.slice(0, 2), hash.slice(2));
  }

  put(data: Buffer): string {
    const hash = hashBytes(data);
    const file = this.file(hash);
    if (!fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Write then rename: a crash never leaves a half blob under the right name.
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, data);
      fs.renameSync(tmp, file);
    }
    this.onAdd(hash, data.length);
    return hash;
  }

  has(hash: string): boolean {
    return fs.existsSync(this.file(hash));
  }

  get(hash: string): Buffer {
    return fs.readFileSync(this.file(hash));
  }

  remove(hash: string): void {
    fs.rmSync(this.file(hash), { force: true });
  }
}
