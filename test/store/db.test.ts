import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { explainSqliteError, openDatabase, StoreError } from "../../src/store/db.js";
import { SCHEMA_VERSION } from "../../src/store/migrations.js";
import { Store } from "../../src/store/store.js";
import { tempDir } from "../helpers/temp.js";

describe("database file", () => {
  it("is created with WAL journaling and the current schema version", () => {
    const dir = tempDir();
    const store = Store.open(join(dir, ".letta"));
    expect(store.db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(store.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    store.close();
    expect(existsSync(join(dir, ".letta", "letta.db"))).toBe(true);
  });

  it("refuses a database written by a newer schema, naming the file and leaving it unchanged", () => {
    const file = join(tempDir(), "letta.db");
    const raw = new Database(file);
    raw.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    raw.close();
    const before = readFileSync(file);
    expect(() => openDatabase(file)).toThrowError(/newer letta-code.*schema version/);
    expect(() => openDatabase(file)).toThrowError(file);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it("reports a corrupt file clearly and never overwrites it", () => {
    const file = join(tempDir(), "letta.db");
    const junk = Buffer.from("this is not a sqlite database, just some text ".repeat(200));
    writeFileSync(file, junk);
    let error: unknown;
    try {
      openDatabase(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("CORRUPT");
    expect((error as Error).message).toContain(file);
    expect((error as Error).message).toMatch(/Move it aside/);
    expect(readFileSync(file).equals(junk)).toBe(true);
  });

  it("reopening keeps everything written before", () => {
    const letta = join(tempDir(), ".letta");
    const a = Store.open(letta);
    const agent = a.agents.create("keeper");
    a.blocks.upsert(agent.id, { label: "human", value: "Ana, prefers tabs", limit: 100, description: "", readOnly: false });
    a.close();
    const b = Store.open(letta);
    expect(b.agents.byName("keeper")?.id).toBe(agent.id);
    expect(b.blocks.get(agent.id, "human")?.value).toBe("Ana, prefers tabs");
    b.close();
  });
});

describe("store failures name the database file", () => {
  it("a full disk (SQLITE_FULL) names the file and says what to do", async () => {
    const { Store } = await import("../../src/store/store.js");
    const { storeFailureMessage } = await import("../../src/store/db.js");
    const dir = tempDir();
    const store = Store.open(dir);
    const agent = store.agents.create("a", {});
    // A page budget the next writes cannot fit in: SQLite reports this exactly as a full disk.
    const pages = store.db.pragma("page_count", { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages}`);
    let message = "";
    try {
      for (let i = 0; i < 200; i++) store.agents.create(`agent-${i}-${"x".repeat(2000)}`, {});
    } catch (err) {
      message = storeFailureMessage(err, store.file);
    }
    store.close();
    expect(agent.id).toBeTruthy();
    expect(message).toContain(store.file);
    expect(message).toMatch(/disk is full/);
  });
});

describe("a database another process writes to", () => {
  it("a write refused at once (another process wrote since our read began) is not reported as a 5 s wait", () => {
    const file = join(tempDir(), "letta.db");
    const ours = openDatabase(file);
    const theirs = openDatabase(file);
    let error: unknown;
    theirs.exec("CREATE TABLE scratch (x)");
    ours.exec("BEGIN");
    ours.prepare("SELECT count(*) FROM scratch").get();
    theirs.prepare("INSERT INTO scratch VALUES (1)").run();
    const started = Date.now();
    try {
      ours.prepare("INSERT INTO scratch VALUES (2)").run();
    } catch (err) {
      error = explainSqliteError(err, file);
    }
    ours.exec("ROLLBACK");
    ours.close();
    theirs.close();
    expect(Date.now() - started).toBeLessThan(4000);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe("BUSY");
    expect((error as StoreError).message).toContain(file);
    expect((error as StoreError).message).toMatch(/SQLITE_BUSY_SNAPSHOT.*try again/i);
    expect((error as StoreError).message).not.toMatch(/waited/);
  });
});
