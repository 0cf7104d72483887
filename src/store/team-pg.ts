/*
 * The PostgreSQL side of team memory: the shared events table and its migrations. The only module
 * that speaks SQL to PostgreSQL; `pg` is imported here, lazily, so nothing loads it unless the
 * project has joined a team.
 */
import type { Client, ClientConfig, Notification } from "pg";
import type { OutgoingEvent } from "./team.js";

/** Short on purpose: with the database down, every command must still finish promptly. */
export const CONNECT_TIMEOUT_MS = 3000;
const QUERY_TIMEOUT_MS = 15000;
export const NOTIFY_CHANNEL = "letta_team";

/** An event as the team database holds it, with the machine that made it. */
export interface TeamEvent extends OutgoingEvent {
  seq: number;
  machine: string;
  origin: string;
}

const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    // One row per memory event of any project; (project, id) is the idempotency key a re-push meets.
    // seq orders the pull: pushes to one project take an advisory lock, so seqs commit in order.
    sql: `
CREATE TABLE letta_team_events (
  seq bigserial PRIMARY KEY,
  project text NOT NULL,
  id text NOT NULL,
  machine text NOT NULL,
  origin text NOT NULL,
  agent text NOT NULL,
  at text NOT NULL,
  actor text NOT NULL,
  kind text NOT NULL,
  op text NOT NULL,
  label text,
  passage_id text,
  before text,
  after text,
  reason text,
  undoes text,
  pushed_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (project, id)
);
CREATE INDEX letta_team_events_pull ON letta_team_events (project, seq);
`,
  },
];
export const TEAM_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export class TeamDatabase {
  private constructor(readonly client: Client) {}

  /** Connect (password from the URL, PGPASSWORD or ~/.pgpass; sslmode from the URL), with short timeouts. */
  static async connect(url: string): Promise<TeamDatabase> {
    const pg = (await import("pg")).default;
    const config: ClientConfig = {
      connectionString: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      query_timeout: QUERY_TIMEOUT_MS,
      application_name: "letta-code",
    };
    const client = new pg.Client(config);
    // A dropped connection must not crash the process: it is reported by the next query.
    client.on("error", () => undefined);
    await client.connect();
    return new TeamDatabase(client);
  }

  async serverVersion(): Promise<{ number: number; text: string }> {
    const r = await this.client.query<{ n: string; v: string }>("SELECT current_setting('server_version_num') AS n, version() AS v");
    return { number: Number(r.rows[0].n), text: r.rows[0].v.split(",")[0] };
  }

  /** Create or upgrade the schema; safe to run from several machines at once. Returns the version it is at. */
  async migrate(): Promise<number> {
    const c = this.client;
    await c.query("BEGIN");
    try {
      await c.query("SELECT pg_advisory_xact_lock(hashtext('letta_team_schema'))");
      await c.query("CREATE TABLE IF NOT EXISTS letta_team_schema (version integer NOT NULL)");
      const r = await c.query<{ version: number }>("SELECT version FROM letta_team_schema");
      let version = r.rows[0]?.version ?? 0;
      if (r.rows.length === 0) await c.query("INSERT INTO letta_team_schema (version) VALUES (0)");
      if (version > TEAM_SCHEMA_VERSION) {
        throw new Error(`the team database's schema (version ${version}) is newer than this letta-code knows (${TEAM_SCHEMA_VERSION}); upgrade letta-code.`);
      }
      for (const m of MIGRATIONS) {
        if (m.version <= version) continue;
        await c.query(m.sql);
        version = m.version;
      }
      await c.query("UPDATE letta_team_schema SET version = $1", [version]);
      await c.query("COMMIT");
      return version;
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  }

  /** Whether the schema exists and is one this code can use (sync does not create it; join does). */
  async schemaVersion(): Promise<number> {
    const r = await this.client.query<{ t: string | null }>("SELECT to_regclass('letta_team_schema') AS t");
    if (!r.rows[0].t) return 0;
    return (await this.client.query<{ version: number }>("SELECT version FROM letta_team_schema")).rows[0]?.version ?? 0;
  }

  /**
   * Insert events in one transaction; an event already there (a push cut short after its commit, then
   * repeated) is skipped by its key. Listeners are told on commit.
   */
  async push(project: string, machine: string, origin: string, events: OutgoingEvent[]): Promise<void> {
    if (events.length === 0) return;
    const cols = ["id", "agent", "at", "actor", "kind", "op", "label", "passage_id", "before", "after", "reason", "undoes"] as const;
    const arrays = cols.map((k) => events.map((e) => e[k]));
    const c = this.client;
    await c.query("BEGIN");
    try {
      await c.query("SELECT pg_advisory_xact_lock(hashtext($1))", [`letta_team:${project}`]);
      await c.query(
        `INSERT INTO letta_team_events (project, machine, origin, ${cols.join(", ")})
         SELECT $1, $2, $3, ${cols.map((_, i) => `u.c${i}`).join(", ")}
         FROM unnest(${cols.map((_, i) => `$${i + 4}::text[]`).join(", ")}) AS u(${cols.map((_, i) => `c${i}`).join(", ")})
         ON CONFLICT (project, id) DO NOTHING`,
        [project, machine, origin, ...arrays],
      );
      await c.query("SELECT pg_notify($1, $2)", [NOTIFY_CHANNEL, project]);
      await c.query("COMMIT");
    } catch (err) {
      await c.query("ROLLBACK").catch(() => undefined);
      throw err;
    }
  }

  /**
   * Other machines' events after `cursor`, oldest first. Anyone who can write the table can put a
   * gigabyte in a row: a column over `maxText` characters is not fetched, the row comes `oversized`
   * (and is refused by the caller) so one batch stays small in memory.
   */
  async pull(project: string, machine: string, cursor: number, limit: number, maxText: number): Promise<(TeamEvent & { oversized: boolean })[]> {
    const cols = ["id", "origin", "agent", "at", "actor", "kind", "op", "label", "passage_id", "before", "after", "reason", "undoes"];
    const big = cols.map((c) => `COALESCE(length(${c}), 0) > $5`).join(" OR ");
    const r = await this.client.query(
      `SELECT seq, machine, (${big}) AS oversized, ${cols.map((c) => `CASE WHEN ${big} THEN NULL ELSE ${c} END AS ${c}`).join(", ")}
         FROM letta_team_events WHERE project = $1 AND seq > $2 AND machine <> $3 ORDER BY seq LIMIT $4`,
      [project, cursor, machine, limit, maxText],
    );
    return r.rows.map((row) => ({ ...row, seq: Number(row.seq) }) as TeamEvent & { oversized: boolean });
  }

  async counts(project: string): Promise<{ events: number; machines: number }> {
    const r = await this.client.query<{ n: string; m: string }>(
      "SELECT COUNT(*) AS n, COUNT(DISTINCT machine) AS m FROM letta_team_events WHERE project = $1",
      [project],
    );
    return { events: Number(r.rows[0].n), machines: Number(r.rows[0].m) };
  }

  /** Call `onChange` whenever another machine pushes to `project`. */
  async listen(project: string, onChange: () => void): Promise<void> {
    this.client.on("notification", (n: Notification) => {
      if (n.channel === NOTIFY_CHANNEL && n.payload === project) onChange();
    });
    await this.client.query(`LISTEN ${NOTIFY_CHANNEL}`);
  }

  onEnd(fn: () => void): void {
    this.client.on("end", fn);
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
