import { existsSync } from "node:fs";
import { openDatabase, StoreError } from "./db.js";
import { SCHEMA_VERSION } from "./migrations.js";

export interface StoreHealth {
  state: "missing" | "ok" | "needs-migration" | "damaged" | "unreadable";
  schemaVersion?: number;
  /** SQLite's own words when integrity_check finds something, or why the file would not open. */
  detail?: string;
}

/**
 * `letta-code doctor`'s look at the store: opened read-only (a check must not migrate or create
 * anything), its schema version, and SQLite's integrity_check.
 */
export function storeHealth(file: string): StoreHealth {
  if (!existsSync(file)) return { state: "missing" };
  let db;
  try {
    db = openDatabase(file, { readonly: true });
  } catch (err) {
    if (err instanceof StoreError && err.code === "OLD_SCHEMA") return { state: "needs-migration", detail: err.message };
    return { state: "unreadable", detail: (err as Error).message };
  }
  try {
    const schemaVersion = db.pragma("user_version", { simple: true }) as number;
    const rows = db.pragma("integrity_check") as { integrity_check: string }[];
    const problems = rows.map((r) => r.integrity_check).filter((r) => r !== "ok");
    if (problems.length) return { state: "damaged", schemaVersion, detail: problems.slice(0, 3).join("; ") };
    return { state: "ok", schemaVersion };
  } catch (err) {
    return { state: "damaged", detail: (err as Error).message };
  } finally {
    db.close();
  }
}

export { SCHEMA_VERSION };
