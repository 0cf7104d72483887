/**
 * Which of the user's variables reach what the model can start: a shell command (sandboxed or
 * not, as root and as an unprivileged user) and a stdio MCP server. A prompt injection that gets
 * `env` run must find no token in it.
 */
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";
import { BWRAP_INSTALL, requireProgram } from "../helpers/requires.js";

const bwrap = requireProgram("bwrap", BWRAP_INSTALL);
const require = createRequire(import.meta.url);
const EVERYTHING = require.resolve("@modelcontextprotocol/server-everything/dist/index.js");

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});

const model = () => ["--model", "scripted-model", "--base-url", server.url];
const NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];

/** What a developer's shell typically holds: tokens next to harmless settings. */
const USER_ENV = {
  GITHUB_TOKEN: "ghp_secret1",
  AWS_SECRET_ACCESS_KEY: "aws-secret2",
  AWS_REGION: "eu-west-1",
  NPM_TOKEN: "npm-secret3",
  ANTHROPIC_API_KEY: "sk-ant-secret4",
  OPENAI_API_KEY: "sk-openai-secret5",
  db_password: "hunter2",
  GOOGLE_APPLICATION_CREDENTIALS: "/home/me/creds.json",
  EDITOR_THEME: "dark",
};
const SECRETS = ["GITHUB_TOKEN", "AWS_SECRET_ACCESS_KEY", "NPM_TOKEN", "ANTHROPIC_API_KEY", "OPENAI_API_KEY", "db_password", "GOOGLE_APPLICATION_CREDENTIALS"];

const lastToolResult = () => server.requests.at(-1)!.body.messages.filter((m: { role: string }) => m.role === "tool").at(-1)?.content as string;

/** `NAME=value` lines of `env` as the command saw them. */
function names(envOutput: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of envOutput.split("\n")) {
    const m = /^([^=\s]+)=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!);
  }
  return out;
}

function userConfig(home: string, config: Record<string, unknown>) {
  mkdirSync(join(home, ".config", "letta-code"), { recursive: true });
  writeFileSync(join(home, ".config", "letta-code", "config.json"), JSON.stringify(config));
}

function openUp(dir: string) {
  chmodSync(dir, 0o777);
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    const st = statSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) openUp(p);
    else if (st) chmodSync(p, 0o666);
  }
}

async function envSeenByCommand(opts: { sandbox: "on" | "off"; config?: Record<string, unknown>; project?: Record<string, unknown>; wrap?: string[] }) {
  const p = tempProject();
  if (opts.config) userConfig(p.home, opts.config);
  if (opts.project) {
    mkdirSync(join(p.root, ".letta"), { recursive: true });
    writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify(opts.project));
  }
  if (opts.wrap) openUp(p.root);
  server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: "env" } }] }, { text: "done" });
  const r = await runCli(["-p", "print the environment", "--yolo", "--sandbox", opts.sandbox, "--verbose", ...model()], {
    cwd: p.root,
    home: p.home,
    env: USER_ENV,
    stdin: "ignore",
    wrap: opts.wrap,
  });
  expect(r.code, r.stderr).toBe(0);
  return { env: names(lastToolResult()), stderr: r.stderr };
}

const modes: ("on" | "off")[] = bwrap.present ? ["off", "on"] : ["off"];
const users: { who: string; wrap?: string[] }[] = [{ who: "as the current user" }, ...(process.getuid?.() === 0 ? [{ who: "as nobody", wrap: NOBODY }] : [])];

describe.each(users)(`what a command run by the agent inherits, $who${bwrap.note}`, ({ wrap }) => {
  it.each(modes)("by default: everything but names that look like secrets (sandbox %s)", async (sandbox) => {
    const { env } = await envSeenByCommand({ sandbox, wrap });
    for (const secret of SECRETS) expect(env.has(secret), secret).toBe(false);
    expect(env.get("EDITOR_THEME")).toBe("dark");
    expect(env.get("AWS_REGION")).toBe("eu-west-1");
    expect(env.get("PATH")).toBeTruthy();
    expect(env.get("HOME")).toBeTruthy();
    // Our own hints still arrive.
    expect(env.get("LETTA_CODE")).toBe("1");
  });
});

