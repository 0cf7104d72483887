import { execFileSync, spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, cleanEnv, runCli } from "../helpers/cli.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { startPostgres, type TestPostgres } from "../helpers/postgres.js";
import { requirePostgres } from "../helpers/requires.js";
import { tempDir } from "../helpers/temp.js";

const postgres = requirePostgres();

interface Clone {
  root: string;
  home: string;
}

/** Two clones of one repository (the same root commit), each with its own HOME: two machines. */
function twoClones(): [Clone, Clone] {
  const base = tempDir("letta-team-");
  const a = join(base, "alice");
  mkdirSync(a);
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd, stdio: "ignore" });
  git(a, "init", "-q");
  writeFileSync(join(a, "README.md"), "# billing service\n");
  git(a, "add", ".");
  git(a, "commit", "-q", "-m", "first");
  git(base, "clone", "-q", a, join(base, "bob"));
  const homes = [join(base, "home-a"), join(base, "home-b")];
  for (const h of homes) mkdirSync(h);
  return [
    { root: a, home: homes[0] },
    { root: join(base, "bob"), home: homes[1] },
  ];
}

describe.skipIf(!postgres.present)(`team memory through PostgreSQL${postgres.note}`, () => {
  let db: TestPostgres;
  let server: ScriptedServer;
  let n = 0;
  beforeAll(async () => {
    db = await startPostgres();
    server = await startScriptedServer();
  }, 120_000);
  afterAll(async () => {
    db?.remove();
    await server?.close();
  });

  const cli = (c: Clone, ...args: string[]) => runCli(args, { cwd: c.root, home: c.home, stdin: "ignore" });
  const turn = (c: Clone, prompt: string) => cli(c, "-p", prompt, "--model", "scripted-model", "--base-url", server.url);

  it("shares a project block edit and a passage, never the human block; offline edits merge after the database is back", async () => {
    const url = db.createDb(`team${++n}`);
    const [alice, bob] = twoClones();
    for (const c of [alice, bob]) {
      const r = await cli(c, "team", "join", url, "--yes");
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("Joined.");
      expect(r.stdout).toMatch(/Stays on this machine: blocks [^\n]*human/);
    }
    // The URL is in each user's own config, keyed by the project, never in the repository.
    const config = JSON.parse(readFileSync(join(alice.home, ".config", "letta-code", "config.json"), "utf8"));
    expect(Object.values(config.team.projects)).toEqual([{ url }]);
    expect(statSync(join(alice.home, ".config", "letta-code", "config.json")).mode & 0o077).toBe(0);

    server.enqueue(
      {
        toolCalls: [
          { name: "core_memory_append", arguments: { label: "project", content: "Deploys go through the blue pipeline.", reason: "learned" } },
          { name: "archival_memory_insert", arguments: { content: "The billing cron runs at 02:00 UTC and retries twice." } },
          { name: "core_memory_append", arguments: { label: "human", content: "Alice prefers tabs." } },
        ],
      },
      { text: "Noted." },
    );
    expect((await turn(alice, "remember the deploy facts")).code).toBe(0);
    // The run pushes by itself after its turn, within a bounded wait at exit; `team sync` makes sure.
    let r = await cli(alice, "team", "sync");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    r = await cli(bob, "team", "sync");
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/pulled 2\b/);

    expect((await cli(bob, "memory", "show", "project")).stdout).toContain("blue pipeline");
    expect((await cli(bob, "memory", "show", "human")).stdout).not.toContain("tabs");
    expect((await cli(bob, "memory", "search", "billing", "cron")).stdout).toContain("02:00 UTC");
    const log = (await cli(bob, "memory", "log")).stdout;
    expect(log).toMatch(/agent\s+append\s+project \(from [^)]+@[^)]+\)/);
    expect(log).toMatch(/passage "The billing cron[^"]*" \(from /);
    server.enqueue({ text: "Blue pipeline." });
    const before = server.requests.length;
    expect((await turn(bob, "how do deploys go?")).code).toBe(0);
    const system = JSON.stringify(server.requests[before].body.messages);
    expect(system).toContain("blue pipeline");
    expect(system).not.toContain("Alice prefers tabs");

    // The database goes away: both keep working, and each appends its own line.
    db.stop();
    for (const [c, line] of [
      [alice, "Staging is reset every Monday."],
      [bob, "The flaky test is test_refunds."],
    ] as const) {
      server.enqueue({ toolCalls: [{ name: "core_memory_append", arguments: { label: "project", content: line } }] }, { text: "Ok." });
      const t0 = Date.now();
      const t = await turn(c, "note this");
      expect(t.code).toBe(0);
      expect(Date.now() - t0).toBeLessThan(15_000);
      const s = await cli(c, "team", "status");
      expect(s.stdout).toMatch(/Pending: [1-9]/);
      r = await cli(c, "team", "sync");
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("team sync failed");
      expect((await cli(c, "team", "status")).stdout).toContain("Last error:");
    }
    db.start();
    for (const c of [alice, bob, alice]) expect((await cli(c, "team", "sync")).code).toBe(0);
    for (const c of [alice, bob]) {
      const text = (await cli(c, "memory", "show", "project")).stdout;
      expect(text).toContain("Staging is reset every Monday.");
      expect(text).toContain("The flaky test is test_refunds.");
      expect(text).toContain("blue pipeline");
      expect((await cli(c, "team", "status")).stdout).toMatch(/Pending: 0 /);
    }
    const a = (await cli(alice, "memory", "show", "project", "--json")).stdout;
    const b = (await cli(bob, "memory", "show", "project", "--json")).stdout;
    expect(JSON.parse(a)[0].value).toBe(JSON.parse(b)[0].value);
  }, 240_000);

  it("a sync killed mid-push (the join's first), then run again, delivers every event exactly once", async () => {
    const url = db.createDb(`team${++n}`);
    const [alice, bob] = twoClones();
    expect((await cli(bob, "team", "join", url, "--yes")).code).toBe(0);
    // Alice's changes are made before she joins: they wait in the outbox for the join's first push.
    const count = 300;
    server.enqueue(
      {
        toolCalls: Array.from({ length: count }, (_, i) => ({
          name: "archival_memory_insert",
          arguments: { content: `Fact number ${i} about the billing service.` },
        })),
      },
      { text: "Stored." },
    );
    expect((await turn(alice, "store the facts")).code).toBe(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const pushed = async () => Number((await client.query("SELECT COUNT(*) AS n FROM letta_team_events")).rows[0].n);
      // Small batches (one commit each), so the kill lands between commits.
      const child = spawn(process.execPath, [BIN, "team", "join", url, "--yes"], {
        cwd: alice.root,
        env: { ...cleanEnv(alice.home), LETTA_TEAM_BATCH: "5" },
        stdio: "ignore",
      });
      const exited = new Promise((resolve) => child.on("exit", resolve));
      let seen = 0;
      for (let i = 0; i < 2000 && seen === 0; i++) {
        seen = await pushed();
        if (seen === 0) await new Promise((res) => setTimeout(res, 5));
      }
      child.kill("SIGKILL");
      await exited;
      const atKill = await pushed();
      expect(atKill).toBeGreaterThan(0);
      expect(atKill).toBeLessThan(count);
      expect((await cli(alice, "team", "sync")).code).toBe(0);
      const rows = (await client.query("SELECT id, COUNT(*) AS n FROM letta_team_events GROUP BY id")).rows;
      expect(rows.length).toBe(count);
      expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
    } finally {
      await client.end();
    }
    expect((await cli(bob, "team", "sync")).stdout).toContain(`pulled ${count}`);
    expect((await cli(bob, "team", "sync")).stdout).toContain("pulled 0");
    const listed = (await cli(bob, "memory", "export")).stdout;
    expect(JSON.parse(listed).passages.length).toBe(count);
  }, 240_000);

  it("a running session sees another machine's change arrive through NOTIFY, without a command", async () => {
    const url = db.createDb(`team${++n}`);
    const [alice, bob] = twoClones();
    for (const c of [alice, bob]) expect((await cli(c, "team", "join", url, "--yes")).code).toBe(0);
    const session = spawn(
      process.execPath,
      [BIN, "-p", "--input-format", "stream-json", "--output-format", "stream-json", "--model", "scripted-model", "--base-url", server.url],
      { cwd: bob.root, env: cleanEnv(bob.home), stdio: ["pipe", "pipe", "pipe"] },
    );
    let stdout = "";
    session.stdout!.on("data", (d) => (stdout += d));
    const exited = new Promise((resolve) => session.on("exit", resolve));
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      // Until Bob's session is listening (its LISTEN is the connection's last statement).
      const listening = async () =>
        Number((await client.query("SELECT COUNT(*) AS n FROM pg_stat_activity WHERE query LIKE 'LISTEN%'")).rows[0].n) > 0;
      for (let i = 0; i < 200 && !(await listening()); i++) await new Promise((r) => setTimeout(r, 50));
      expect(await listening()).toBe(true);
      expect((await cli(alice, "memory", "edit", "project", "--value", "Releases are cut on Thursdays.")).code).toBe(0);
      expect((await cli(alice, "team", "sync")).code).toBe(0);
      const notice = () =>
        stdout
          .split("\n")
          .filter(Boolean)
          .map((l) => JSON.parse(l) as { type: string; code?: string; message?: string })
          .find((e) => e.type === "notice" && e.code === "team_synced");
      for (let i = 0; i < 100 && !notice(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(notice()?.message).toMatch(/1 change from other machines \(block project\)/);
    } finally {
      await client.end();
      session.stdin!.end();
      await exited;
    }
    expect((await cli(bob, "memory", "show", "project")).stdout).toContain("Releases are cut on Thursdays.");
  }, 120_000);

  it("keeps blocks marked personal at home, never writes another's human block over ours, and never shows the password", async () => {
    const url = db.createDb(`team${++n}`);
    const [alice, bob] = twoClones();
    for (const c of [alice, bob]) expect((await cli(c, "team", "join", url, "--yes")).code).toBe(0);
    expect((await cli(alice, "memory", "edit", "scratch", "--value", "my private todo list", "--personal")).code).toBe(0);
    expect((await cli(alice, "memory", "edit", "runbook", "--value", "Restart the worker with make restart.")).code).toBe(0);
    const r = await cli(alice, "memory", "edit", "human", "--shared");
    expect(r.stdout).toContain('"human" is shared with the team');
    expect((await cli(alice, "memory", "edit", "human", "--value", "Alice is on call this week.")).code).toBe(0);
    // runbook, human shared, its edit; the personal block's change is not counted: it never goes.
    expect((await cli(alice, "team", "status")).stdout).toContain("Pending: 3 ");
    expect((await cli(alice, "team", "sync")).code).toBe(0);
    expect((await cli(bob, "team", "sync")).code).toBe(0);
    const shown = (await cli(bob, "memory", "show")).stdout;
    expect(shown).toContain("Restart the worker with make restart.");
    expect(shown).not.toContain("private todo");
    // Alice may share her human block; Bob's stays his own (personal here), so it does not land in it.
    expect(shown).not.toContain("Alice is on call this week.");
    expect((await cli(bob, "memory", "log", "--limit", "50")).stdout).toContain("runbook (from ");
    // Shared later, a block goes out as it is then.
    expect((await cli(alice, "memory", "edit", "scratch", "--shared")).code).toBe(0);
    expect((await cli(alice, "team", "sync")).code).toBe(0);
    expect((await cli(bob, "team", "sync")).code).toBe(0);
    expect((await cli(bob, "memory", "show", "scratch")).stdout).toContain("my private todo list");

    // A password in the URL is never printed: not when the server is unreachable, not in status.
    const [carol] = twoClones();
    const secret = "hunter2-s3cret";
    const bad = `postgres://postgres:${secret}@127.0.0.1:1/none`;
    const j = await cli(carol, "team", "join", bad, "--yes");
    expect(j.code).toBe(1);
    expect(j.stderr).toContain("postgres://postgres:****@127.0.0.1:1/none");
    expect(j.stdout + j.stderr).not.toContain(secret);
    const good = url.replace("postgres@", `postgres:${secret}@`);
    expect((await cli(carol, "team", "join", good, "--yes")).code).toBe(0);
    const st = await cli(carol, "team", "status");
    expect(st.stdout).toContain("postgres:****@");
    expect(st.stdout).not.toContain(secret);
    // Leaving stops sharing; local memory stays.
    expect((await cli(carol, "team", "leave")).stdout).toContain("Left the team");
    expect((await cli(carol, "team", "status")).stdout).toContain("Team: not joined");
    expect((await cli(carol, "team", "sync")).code).toBe(2);
    expect((await cli(bob, "memory", "show", "runbook")).stdout).toContain("make restart");
  }, 120_000);

  it("a teammate's malformed, oversized or terminal-steering events are refused one by one; the rest of the sync goes on", async () => {
    const url = db.createDb(`team${++n}`);
    const [alice, bob] = twoClones();
    for (const c of [alice, bob]) expect((await cli(c, "team", "join", url, "--yes")).code).toBe(0);
    expect((await cli(alice, "memory", "edit", "runbook", "--value", "Restart with make restart.")).code).toBe(0);
    expect((await cli(alice, "team", "sync")).code).toBe(0);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { project, machine } = (await client.query("SELECT project, machine FROM letta_team_events LIMIT 1")).rows[0];
      // Anyone with write access to the table writes what they like, under Alice's machine id.
      const row = (id: string, over: Record<string, string | null>) => ({
        id, agent: "default", at: new Date(Date.now() + 60_000).toISOString(), actor: "agent", kind: "block", op: "set",
        label: "runbook", before: null, after: "owned", origin: "mallory", reason: null, ...over,
      });
      const hostile = [
        row("evil-actor", { actor: "root" }), // the SQLite CHECK used to throw: the whole pull rolled back, forever
        row("evil-kind", { kind: "config", label: null, after: '{"baseURL":"http://evil"}' }),
        row("evil-label", { label: "../../x\u001b[2J" }),
        row("evil-huge", { label: "huge", after: "x".repeat(1_000_000) }),
        row("evil-passage", { kind: "passage", label: null, after: "not json" }),
        row("ansi-origin", { label: "notes", after: "Fine text.", origin: "bob\u001b]0;pwned\u0007\u001b[31m@laptop", reason: "why\u001b[2J" }),
      ];
      for (const e of hostile) {
        await client.query(
          `INSERT INTO letta_team_events (project, machine, origin, id, agent, at, actor, kind, op, label, before, after, reason)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          [project, machine, e.origin, e.id, e.agent, e.at, e.actor, e.kind, e.op, e.label, e.before, e.after, e.reason],
        );
      }
    } finally {
      await client.end();
    }
    // A good edit after them still arrives.
    expect((await cli(alice, "memory", "edit", "runbook", "--value", "Restart with make restart; then check the queue.")).code).toBe(0);
    expect((await cli(alice, "team", "sync")).code).toBe(0);
    const r = await cli(bob, "team", "sync");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/refused 5 malformed or oversized/);
    const shown = (await cli(bob, "memory", "show")).stdout;
    expect(shown).toContain("then check the queue.");
    expect(shown).toContain("Fine text.");
    expect(shown).not.toContain("owned");
    expect(shown).not.toContain("xxxxxxxxxx");
    const log = (await cli(bob, "memory", "log", "--limit", "50")).stdout;
    // The escapes go; their harmless printable rest stays.
    expect(log).toContain("notes (from bob]0;pwned[31m@laptop)");
    expect(log).not.toMatch(/[\u001b\u0007]/);
    const st = (await cli(bob, "team", "status")).stdout;
    expect(st).toMatch(/Last refused event: \S+ event evil-passage from mallory: its passage is not JSON/);
    expect(st).not.toContain("Last error");
    // Past them for good: the next sync has nothing left to refuse.
    const again = await cli(bob, "team", "sync");
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("pulled 0.");
  }, 120_000);

  it("the password in a joined URL shows nowhere: sync errors, config list, doctor, the project's .letta files", async () => {
    const url = db.createDb(`team${++n}`);
    const [alice] = twoClones();
    const secret = "pw-Zq81-secret";
    const withPw = url.replace("postgres@", `postgres:${secret}@`);
    expect((await cli(alice, "team", "join", withPw, "--yes")).code).toBe(0);
    expect((await cli(alice, "memory", "edit", "runbook", "--value", "Restart with make restart.")).code).toBe(0);
    const seen: string[] = [];
    for (const args of [["team", "sync"], ["team", "status"], ["config", "list"], ["doctor"], ["memory", "log"]]) {
      const r = await cli(alice, ...args);
      seen.push(r.stdout, r.stderr);
    }
    db.stop();
    try {
      const r = await cli(alice, "team", "sync");
      expect(r.code).toBe(1);
      seen.push(r.stdout, r.stderr, (await cli(alice, "team", "status")).stdout);
    } finally {
      db.start();
    }
    for (const text of seen) expect(text).not.toContain(secret);
    // Nor in the project's files (the SQLite brain, its logs): only in the user's own 0600 config.
    const grep = spawnSync("grep", ["-rla", secret, join(alice.root, ".letta")], { encoding: "utf8" });
    expect(grep.stdout).toBe("");
    const userConfig = join(alice.home, ".config", "letta-code", "config.json");
    expect(readFileSync(userConfig, "utf8")).toContain(secret);
    expect(statSync(userConfig).mode & 0o077).toBe(0);
  }, 120_000);
});
