import type { AgentSession, SendOptions } from "../agent/session.js";
import { EVENT_SCHEMA_VERSION } from "../agent/events.js";
import { progressLine } from "./progress.js";
import { ResultCollector } from "./result.js";
import { reflectAll } from "./reflect-all.js";

export interface HeadlessOptions {
  prompt: string;
  format: "text" | "json" | "stream-json";
  /** Progress lines on stderr: when stderr is a terminal, or with --verbose. */
  progress: boolean;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Process start, so duration_ms covers start-up too. */
  startedAt?: number;
  /** Per-turn options of an expanded custom command (allowed-tools, model). */
  send?: Pick<SendOptions, "allowTools" | "model">;
  /** Reflect on the conversation after the answer, before returning (--reflect). Without it -p never waits for reflection. */
  reflect?: boolean;
}

export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

/**
 * One turn with nobody to ask: approvals become refusals the model is told about (the session
 * is sent no approver). Prints the answer, a JSON result, or the event stream; returns the exit code.
 */
export async function runHeadless(session: AgentSession, opts: HeadlessOptions): Promise<number> {
  const out = opts.stdout ?? process.stdout;
  const err = opts.stderr ?? process.stderr;
  const collector = new ResultCollector(opts.startedAt ?? Date.now());
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = () => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT.interrupted);
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);

  const info = session.info();
  const line = (o: unknown) => out.write(`${JSON.stringify(o)}\n`);
  if (opts.format === "stream-json") {
    // The first request waits for MCP servers anyway; waiting here lets init say how each one did.
    await session.waitForTools?.(controller.signal);
    const servers = session.mcpServers?.() ?? [];
    line({
      type: "init",
      schema_version: EVENT_SCHEMA_VERSION,
      agent_id: info.agentId,
      session_id: info.conversationId,
      agent_name: info.agentName,
      model: info.model,
      base_url: info.baseURL,
      ...(info.endpointFromProject ? { base_url_source: "project" } : {}),
      cwd: info.projectRoot,
      permission_mode: info.permissionMode,
      mcp_servers: servers.map((m) => ({ name: m.name, status: m.state, scope: m.scope, tools: m.tools.length, ...(m.error ? { error: m.error } : {}) })),
    });
  }
  try {
    collector.requestBegan();
    for await (const e of session.send(opts.prompt, { ...opts.send, signal: controller.signal })) {
      collector.observe(e);
      if (opts.format === "stream-json") line(e);
      if (opts.progress) {
        const p = progressLine(e);
        if (p) err.write(`${p}\n`);
      }
    }
    if (opts.reflect && !controller.signal.aborted) await reflectAfter(session, opts, collector, controller.signal, line, err);
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
    await session.endSession?.("exit");
  }

  const result = collector.result({ agentId: info.agentId, conversationId: info.conversationId, model: info.model });
  if (opts.format === "text") {
    if (result.result && !result.is_error) out.write(result.result.endsWith("\n") ? result.result : `${result.result}\n`);
    else if (result.subtype === "interrupted" && result.result) out.write(`${result.result}\n`);
  } else line(result);
  // Failures always reach stderr: scripts need to know why, whatever the output format.
  if (result.is_error && result.subtype !== "interrupted" && !opts.progress) {
    err.write(`letta-code: ${result.result || "the run failed"}\n`);
  }
  if (result.subtype === "interrupted") {
    err.write("letta-code: interrupted; what was said so far is stored.\n");
    return EXIT.interrupted;
  }
  return result.is_error ? EXIT.failed : EXIT.ok;
}

async function reflectAfter(
  session: AgentSession,
  opts: HeadlessOptions,
  collector: ResultCollector,
  signal: AbortSignal,
  line: (o: unknown) => void,
  err: NodeJS.WritableStream,
): Promise<void> {
  if (session.reflectionSchedule?.().mode === "off") {
    err.write('letta-code: --reflect: reflection is off (config "reflection.mode"); skipped.\n');
    return;
  }
  const r = await reflectAll(session, {
    trigger: "headless",
    signal,
    onEvent: (e) => {
      if (opts.format === "stream-json") line(e);
      if (opts.progress) {
        const p = progressLine(e);
        if (p) err.write(`${p}\n`);
      }
    },
  });
  collector.reflectionUsage = r.usage;
  // The answer stands whatever happens here: a failed reflection is reported, not an exit code.
  if (r.status === "failed" || r.status === "capped" || r.status === "busy") err.write(`letta-code: ${r.message}\n`);
}
