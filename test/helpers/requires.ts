/**
 * Tests that need a program the machine may lack (bubblewrap, tmux). On a developer's machine
 * without it they skip, and the skipped suite's title says what is missing and how to install it;
 * under CI=true a missing program fails the file instead, so a CI image without it is noticed.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Requirement {
  /** Whether the program is there, i.e. whether the suite should run. */
  present: boolean;
  /** Appended to a suite title when it is skipped: the reason and the install command. */
  note: string;
}

function onPath(program: string): boolean {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    try {
      const p = path.join(dir, program);
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Use as `describe.skipIf(!req.present)(\`title${req.note}\`, …)`. Throws under CI=true when missing. */
export function requireProgram(program: string, install: string): Requirement {
  if (onPath(program)) return { present: true, note: "" };
  const why = `${program} not found on PATH; install it with \`${install}\``;
  if (process.env.CI === "true" || process.env.CI === "1") {
    throw new Error(`these tests need ${program}, and under CI a missing program is a failure, not a skip: ${why}`);
  }
  return { present: false, note: ` [skipped: ${why}]` };
}

export const BWRAP_INSTALL = "apt-get install bubblewrap";
export const TMUX_INSTALL = "apt-get install tmux";

/** Where Debian's postgresql-15 puts its server programs (they are not on PATH). */
export const POSTGRES_BIN = process.env.LETTA_TEST_POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";
export const POSTGRES_INSTALL = "apt-get install postgresql-15";

/** The PostgreSQL server programs a test cluster needs (initdb, pg_ctl, postgres). */
export function requirePostgres(): Requirement {
  const missing = ["initdb", "pg_ctl", "postgres"].filter((p) => !fs.existsSync(path.join(POSTGRES_BIN, p)));
  if (missing.length === 0) return { present: true, note: "" };
  const why = `${missing.join(", ")} not found in ${POSTGRES_BIN}; install them with \`${POSTGRES_INSTALL}\``;
  if (process.env.CI === "true" || process.env.CI === "1") {
    throw new Error(`these tests need PostgreSQL, and under CI a missing program is a failure, not a skip: ${why}`);
  }
  return { present: false, note: ` [skipped: ${why}]` };
}
