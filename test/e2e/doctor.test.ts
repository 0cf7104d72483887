import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

/** A port nothing listens on: bound once to learn a free number, then closed. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

type P = ReturnType<typeof tempProject>;
const cli = (p: P, args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });

describe("letta-code doctor", () => {
  it("with the scripted server: the endpoint is reachable, every required check passes (exit 0), nothing is sent as a prompt", async () => {
    const p = tempProject();
    const before = server.requests.length;
    const r = await cli(p, ["doctor", "--model", "scripted-model", "--base-url", server.url]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^✓ endpoint: scripted-model at .*: reachable$/m);
    expect(r.stdout).toMatch(/^✓ store: .*not created yet/m);
    // cleanEnv points the embedding model at an empty folder: the lexical fallback is shown, as a warning only.
    expect(r.stdout).toMatch(/^! embeddings: .*lexical/m);
    expect(r.stdout).toContain("All required checks passed.");
    expect(server.requests.length).toBe(before);
  });

  it("an endpoint on a closed port is unreachable: ✗, what to fix, exit 1; --json says the same", async () => {
    const p = tempProject();
    const url = `http://127.0.0.1:${await closedPort()}/v1`;
    const r = await cli(p, ["doctor", "--model", "m", "--base-url", url]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^✗ endpoint: m at .*: unreachable \(ECONNREFUSED\)$/m);
    expect(r.stdout).toMatch(/fix: start the model server, or point --base-url/);
    const j = await cli(p, ["doctor", "--json", "--model", "m", "--base-url", url]);
    expect(j.code).toBe(1);
    const out = JSON.parse(j.stdout) as { ok: boolean; checks: { name: string; ok: boolean; required: boolean; fix?: string }[] };
    expect(out.ok).toBe(false);
    expect(out.checks.map((c) => c.name)).toEqual(["endpoint", "sandbox", "embeddings", "store", "ripgrep"]);
    expect(out.checks[0]).toMatchObject({ name: "endpoint", ok: false, required: true });
  });

  it("a server that refuses the key is an auth failure, said with what to set", async () => {
    const p = tempProject();
    const refusing = createHttpServer((_req, res) => res.writeHead(401, { "content-type": "application/json" }).end('{"error":{"message":"bad key"}}'));
    await new Promise<void>((r) => refusing.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(refusing.address() as { port: number }).port}/v1`;
      const r = await runCli(["doctor", "--model", "m", "--base-url", url], { cwd: p.root, home: p.home, stdin: "ignore", env: { OPENAI_API_KEY: "sk-wrong" } });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/^✗ endpoint: m at .*: the server refused the API key \(HTTP 401\)$/m);
      expect(r.stdout).toContain("fix: set OPENAI_API_KEY");
    } finally {
      await new Promise((r) => refusing.close(r));
    }
  });

  it("no model configured is a failed check that says how to set one", async () => {
    const p = tempProject();
    const r = await cli(p, ["doctor"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ endpoint: no model configured/);
    expect(r.stdout).toContain("--model NAME");
  });

  it("an existing store is opened and checked: schema version and integrity", async () => {
    const p = tempProject();
    server.enqueue({ text: "hi" });
    expect((await cli(p, ["-p", "hi", "--model", "scripted-model", "--base-url", server.url])).code).toBe(0);
    const r = await cli(p, ["doctor", "--base-url", server.url]);
    expect(r.stdout).toMatch(/^✓ store: .*letta\.db opens, schema version \d+, integrity ok$/m);
    // The pair this project last ran with is the one checked, as a run would use it.
    expect(r.stdout).toMatch(/^✓ endpoint: scripted-model at /m);
    expect(r.code).toBe(0);
  });

  /** A model server of someone else's making, answering every request with `reply`. */
  async function hostile(reply: (res: import("node:http").ServerResponse) => void, run: (url: string) => Promise<void>) {
    const evil = createHttpServer((_req, res) => reply(res));
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
    try {
      await run(`http://127.0.0.1:${(evil.address() as { port: number }).port}/v1`);
    } finally {
      evil.closeAllConnections();
      await new Promise((r) => evil.close(r));
    }
  }

  it("a server's model list and a project's model name are shown with their escapes visible, not obeyed by the terminal", async () => {
    const p = tempProject();
    mkdirSync(join(p.root, ".letta"));
    writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ model: "\u001b[2Jwiped" }));
    const list = JSON.stringify({ data: [{ id: "\u001b]0;owned\u0007\u001b[31mred" }] });
    await hostile((res) => res.writeHead(200, { "content-type": "application/json" }).end(list), async (url) => {
      const r = await cli(p, ["doctor", "--base-url", url]);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain("\u001b");
      expect(r.stdout).toMatch(/^✓ endpoint: \\x1b\[2Jwiped at .*reachable \(not in its model list: \\x1b\]0;owned\\x07\\x1b\[31mred\)$/m);
    });
  });

  it("a server that never answers, or drips its reply forever, does not hang doctor: it ends, saying which", async () => {
    const p = tempProject();
    const drips: NodeJS.Timeout[] = [];
    await hostile(() => undefined, (silent) =>
      hostile((res) => {
        res.writeHead(200, { "content-type": "application/json" }).write('{"data":[');
        drips.push(setInterval(() => res.write(" "), 200));
      }, async (dripping) => {
        try {
          const [s, d] = await Promise.all([cli(p, ["doctor", "--model", "m", "--base-url", silent]), cli(p, ["doctor", "--model", "m", "--base-url", dripping])]);
          expect(s.code).toBe(1);
          expect(s.stdout).toMatch(/^✗ endpoint: m at .*: unreachable \(no answer within 5 s\)$/m);
          // The reply started: the server is there, its model list just never came whole.
          expect(d.code).toBe(0);
          expect(d.stdout).toMatch(/^✓ endpoint: m at .*: reachable$/m);
        } finally {
          drips.forEach(clearInterval);
        }
      }),
    );
  });

  it("a base URL with a password in it: doctor says it cannot work and never prints the password", async () => {
    const p = tempProject();
    const r = await cli(p, ["doctor", "--model", "m", "--base-url", "http://bob:hunter2-secret@127.0.0.1:8080/v1"]);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain("hunter2");
    expect(r.stdout).toMatch(/^✗ endpoint: m: http:\/\/bob:•••@127\.0\.0\.1:8080\/v1: HTTP clients refuse a URL with a user name or password/m);
  });
});
