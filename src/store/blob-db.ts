import Database from "better-sqlite3";
import { sqliteOptions } from "./sqlite-addon.js";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { explainSqliteError, sql, writeTransaction, type DB } from "./db.js";

/**
 * The checkpoint blobs: file contents by hash, in their own SQLite file beside letta.db. One file
 * rather than a file per blob, because creating thousands of small files (a first shell snapshot)
 * costs seconds on a busy disk; a separate file, so memory's database does not carry copies of the
 * repository and the blobs can be removed without touching memory.
 */
export class BlobDb {
  private constructor(private db: DB) {}

  static open(file: string): BlobDb {
    mkdirSync(dirname(file), { recursive: true });
    let db: DB | undefined;
    try {
      db = new Database(file, sqliteOptions());
      db.pragma("busy_timeout = 5000");
      // Set before the first table exists, so pruning can give the space back.
      db.pragma("auto_vacuum = INCREMENTAL");
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.exec("CREATE TABLE IF NOT EXISTS blobs (hash TEXT PRIMARY KEY, size INTEGER NOT NULL, data BLOB NOT NULL)");
      return new BlobDb(db);
    } catch (err) {
      db?.close();
      throw explainSqliteError(err, file);
    }
  }

  put(hash: string, data: Buffer): void {
    sql(this.db, "INSERT OR IGNORE INTO blobs (hash, size, data) VALUES (?, ?, ?)").run(hash, data.length, data);
  }

  has(hash: string): boolean {
    return sql(this.db, "SELECT 1 FROM blobs WHERE hash = ?").get(hash) !== undefined;
  }

  get(hash: string): Buffer | undefined {
    return (sql(this.db, "SELECT data FROM blobs WHERE hash = ?").get(hash) as { data: Buffer } | undefined)?.data;
  }

  totalBytes(): number {
    return (sql(this.db, "SELECT COALESCE(SUM(size), 0) AS n FROM blobs").get() as { n: number }).n;
  }

  hashes(): string[] {
    return (sql(this.db, "SELECT hash FROM blobs").all() as { hash: string }[]).map((r) => r.hash);
  }

  remove(hashes: string[]): void {
    const stmt = sql(this.db, "DELETE FROM blobs WHERE hash = ?");
    writeTransaction(this.db, () => hashes.forEach((h) => stmt.run(h)));
    this.db.pragma("incremental_vacuum");
  }

  transaction<T>(fn: () => T): T {
    return writeTransaction(this.db, fn);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
