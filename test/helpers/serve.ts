import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Letta from "@letta-ai/letta-client";
import { BIN, cleanEnv, tempProject } from "./cli.js";

export interface Served {
  url: string;
  token: string;
  client: Letta;
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** A project whose reflection is off: these tests script every model reply, and reflection would take some. */
export function serveProject() {
  const p = tempProject();
  mkdirSync(join(p.root, ".letta"), { recursive: true });
  writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ reflection: { mode: "off" } }));
  return p;
}

/** `letta-code serve` on a free port against the scripted model, with the official client pointed at it. */
export async function startServe(
  p: { root: string; home: string },
  modelUrl: string,
  opts: { args?: string[]; serveArgs?: string[]; token?: string | null; env?: Record<string, string> } = {},
): Promise<Served> {
  const token = opts.token === undefined ? "test-token" : opts.token;
  const args = [BIN, "--model", "scripted-model", "--base-url", modelUrl, ...(opts.args ?? []), "serve", "--port", "0", ...(token ? ["--token", token] : []), ...(opts.serveArgs ?? [])];
  const child = spawn(process.execPath, args, { cwd: p.root, env: { ...cleanEnv(p.home), LETTA_CODE_MAX_RETRIES: "0", ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on("close", (c) => r(c)));
  const started = Date.now();
  while (!/Letta API on (http\S+)/.test(out)) {
    if (child.exitCode !== null || Date.now() - started > 15_000) throw new Error(`serve did not start:\n${out}\n${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const url = /Letta API on (http\S+)/.exec(out)![1]!;
  const used = token ?? /Bearer <token>" with a new token, stored in \S+ \(0600\): (\S+)/.exec(out)?.[1] ?? "";
  return {
    url,
    token: used,
    client: new Letta({ baseURL: url, apiKey: used, maxRetries: 0 }),
    child,
    stdout: () => out,
    stderr: () => err,
    stop: () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}
