import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tempDir } from "./temp.js";
import { checkStreamJson } from "./protocol.js";

export const BIN = new URL("../../bin/letta-code.js", import.meta.url).pathname;

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A throwaway project (a git root with a README) and a HOME with no user config. */
export function tempProject(): { root: string; home: string } {
  const root = tempDir("letta-e2e-");
  mkdirSync(join(root, ".git"));
  writeFileSync(join(root, "README.md"), "# sample project\n");
  const home = join(root, ".home");
  mkdirSync(home);
  return { root, home };
}

/** An environment with none of the developer's settings: no model, no user config, no embedding download. */
export function cleanEnv(home: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    XDG_CONFIG_HOME: join(home, ".config"),
    XDG_CACHE_HOME: join(home, ".cache"),
    LETTA_CODE_EMBEDDING_PATH: join(home, "no-models"),
    // A session reflects by itself every 3 turns, counted across runs: its requests would take scripted
    // replies meant for turns. Tests of reflection set LETTA_CODE_REFLECTION ("" lets the config decide).
    LETTA_CODE_REFLECTION: "manual",
  };
}

/** Spawn the CLI as a user would (node bin/letta-code.js), never inheriting the developer's model settings. */
export function runCli(
  args: string[],
  opts: {
    cwd: string;
    home: string;
    env?: Record<string, string>;
    stdin?: string | "ignore" | "open";
    onSpawn?: (p: ReturnType<typeof spawn>) => void;
    /** A command to run the CLI under, e.g. setpriv to drop to an unprivileged user. */
    wrap?: string[];
  },
): Promise<CliRun> {
  const env: Record<string, string> = {
    ...cleanEnv(opts.home),
    // One retry is enough to show retrying works; the default backoff (1+2+4 s) would only slow tests.
    LETTA_CODE_MAX_RETRIES: "1",
    ...opts.env,
  };
  return new Promise((resolve, reject) => {
    const stdinMode = opts.stdin === "ignore" ? "ignore" : "pipe";
    const argv = [...(opts.wrap ?? []), process.execPath, BIN, ...args];
    const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env, stdio: [stdinMode, "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d) => (stdout += d));
    child.stderr!.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      // Every stream-json line any e2e test produces is checked against the published schema.
      const format = args[args.indexOf("--output-format") + 1];
      if (args.includes("--output-format") && (format === "stream-json" || format === "json")) {
        try {
          checkStreamJson(stdout);
        } catch (err) {
          reject(err);
          return;
        }
      }
      resolve({ code, signal, stdout, stderr });
    });
    // A CLI that stops reading early (input too large) closes the pipe: that is not a test failure.
    child.stdin?.on("error", () => undefined);
    if (stdinMode === "pipe" && opts.stdin !== "open") {
      child.stdin!.end(typeof opts.stdin === "string" ? opts.stdin : "");
    }
    opts.onSpawn?.(child);
  });
}
