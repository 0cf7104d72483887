import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from "../helpers/llm-server.mjs";
import { BIN, cleanEnv, runCli, tempProject } from "../helpers/cli.js";
import { chatSequenceProblem } from "../helpers/chat-sequence.js";
import Database from "better-sqlite3";
import { Store } from "../../src/store/store.js";
import { acquireTurnLease } from "../../src/agent/turn-lease.js";

/**
 * Two writers on one conversation: concurrent `-p` runs (the default continues the same
 * conversation) must each answer their own prompt, and leave a history the next turn can send.
 */
let server: ScriptedServer;
const lastUser = (req: RecordedRequest): string => [...req.body.messages].reverse().find((m: { role: string }) => m.role === "user")?.content ?? "";
const jobOf = (req: RecordedRequest) => /job (\d+)/.exec(lastUser(req))?.[1];

beforeAll(async () => {
  // Each job takes a tool step (it stores its fact, after a delay) and then answers naming its job.
  server = await startScriptedServer({
    fallback: (req) => {
      const job = jobOf(req);
      const last = req.body.messages.at(-1);
      if (!job) return { text: "no job in the request" };
      if (last.role === "user") return { delayMs: 150, toolCalls: [{ name: "archival_memory_insert", arguments: { content: `fact number ${job} for the concurrency test` } }] };
      return { delayMs: 50, text: `answer to job ${job}` };
    },
  });
});
afterAll(() => server.close());

const model = () => ["--model", "scripted-model", "--base-url", server.url];

function project() {
  const p = tempProject();
  // Reflection is scheduled per session; this file is about turns, so keep the model's replies to them.
  mkdirSync(join(p.root, ".letta"), { recursive: true });
  writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ reflection: { mode: "off" } }));
  return p;
}

async function concurrentJobs(n: number) {
  const p = project();
  const before = server.requests.length;
  const runs = await Promise.all(
    Array.from({ length: n }, (_, i) => runCli(["-p", `job ${i + 1}: store your fact, then answer`, ...model()], { cwd: p.root, home: p.home, stdin: "ignore" })),
  );
  return { p, runs, requests: server.requests.slice(before) };
}

function expectIsolated(runs: Awaited<ReturnType<typeof runCli>>[], requests: RecordedRequest[]) {
  runs.forEach((r, i) => {
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`answer to job ${i + 1}\n`);
  });
  for (const req of requests) expect(chatSequenceProblem(req.body.messages)).toBeNull();
  // The turn's own prompt is the last user message of each of its requests.
  for (const req of requests) expect(jobOf(req)).toBeDefined();
}

function storedFacts(root: string): string[] {
  const store = Store.open(join(root, ".letta"));
  try {
    const agent = store.agents.list()[0]!;
    return store.passages.list(agent.id, { limit: 100 }).map((p) => p.text);
  } finally {
    store.close();
  }
}

