import { createInterface } from "node:readline";
import type { AgentSession, ApprovalDecision, Approver } from "../agent/session.js";
import { inputLine, type InputLine } from "../protocol/schema.js";
import { ProtocolStream } from "../protocol/translate.js";
import { EXIT, eventPrinter, initFields } from "./headless.js";
import { ResultCollector } from "./result.js";

export interface StreamInputOptions {
  /** Progress lines on stderr (as with -p). */
  progress: boolean;
  /** `stdio`: approval requests are answered by `control`/`approval` lines; otherwise the rules decide, as in -p. */
  permissionPromptTool?: "stdio";
  stdin?: NodeJS.ReadableStream;
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
}

type UserLine = Extract<InputLine, { type: "user" }>;

/** A user line's text: a string, or its text blocks joined. */
function userText(line: UserLine): string {
  const c = line.message.content;
  return typeof c === "string" ? c : c.map((b) => b.text).join("\n");
}

/** Why a line is not one we take, in words a program's author can fix. */
function lineProblem(raw: string): { line?: InputLine; problem?: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { problem: `input line is not JSON: ${raw.slice(0, 120)}` };
  }
  const parsed = inputLine.safeParse(json);
  if (parsed.success) return { line: parsed.data };
  const type = (json as { type?: unknown })?.type;
  const expected = 'expected {"type":"user","message":{"role":"user","content":"..."}} or {"type":"control","subtype":"interrupt"|"approval",...}';
  return { problem: `input line not understood (type ${JSON.stringify(type ?? null)}): ${expected}` };
}

/**
 * A long-lived headless session fed from stdin, one JSON object a line: each user line runs a turn
 * in the same conversation (events, then a result line); a control line interrupts the running turn
 * or answers its approval request. A bad line gets an error line and the session goes on. At EOF the
 * turns already sent still run, then the session ends.
 */
export async function runStreamInput(session: AgentSession, opts: StreamInputOptions): Promise<number> {
  const out = opts.stdout ?? process.stdout;
  const err = opts.stderr ?? process.stderr;
  const stream = new ProtocolStream(session.info().conversationId);
  const line = (o: unknown) => out.write(`${JSON.stringify(o)}\n`);
  const emit = eventPrinter({ format: "stream-json", progress: opts.progress }, stream, line, err);

  const queue: UserLine[] = [];
  let wake: (() => void) | undefined;
  let ended = false;
  let signalled = false;
  let current: AbortController | undefined;
  const approvals = new Map<string, (d: ApprovalDecision) => void>();
  const nudge = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const onSignal = () => {
    if (signalled) process.exit(EXIT.interrupted);
    signalled = true;
    ended = true;
    current?.abort();
    nudge();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  const rl = createInterface({ input: opts.stdin ?? process.stdin, crlfDelay: Infinity });
  rl.on("line", (raw) => {
    if (!raw.trim()) return;
    const { line: l, problem } = lineProblem(raw);
    if (!l) {
      line(stream.error(problem!));
      return;
    }
    if (l.type === "user") {
      queue.push(l);
      nudge();
    } else if (l.subtype === "interrupt") current?.abort();
    else {
      const answer = approvals.get(l.id);
      if (!answer) line(stream.error(`no approval is waiting for id ${JSON.stringify(l.id)}`));
      else {
        approvals.delete(l.id);
        answer(l.decision === "no" ? { decision: "no", reason: l.reason } : { decision: l.decision });
      }
    }
  });
  rl.on("close", () => {
    ended = true;
    nudge();
  });

  // The program sees the approval_request event on stdout and answers with its id.
  const approve: Approver | undefined =
    opts.permissionPromptTool === "stdio" ? (request) => new Promise((resolve) => approvals.set(request.id, resolve)) : undefined;

  await session.waitForTools?.();
  line(stream.init(initFields(session, "stream-json")));
  // Reflection the session runs by itself between turns prints as it lands (outside any turn: turn_id null).
  const unsubscribe = session.onBackground?.((e) => emit(e));
  let lastFailed = false;
  try {
    for (;;) {
      if (!queue.length && !ended) await new Promise<void>((r) => (wake = r));
      if (signalled) break;
      const next = queue.shift();
      if (!next) {
        if (ended) break;
        continue;
      }
      const collector = new ResultCollector(Date.now());
      current = new AbortController();
      collector.requestBegan();
      for await (const e of session.send(userText(next), { signal: current.signal, approve })) {
        collector.observe(e);
        emit(e);
      }
      current = undefined;
      approvals.clear();
      const info = session.info();
      const result = collector.result({ agentId: info.agentId, conversationId: info.conversationId, model: info.model });
      line(stream.result(result));
      lastFailed = result.is_error && result.subtype !== "interrupted";
    }
  } finally {
    rl.close();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    // After the last result line: a failed SessionEnd hook is said on stderr, as -p says it.
    const warn = (message: string, code?: "hook_failed") => {
      if (code === "hook_failed" || opts.progress) err.write(`letta-code: ${message}\n`);
    };
    await session.endSession?.("exit", { ...(signalled ? { signal: AbortSignal.abort() } : {}), warn });
    unsubscribe?.();
  }
  if (signalled) {
    err.write("letta-code: interrupted; what was said so far is stored.\n");
    return EXIT.interrupted;
  }
  return lastFailed ? EXIT.failed : EXIT.ok;
}