describe("the user's shellEnvironmentPolicy", () => {
  it('"inherit": "core" keeps what programs need, "set" adds and wins over our hints, "include_only" narrows', async () => {
    let { env } = await envSeenByCommand({ sandbox: "off", config: { shellEnvironmentPolicy: { inherit: "core", set: { DEPLOY_ENV: "staging", PAGER: "less" } } } });
    expect(env.get("PATH")).toBeTruthy();
    expect(env.get("HOME")).toBeTruthy();
    expect(env.has("EDITOR_THEME")).toBe(false);
    expect(env.has("AWS_REGION")).toBe(false);
    expect(env.get("DEPLOY_ENV")).toBe("staging");
    expect(env.get("PAGER")).toBe("less");
    for (const secret of SECRETS) expect(env.has(secret), secret).toBe(false);

    ({ env } = await envSeenByCommand({ sandbox: "off", config: { shellEnvironmentPolicy: { include_only: ["PATH", "aws_*"] } } }));
    expect(env.get("AWS_REGION")).toBe("eu-west-1");
    expect(env.has("AWS_SECRET_ACCESS_KEY")).toBe(false);
    expect(env.has("HOME")).toBe(false);
    expect(env.has("EDITOR_THEME")).toBe(false);
  });

  it('"ignore_default_excludes" lets tokens through, "exclude" still drops by pattern, and our model key never passes', async () => {
    const { env } = await envSeenByCommand({ sandbox: "off", config: { shellEnvironmentPolicy: { ignore_default_excludes: true, exclude: ["aws_*", "NPM_?OKEN"] } } });
    expect(env.get("GITHUB_TOKEN")).toBe("ghp_secret1");
    expect(env.get("ANTHROPIC_API_KEY")).toBe("sk-ant-secret4");
    expect(env.has("AWS_SECRET_ACCESS_KEY")).toBe(false);
    expect(env.has("AWS_REGION")).toBe(false);
    expect(env.has("NPM_TOKEN")).toBe(false);
    expect(env.has("OPENAI_API_KEY")).toBe(false);
  });

  it('"inherit": "none" passes nothing of ours but what is set', async () => {
    const { env } = await envSeenByCommand({ sandbox: "off", config: { shellEnvironmentPolicy: { inherit: "none", set: { ONLY_THIS: "1" } } } });
    expect(env.get("ONLY_THIS")).toBe("1");
    expect(env.has("HOME")).toBe(false);
    expect(env.has("AWS_REGION")).toBe(false);
    expect(env.has("EDITOR_THEME")).toBe(false);
  });

  it("a repository's own config cannot loosen it, trusted or not", async () => {
    const { env, stderr } = await envSeenByCommand({ sandbox: "off", project: { shellEnvironmentPolicy: { ignore_default_excludes: true } } });
    expect(env.has("GITHUB_TOKEN")).toBe(false);
    expect(stderr).toMatch(/"shellEnvironmentPolicy" is read only from your own config/);
  });

  it.each([
    [{ inherit: "some" }, /shellEnvironmentPolicy"\.inherit must be "all", "core" or "none"/],
    [{ includeOnly: ["PATH"] }, /shellEnvironmentPolicy"\.includeOnly is not a setting; did you mean "include_only"\?/],
    [{ exclude: "AWS_*" }, /shellEnvironmentPolicy"\.exclude must be a list/],
    [{ set: { PORT: 8080 } }, /shellEnvironmentPolicy"\.set\.PORT must be a string/],
    [{ ignore_default_excludes: "yes" }, /shellEnvironmentPolicy"\.ignore_default_excludes must be true or false/],
    ["core", /shellEnvironmentPolicy" must be an object/],
  ])("a bad value (%j) stops the run with exit code 2, naming the key", async (policy, message) => {
    const p = tempProject();
    userConfig(p.home, { shellEnvironmentPolicy: policy });
    const r = await runCli(["-p", "hi", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});

describe("what a stdio MCP server inherits (server-everything's get-env)", () => {
  async function serverEnv(config?: Record<string, unknown>) {
    const p = tempProject();
    if (config) userConfig(p.home, config);
    const servers = { every: { command: process.execPath, args: [EVERYTHING, "stdio"], env: { GH_FOR_SERVER: "${GITHUB_TOKEN}", EXTRA: "1" } } };
    server.enqueue({ toolCalls: [{ name: "mcp__every__get-env", arguments: {} }] }, { text: "done" });
    const r = await runCli(["-p", "what env", "--yolo", "--mcp-config", JSON.stringify({ mcpServers: servers }), ...model()], {
      cwd: p.root,
      home: p.home,
      env: USER_ENV,
      stdin: "ignore",
    });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(lastToolResult()) as Record<string, string>;
  }

  it("the policy's environment, with the server's own `env` entries (expanded) on top", async () => {
    let env = await serverEnv();
    for (const secret of SECRETS) expect(env[secret], secret).toBeUndefined();
    expect(env.EDITOR_THEME).toBe("dark");
    // Named in its config by the user: explicit, so it arrives.
    expect(env.GH_FOR_SERVER).toBe("ghp_secret1");
    expect(env.EXTRA).toBe("1");
    expect(env.PATH).toBeTruthy();

    env = await serverEnv({ shellEnvironmentPolicy: { inherit: "core" } });
    expect(env.EDITOR_THEME).toBeUndefined();
    expect(env.PATH).toBeTruthy();
    expect(env.HOME).toBeTruthy();
    expect(env.GH_FOR_SERVER).toBe("ghp_secret1");
  });
});