describe("concurrent turns on one conversation", () => {
  it("4 concurrent -p runs each answer their own prompt; every request is a valid chat; every fact is stored; the conversation resumes", async () => {
    const { p, runs, requests } = await concurrentJobs(4);
    expectIsolated(runs, requests);
    expect(requests).toHaveLength(8);
    const facts = storedFacts(p.root);
    for (let i = 1; i <= 4; i++) expect(facts.some((f) => f.includes(`fact number ${i} `))).toBe(true);

    const before = server.requests.length;
    const next = await runCli(["-p", "job 99: one more", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(next.stdout).toBe("answer to job 99\n");
    const resumed = server.requests.slice(before);
    for (const req of resumed) expect(chatSequenceProblem(req.body.messages)).toBeNull();
    // The next turn carries all four earlier exchanges, each whole.
    const history = resumed[0]!.body.messages.map((m: { content: string | null }) => m.content ?? "").join("\n");
    for (let i = 1; i <= 4; i++) expect(history).toContain(`answer to job ${i}`);
  }, 60_000);

  it("16 concurrent -p runs stay isolated too", async () => {
    const { p, runs, requests } = await concurrentJobs(16);
    expectIsolated(runs, requests);
    expect(requests).toHaveLength(32);
    expect(storedFacts(p.root).filter((f) => f.includes("for the concurrency test"))).toHaveLength(16);
  }, 120_000);

  it("a second run says on stderr that it waits, naming the holder's pid", async () => {
    const p = project();
    // Job 1 answers once job 2 has said it waits (the notice comes after a second of waiting).
    const waiting = gate();
    server.enqueue({ until: waiting.promise, text: "slow answer to job 1" });
    let first!: ChildProcess;
    const a = runCli(["-p", "job 1: slow", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", onSpawn: (c) => (first = c) });
    await waitFor(() => server.requests.some((r) => lastUser(r) === "job 1: slow"));
    const b = await runCli(["-p", "job 2: after", ...model()], { cwd: p.root, home: p.home, stdin: "ignore", onSpawn: releaseOnWait(waiting.resolve) });
    expect((await a).stdout).toBe("slow answer to job 1\n");
    expect(b.stdout).toBe("answer to job 2\n");
    expect(b.stderr).toContain(`waiting for another letta-code turn on this conversation (pid ${first.pid})…`);
  }, 60_000);

  // A container sharing the project (same host name, its own PID namespace): the holder's pid means
  // nothing there, so it must not be found dead by it.
  it.runIf(process.getuid?.() === 0)("a second run in another PID namespace waits too instead of taking the turn over", async () => {
    const p = project();
    // Job 1 answers once job 2 has said it waits: a run that took the turn over would never say so.
    const waiting = gate();
    server.enqueue({ until: waiting.promise, text: "slow answer to job 1" });
    // A prompt of its own: the wait below must see this run's request, not the test before's.
    const a = runCli(["-p", "job 1: slow, from the host's namespace", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    await waitFor(() => server.requests.some((r) => lastUser(r) === "job 1: slow, from the host's namespace"));
    const b = await runCli(["-p", "job 2: after", "--verbose", ...model()], {
      cwd: p.root,
      home: p.home,
      stdin: "ignore",
      wrap: ["unshare", "--pid", "--fork"],
      onSpawn: releaseOnWait(waiting.resolve),
    });
    const first = await a;
    expect(first.stdout, first.stderr).toBe("slow answer to job 1\n");
    expect(b.stdout, b.stderr).toBe("answer to job 2\n");
    expect(b.stderr).toContain("waiting for another letta-code turn on this conversation");
    expect(b.stderr).not.toContain("took over");
  }, 60_000);

  // Fifteen runs that polled the lease with write transactions kept the holder's own writes waiting
  // past SQLite's busy timeout, and its turn failed with "database is locked".
  it("runs waiting for the turn leave the database's write lock free for the turn that holds it", async () => {
    const p = project();
    const first = await runCli(["-p", "job 0: start the conversation", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(first.code, first.stderr).toBe(0);
    const store = Store.open(join(p.root, ".letta"));
    const agent = store.agents.list()[0]!;
    const lease = (await acquireTurnLease(store, agent.conversationId, agent.id))!;
    const waiting = [gate(), gate(), gate()];
    const runs = waiting.map((w, i) =>
      runCli(["-p", `job ${i + 1}: wait for the turn`, ...model()], { cwd: p.root, home: p.home, stdin: "ignore", onSpawn: releaseOnWait(w.resolve) }),
    );
    await Promise.all(waiting.map((w) => w.promise));
    // A writer that never waits: each refusal is a moment a waiting run held the write lock.
    const probe = new Database(join(p.root, ".letta", "letta.db"));
    probe.pragma("busy_timeout = 0");
    let tries = 0;
    let refused = 0;
    for (const end = Date.now() + 1000; Date.now() < end; tries++) {
      try {
        probe.exec("BEGIN IMMEDIATE; COMMIT");
      } catch (err) {
        if ((err as { code?: string }).code !== "SQLITE_BUSY") throw err;
        refused++;
      }
    }
    probe.close();
    lease.release();
    store.close();
    expect(tries).toBeGreaterThan(100);
    expect(refused).toBe(0);
    const done = await Promise.all(runs);
    done.forEach((r, i) => expect(r.stdout, r.stderr).toBe(`answer to job ${i + 1}\n`));
  }, 60_000);

  it("a lease holder killed with SIGKILL mid-turn leaves no stuck conversation", async () => {
    const p = project();
    server.enqueue({ hang: true });
    const child = spawn(process.execPath, [BIN, "-p", "job 1: hangs", ...model()], { cwd: p.root, env: cleanEnv(p.home), stdio: "ignore" });
    await waitFor(() => server.requests.some((r) => lastUser(r) === "job 1: hangs"));
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const started = Date.now();
    const next = await runCli(["-p", "job 2: go on", "--output-format", "stream-json", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(Date.now() - started).toBeLessThan(5000);
    const lines = next.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.at(-1)).toMatchObject({ type: "result", result: "answer to job 2" });
    expect(lines.some((l) => l.type === "notice" && l.code === "turn_taken_over")).toBe(true);
    const last = server.requests.at(-1)!;
    expect(chatSequenceProblem(last.body.messages)).toBeNull();
  }, 60_000);
});

/** A promise and its resolve (Node 20 has no Promise.withResolvers). */
function gate() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** For runCli's onSpawn: call `release` when the run says on stderr that it waits for another turn. */
function releaseOnWait(release: () => void) {
  return (child: ChildProcess) => {
    let err = "";
    child.stderr!.on("data", (d) => {
      err += d;
      if (err.includes("waiting for another letta-code turn")) release();
    });
    // A run that ends without waiting must not leave job 1 hanging: the assertions then say what went wrong.
    child.once("close", () => release());
  };
}

async function waitFor(cond: () => boolean, ms = 20_000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
