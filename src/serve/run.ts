import { readFileSync } from "node:fs";
import { Project } from "../agent/open-project.js";
import type { PermissionMode } from "../agent/session.js";
import { ConfigError, type ConfigLayer } from "../config/config.js";
import { memoryTools } from "../tools/memory.js";
import { codingTools, type AnyTool } from "../tools/index.js";
import { isLoopback, resolveToken } from "./auth.js";
import { DEFAULT_BODY_LIMIT } from "./body.js";
import { startServer } from "./server.js";

export interface ServeFlags {
  port?: number;
  host?: string;
  token?: string;
  cors?: string;
  maxBody?: number;
  approvalTimeout?: number;
}

const DEFAULT_PORT = 8283;

/**
 * Which tools a served agent has. The default ("read-only" for serve) is read tools plus memory, with
 * memory writes allowed: remembering is what API clients come for, so the gate runs in ask mode over a
 * tool list that has nothing to ask about. Any other mode serves every tool under that mode's rules.
 */
export function servedTools(mode: PermissionMode): { filter: (t: AnyTool) => boolean; gateMode: PermissionMode; mcp: boolean } {
  if (mode === "read-only") return { filter: (t) => t.kind === "read" || t.kind === "memory", gateMode: "ask", mcp: false };
  return { filter: () => true, gateMode: mode, mcp: true };
}

function version(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

/** `letta-code serve`: resolves when the server has shut down after SIGINT/SIGTERM. */
export async function runServe(flags: ConfigLayer, serve: ServeFlags): Promise<number> {
  const say = (m: string) => process.stderr.write(`letta-code serve: ${m}\n`);
  let project: Project;
  try {
    project = Project.open({ flags, onNotice: say });
  } catch (err) {
    if (err instanceof ConfigError) {
      say(err.message);
      return 2;
    }
    throw err;
  }
  const fromConfig = project.config.serve ?? {};
  const host = serve.host ?? fromConfig.host ?? "127.0.0.1";
  // Only the command line may open the API beyond this machine: a config file can name the host, not widen it.
  if (!serve.host && !isLoopback(host)) {
    say(`the config asks to listen on ${host}; binding beyond loopback needs --host ${host} on the command line`);
    project.close();
    return 2;
  }
  const port = serve.port ?? fromConfig.port ?? DEFAULT_PORT;
  const token = resolveToken({ flag: serve.token, config: fromConfig.token });
  const mode = flags.permissions?.mode ?? "read-only";
  const tools = servedTools(mode);
  let server;
  try {
    server = await startServer(project, {
      port,
      host,
      token: token.token,
      cors: serve.cors,
      bodyLimit: serve.maxBody ?? DEFAULT_BODY_LIMIT,
      version: version(),
      servedTools: [...memoryTools, ...codingTools].filter(tools.filter),
      mode: tools.gateMode,
      tools: tools.filter,
      mcp: tools.mcp,
      approvalTimeoutMs: (serve.approvalTimeout ?? 600) * 1000,
      log: say,
    });
  } catch (err) {
    say(`cannot listen on ${host}:${port}: ${(err as Error).message}`);
    await project.shutdown();
    return 1;
  }
  // Signals are handled before the URL is printed: a supervisor that stops the server as soon as it
  // reads the URL must get a clean shutdown, not a kill.
  let stopped!: () => void;
  const done = new Promise<void>((resolve) => (stopped = resolve));
  let signals = 0;
  const stop = () => {
    if (++signals > 1) process.exit(130);
    say("shutting down: cancelling running turns (what they did is kept)…");
    void server.close().then(stopped);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const how =
    token.source === "generated"
      ? `a new token, stored in ${token.file} (0600): ${token.token}`
      : token.source === "stored"
        ? `the token stored in ${token.file}`
        : token.source === "env"
          ? "the token in LETTA_CODE_SERVER_TOKEN"
          : token.source === "flag"
            ? "the token given with --token"
            : "the token in your config's \"serve\" section";
  // One write: whoever reads the URL line has the token line too.
  process.stdout.write(
    `letta-code serve: Letta API on ${server.url} (project ${project.root}, permission mode ${mode})\n` +
      `letta-code serve: clients send "Authorization: Bearer <token>" with ${how}\n`,
  );
  await done;
  await project.shutdown();
  say("stopped");
  return 0;
}
