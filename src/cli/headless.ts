import type { AgentSession, SendOptions } from "../agent/session.js";
import type { AgentEvent } from "../agent/events.js";
import type { InitLine } from "../protocol/schema.js";
import { ProtocolStream } from "../protocol/translate.js";
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
  /** The prompt as the session expanded it (with piped input appended); otherwise send expands `prompt`. */
  input?: SendOptions["input"];
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
  const stream = new ProtocolStream(info.conversationId);
  const line = (o: unknown) => out.write(`${JSON.stringify(o)}\n`);
  const emit = eventPrinter(opts, stream, line, err);
  if (opts.format === "stream-json") {
    // The first request waits for MCP servers anyway; waiting here lets init say how each one did.
    await session.waitForTools?.(controller.signal);
    line(stream.init(initFields(session, "text")));
  }
  try {
    collector.requestBegan();
    for await (const e of session.send(opts.prompt, { input: opts.input, signal: controller.signal })) {
      collector.observe(e);
      emit(e);
    }
    if (opts.reflect && !controller.signal.aborted) await reflectAfter(session, collector, controller.signal, emit, err);
  } catch (e) {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
    throw e;
  }

  const result = collector.result({ agentId: info.agentId, conversationId: info.conversationId, model: info.model });
  if (opts.format === "text") {
    if (result.result && !result.is_error) out.write(result.result.endsWith("\n") ? result.result : `${result.result}\n`);
    else if (result.subtype === "interrupted" && result.result) out.write(`${result.result}\n`);
  } else line(stream.result(result));
  // Failures always reach stderr: scripts need to know why, whatever the output format.
  if (result.is_error && result.subtype !== "interrupted" && !opts.progress) {
    err.write(`letta-code: ${result.result || "the run failed"}\n`);
  }
  // The answer is out; the session's end may still reflect (when due) and runs SessionEnd hooks. A
  // signal now stops that wait, not the answer.
  try {
    // No turn follows to carry a notice: a failed SessionEnd hook is one line on stderr now, as other
    // hook_failed notices are (and, with --verbose, any other warning of those hooks).
    const warn = (message: string, code?: "hook_failed") => {
      if (code === "hook_failed" || opts.progress) err.write(`letta-code: ${message}\n`);
    };
    await session.endSession?.("exit", { signal: controller.signal, warn });
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
  if (result.subtype === "interrupted") {
    err.write("letta-code: interrupted; what was said so far is stored.\n");
    return EXIT.interrupted;
  }
  return result.is_error ? EXIT.failed : EXIT.ok;
}

/** What `init` says about the session (ProtocolStream stamps the rest). */
export function initFields(session: AgentSession, inputFormat: "text" | "stream-json"): Omit<InitLine, "schema_version" | "session_id" | "turn_id" | "seq" | "ts"> {
  const info = session.info();
  const servers = session.mcpServers?.() ?? [];
  return {
    type: "init",
    agent_id: info.agentId,
    agent_name: info.agentName,
    model: info.model,
    base_url: info.baseURL,
    ...(info.endpointFromProject ? { base_url_source: "project" as const } : {}),
    cwd: info.projectRoot,
    permission_mode: info.permissionMode,
    input_format: inputFormat,
    mcp_servers: servers.map((m) => ({ name: m.name, status: m.state, scope: m.scope, tools: m.tools.length, ...(m.error ? { error: m.error } : {}) })),
  };
}

/** Each event as stream-json prints it (stamped) and as the progress printer shows it on stderr. */
export function eventPrinter(
  opts: Pick<HeadlessOptions, "format" | "progress">,
  stream: ProtocolStream,
  line: (o: unknown) => void,
  err: NodeJS.WritableStream,
): (e: AgentEvent) => void {
  return (e) => {
    if (opts.format === "stream-json") line(stream.event(e));
    // Unprinted, the stream still follows the turn: the json result names the turn it finished.
    else stream.event(e);
    if (opts.progress) {
      const p = progressLine(e);
      if (p) err.write(`${p}\n`);
    } else if (e.type === "notice" && (e.code === "turn_waiting" || e.code === "hook_failed")) {
      // Said --verbose or not: a run that seems to hang (another writer holds the conversation), and a
      // broken hook, which the user must hear about even when nothing else is printed.
      err.write(`letta-code: ${e.message}\n`);
    }
  };
}

export async function reflectAfter(
  session: AgentSession,
  collector: ResultCollector,
  signal: AbortSignal,
  emit: (e: AgentEvent) => void,
  err: NodeJS.WritableStream,
): Promise<void> {
  if (session.reflectionSchedule?.().mode === "off") {
    err.write('letta-code: --reflect: reflection is off (config "reflection.mode"); skipped.\n');
    return;
  }
  const r = await reflectAll(session, {
    trigger: "headless",
    signal,
    onEvent: emit,
  });
  collector.reflectionUsage = r.usage;
  // The answer stands whatever happens here: a failed reflection is reported, not an exit code.
  if (r.status === "failed" || r.status === "capped" || r.status === "busy") err.write(`letta-code: ${r.message}\n`);
}
