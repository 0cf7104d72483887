/**
 * A throwaway PostgreSQL cluster for one test file: initdb into a temp folder, trust auth, a random
 * port on 127.0.0.1, stopped (and removed) at the end. As root the server programs run as `postgres`
 * (PostgreSQL refuses root). Never the machine's packaged cluster.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { POSTGRES_BIN } from "./requires.js";

export interface TestPostgres {
  port: number;
  /** A fresh database's URL (postgres user, no password). */
  createDb(name: string): string;
  stop(): void;
  start(): void;
  remove(): void;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startPostgres(): Promise<TestPostgres> {
  const asRoot = process.getuid?.() === 0;
  const run = (prog: string, args: string[]) => {
    const argv = asRoot
      ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--clear-groups", join(POSTGRES_BIN, prog), ...args]
      : [join(POSTGRES_BIN, prog), ...args];
    return execFileSync(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", timeout: 60_000 });
  };
  const dir = mkdtempSync(join(tmpdir(), "letta-pg-"));
  chmodSync(dir, 0o755);
  const data = join(dir, "data");
  mkdirSync(data, { mode: 0o700 });
  if (asRoot) {
    const pg = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, pg, gid);
    chownSync(data, pg, gid);
  }
  run("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-N", "-E", "UTF8", "--locale=C"]);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const start = () => run("pg_ctl", ["-D", data, "-o", opts, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
  start();
  return {
    port,
    createDb(name) {
      execFileSync(join(POSTGRES_BIN, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name], {
        stdio: "ignore",
      });
      return `postgres://postgres@127.0.0.1:${port}/${name}`;
    },
    stop: () => void run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]),
    start: () => void start(),
    remove() {
      try {
        run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
