// Team memory sync against a throwaway PostgreSQL (initdb in a temp folder, loopback, random port):
//  1. 10k events from 10 machines (1,000 each: passages and block edits), pulled and applied by an 11th (goal ≤ 2 s);
//  2. joining a project whose database holds 100k passages: the first pull (goal ≤ 60 s);
//  3. the cost a turn pays: TeamSessionSync.afterTurn() only schedules the sync (goal ≤ 1 ms).
// Run: npm run build && node bench/team-sync.js   (skips, saying why, without PostgreSQL's server programs)
import { execFileSync } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Store } from "../dist/store/store.js";
import { passageHash } from "../dist/store/passages.js";
import { TeamSync } from "../dist/team/sync.js";
import { TeamDatabase } from "../dist/store/team-pg.js";
import { TeamSessionSync } from "../dist/team/session-sync.js";

const BIN = process.env.LETTA_TEST_POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";
if (!existsSync(join(BIN, "initdb"))) {
  console.log(`skipped: no PostgreSQL server programs in ${BIN} (apt-get install postgresql-15)`);
  process.exit(0);
}
const JOIN_PASSAGES = Number(process.env.BENCH_TEAM_PASSAGES ?? 100_000);

const asRoot = process.getuid?.() === 0;
const pgRun = (prog, args) =>
  execFileSync(asRoot ? "setpriv" : join(BIN, prog), asRoot ? ["--reuid=postgres", "--regid=postgres", "--clear-groups", join(BIN, prog), ...args] : args, {
    stdio: ["ignore", "pipe", "pipe"],
  });
const freePort = () =>
  new Promise((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });

const dir = mkdtempSync(join(tmpdir(), "letta-bench-pg-"));
chmodSync(dir, 0o755);
const data = join(dir, "data");
mkdirSync(data, { mode: 0o700 });
if (asRoot) {
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
  chownSync(dir, uid, gid);
  chownSync(data, uid, gid);
}
const work = mkdtempSync(join(tmpdir(), "letta-bench-team-"));
const port = await freePort();
pgRun("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-N", "-E", "UTF8", "--locale=C"]);
pgRun("pg_ctl", ["-D", data, "-o", `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`, "-l", join(dir, "log"), "-w", "start"]);

let n = 0;
function machine() {
  const store = Store.open(join(work, `m${++n}`, ".letta"));
  const agentId = store.agents.create("default").id;
  return { store, agentId };
}
const syncOf = (m, url) => new TeamSync(m.store, { url, project: "bench" }, (name) => m.store.agents.byName(name)?.id);
const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;

/** `events` memory changes on one machine: passages, and every `blockEvery`th an append to a block of its own. */
function makeChanges(m, events, tag, blockEvery = 4) {
  const { store, agentId } = m;
  const label = `notes-${tag}`;
  store.blocks.upsert(agentId, { label, value: "", limit: 1_000_000, description: "", readOnly: false });
  let value = "";
  store.transaction(() => {
    for (let i = 0; i < events; i++) {
      if (blockEvery && i % blockEvery === blockEvery - 1) {
        const before = value;
        value += `\nnote ${i} from ${tag}`;
        store.blocks.setValue(agentId, label, value);
        store.memoryEvents.record(agentId, { actor: "agent", kind: "block", op: "append", label, passage_id: null, before, after: value });
      } else {
        const text = `Fact ${i} from ${tag}: the billing cron retries ${i % 7} times before paging.`;
        const createdAt = new Date().toISOString();
        store.passages.insert(agentId, { text, tags: ["bench"], createdAt });
        const after = JSON.stringify({ text, tags: ["bench"], created_at: createdAt });
        store.memoryEvents.record(agentId, { actor: "agent", kind: "passage", op: "insert", label: null, passage_id: passageHash(text), before: null, after });
      }
    }
  });
}

async function database(name) {
  execFileSync(join(BIN, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", name]);
  const url = `postgres://postgres@127.0.0.1:${port}/${name}`;
  const db = await TeamDatabase.connect(url);
  await db.migrate();
  await db.close();
  return url;
}

try {
  // 1. Ten machines push 1,000 events each; an eleventh pulls and applies them all.
  let url = await database("bench10k");
  let pushMs = 0;
  for (let i = 0; i < 10; i++) {
    const m = machine();
    makeChanges(m, 1000, `m${i}`);
    // Push only: a sender's own pull of the others' events is the receiver's case, measured below.
    const db = await TeamDatabase.connect(url);
    const t0 = process.hrtime.bigint();
    await syncOf(m, url).push(db);
    pushMs += ms(t0);
    await db.close();
    m.store.close();
  }
  const receiver = machine();
  let t0 = process.hrtime.bigint();
  const r = await syncOf(receiver, url).sync();
  const pullMs = ms(t0);
  console.log(`10 machines × 1,000 events: push ${(pushMs / 10).toFixed(0)} ms per machine; pull+apply of ${r.pulled} events ${pullMs.toFixed(0)} ms (goal ≤ 2000 ms)`);
  receiver.store.close();

  // 2. Joining a project with 100k passages.
  url = await database("bench100k");
  const big = machine();
  makeChanges(big, JOIN_PASSAGES, "big", 0);
  t0 = process.hrtime.bigint();
  await syncOf(big, url).sync();
  const bigPush = ms(t0);
  big.store.close();
  const joiner = machine();
  t0 = process.hrtime.bigint();
  const j = await syncOf(joiner, url).sync();
  const joinMs = ms(t0);
  console.log(`join with ${JOIN_PASSAGES.toLocaleString("en")} passages (${joiner.store.passages.count(joiner.agentId).toLocaleString("en")} stored): first pull ${(joinMs / 1000).toFixed(1)} s (goal ≤ 60 s); the first push of them took ${(bigPush / 1000).toFixed(1)} s`);
  void j;

  // 3. What a turn pays: afterTurn() schedules, the sync runs after it.
  const sessionMachine = { store: joiner.store, resolveAgent: () => ({ id: joiner.agentId }), noticePassageWrites() {} };
  const syncs = [];
  let worst = 0;
  let total = 0;
  const N = 200;
  for (let i = 0; i < N; i++) {
    const s = new TeamSessionSync(sessionMachine, { url, project: "bench" }, { listen: false });
    const a = process.hrtime.bigint();
    s.afterTurn();
    const took = ms(a);
    total += took;
    worst = Math.max(worst, took);
    syncs.push(s);
    await syncs[i].end(10_000);
  }
  console.log(`cost added to a turn (afterTurn, the sync itself runs after): mean ${(total / N).toFixed(4)} ms, worst ${worst.toFixed(3)} ms (goal ≤ 1 ms)`);
  joiner.store.close();
} finally {
  try {
    pgRun("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  } catch {
    // already stopped
  }
  rmSync(dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
}
