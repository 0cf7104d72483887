import { ExpectedError } from "../errors.js";
import Database from "better-sqlite3";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { MIGRATIONS, SCHEMA_VERSION } from "./migrations.js";
import { indexedText } from "./search-terms.js";
import { sqliteOptions } from "./sqlite-addon.js";

export type DB = Database.Database;

/** A store failure with a message that names the file and says what to do. */
export class StoreError extends ExpectedError {
  constructor(message: string, readonly code?: string) {
    super(message);
    this.name = "StoreError";
  }
}

const BUSY_TIMEOUT_MS = 5000;

/** Turn SQLite's terse codes into something a person can act on. */
export function explainSqliteError(err: unknown, file: string): StoreError {
  const e = err as { code?: string; message?: string };
  const code = e?.code ?? "";
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT" || /not a database|malformed/i.test(e?.message ?? "")) {
    return new StoreError(
      `${file} is not a readable letta-code database (${e.message}). ` +
        `It was left untouched. Move it aside to start with a fresh memory (mv "${file}" "${file}.corrupt"), ` +
        `or restore it from a backup.`,
      "CORRUPT",
    );
  }
  // Plain SQLITE_BUSY is what the busy timeout running out gives. BUSY_SNAPSHOT comes at once (another
  // process wrote since this connection's read began), LOCKED from within one process: no wait to report.
  if (code === "SQLITE_BUSY") {
    return new StoreError(
      `${file} is locked by another process (waited ${BUSY_TIMEOUT_MS / 1000} s). ` +
        `Another letta-code may be in the middle of a long write; try again in a moment.`,
      "BUSY",
    );
  }
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED")) {
    const why = code === "SQLITE_BUSY_SNAPSHOT" ? "another letta-code wrote to it while this one was reading it" : e.message;
    return new StoreError(`${file} was busy (${code}: ${why}). Try again; a second try usually succeeds.`, "BUSY");
  }
  if (code === "SQLITE_FULL") {
    return new StoreError(
      `${file}: the disk is full (${e.message}). Free some space and run again; what was stored before is intact.`,
      "FULL",
    );
  }
  if (code.startsWith("SQLITE_READONLY") || code.startsWith("SQLITE_CANTOPEN") || code === "SQLITE_PERM") {
    return new StoreError(
      `${file} cannot be written (${e.message}). Check the permissions of the file and of ${dirname(file)}.`,
      "ACCESS",
    );
  }
  if (err instanceof StoreError) return err;
  return new StoreError(`${file}: ${e?.message ?? String(err)}`, code || undefined);
}

/**
 * Open (creating if needed) a letta-code database: WAL so readers never block the writer,
 * a busy timeout so two processes on one project wait instead of failing, then migrations.
 */
export function openDatabase(file: string, opts: { readonly?: boolean } = {}): DB {
  if (!opts.readonly) mkdirSync(dirname(file), { recursive: true });
  else if (!existsSync(file)) throw new StoreError(`${file} does not exist yet.`, "MISSING");
  let db: DB | undefined;
  try {
    db = opts.readonly ? openReadOnly(file) : new Database(file, sqliteOptions());
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // The full-text triggers call it: every connection that writes must have it.
    db.function("letta_index_text", { deterministic: true }, (text: unknown) => indexedText(String(text ?? "")));
    // Reading the version forces SQLite to read the header, which is where corruption shows up.
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new StoreError(
        `${file} was written by a newer letta-code (schema version ${version}; this version understands up to ${SCHEMA_VERSION}). ` +
          `Upgrade letta-code (npm install -g letta-code@latest); the database was not changed.`,
        "NEWER_SCHEMA",
      );
    }
    // Read-only, the migrations cannot run: the caller opens it writable instead (and migrates).
    if (opts.readonly && version < SCHEMA_VERSION) throw new StoreError(`${file} needs migrating first.`, "OLD_SCHEMA");
    if (!opts.readonly) {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      migrate(db, version);
    }
    db.pragma("foreign_keys = ON");
    return db;
  } catch (err) {
    db?.close();
    throw explainSqliteError(err, file);
  }
}

/**
 * A WAL database can be read without write access only once its -shm file exists; in a read-only
 * directory without one SQLite refuses (SQLITE_READONLY_DIRECTORY). With no -wal file either, the
 * main file holds everything committed, so a private in-memory copy reads the same data.
 */
function openReadOnly(file: string): DB {
  const db = new Database(file, { ...sqliteOptions(), readonly: true, fileMustExist: true });
  try {
    db.pragma("user_version", { simple: true });
    return db;
  } catch (err) {
    db.close();
    const wal = `${file}-wal`;
    const code = (err as { code?: string }).code ?? "";
    if (!code.startsWith("SQLITE_READONLY") || (existsSync(wal) && statSync(wal).size > 0)) throw err;
    const image = readFileSync(file);
    // Header bytes 18-19 say "WAL"; an in-memory database has no WAL, so the copy says "rollback journal".
    if (image.length >= 20 && image[18] === 2) image[18] = image[19] = 1;
    return new Database(image, { ...sqliteOptions(), readonly: true });
  }
}

/** A better-sqlite3 failure anywhere, said with the database file it concerns; other errors keep their message. */
export function storeFailureMessage(err: unknown, file: string): string {
  const code = (err as { code?: unknown })?.code;
  if (err instanceof StoreError) return err.message;
  if (typeof code === "string" && code.startsWith("SQLITE_")) return explainSqliteError(err, file).message;
  return err instanceof Error ? err.message : String(err);
}

function migrate(db: DB, from: number): void {
  const pending = MIGRATIONS.filter((m) => m.version > from);
  if (pending.length === 0) return;
  // IMMEDIATE takes the write lock up front, so two processes creating the same fresh database
  // cannot both run migration 1; the loser re-reads the version inside the lock.
  const run = db.transaction(() => {
    const current = db.pragma("user_version", { simple: true }) as number;
    for (const m of MIGRATIONS) {
      if (m.version <= current) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  });
  run.immediate();
}

const statements = new WeakMap<DB, Map<string, Database.Statement>>();

/** Prepared statements are compiled once per connection: compiling costs more than running most of ours. */
export function sql(db: DB, text: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  let stmt = cache.get(text);
  if (!stmt) cache.set(text, (stmt = db.prepare(text)));
  return stmt;
}

/**
 * Writes take the lock up front (BEGIN IMMEDIATE). A deferred transaction that reads first and
 * then writes cannot wait out another process's commit in WAL mode: SQLite fails it at once
 * with "database is locked" instead of using the busy timeout.
 */
export function writeTransaction<T>(db: DB, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/** ISO-8601 UTC timestamps everywhere: sortable as text and what date filters compare against. */
export function nowIso(): string {
  return new Date().toISOString();
}
