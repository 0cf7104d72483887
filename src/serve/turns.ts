import { randomUUID } from "node:crypto";
import type { Agent } from "../agent/agent.js";
import type { AgentEvent } from "../agent/events.js";
import type { ApprovalDecision, PermissionMode } from "../agent/session.js";
import type { Project } from "../agent/open-project.js";
import type { AgentRow } from "../store/agents.js";
import type { AnyTool } from "../tools/index.js";
import { conflict, HttpError } from "./errors.js";
import { TurnTranslator, type LettaMessage } from "./letta-messages.js";

type Done = Extract<AgentEvent, { type: "done" }>;

/** How a drain of a run's events ended: the turn finished, or it now waits for the client's approval. */
export type DrainEnd = { kind: "done"; done: Done } | { kind: "approval" };

/** One client's answer to one tool call (Letta's ApprovalReturn), by call id or by the request message's id. */
export interface ApprovalAnswer {
  callId: string;
  approve: boolean;
  reason?: string;
}

/**
 * One turn as the API sees it: the session's event stream, read by whichever request is answering
 * for it now (the message that started it, then each approval message that resumed it).
 */
export class Run {
  readonly id = `run-${randomUUID()}`;
  readonly controller = new AbortController();
  readonly translator: TurnTranslator;
  /** The approve() the loop is waiting on, and what answers it when nobody does in time. */
  pending?: { callId: string; resolve: (d: ApprovalDecision) => void; timer: NodeJS.Timeout };
  /** Answers that came with an earlier approval message for calls the loop has not asked about yet. */
  readonly decided = new Map<string, ApprovalDecision>();
  draining = false;
  done?: Done;
  /** The turn's usage so far (the loop reports it after every model step), for a reply that stops at an approval. */
  usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  steps = 0;
  readonly ended: Promise<void>;
  private iterator: AsyncIterator<AgentEvent>;
  private markEnded!: () => void;

  constructor(
    readonly agentId: string,
    streamTokens: boolean,
    start: (run: Run) => AsyncIterable<AgentEvent>,
  ) {
    this.translator = new TurnTranslator(this.id, streamTokens);
    this.ended = new Promise((r) => (this.markEnded = r));
    this.iterator = start(this)[Symbol.asyncIterator]();
  }

  /**
   * Read events into `sink` until the turn ends or stops for an approval nobody has given yet. Only
   * one reader at a time; a reader whose client went away keeps reading (into nothing) so the turn
   * still runs to its end, stores everything and releases the conversation.
   */
  async drain(sink: (m: LettaMessage) => void): Promise<DrainEnd> {
    this.draining = true;
    try {
      for (;;) {
        const next = await this.iterator.next();
        if (next.done) {
          this.markEnded();
          return { kind: "done", done: this.done ?? { type: "done", reason: "error", result: "the turn ended without a result", numSteps: 0, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } } };
        }
        const e = next.value;
        if (e.type === "done") this.done = e;
        if (e.type === "usage") {
          this.usage = e.usage;
          this.steps++;
        }
        if (e.type === "approval_request" && this.decided.has(e.id)) continue;
        for (const m of this.translator.translate(e)) sink(m);
        if (e.type === "approval_request") return { kind: "approval" };
      }
    } finally {
      this.draining = false;
    }
  }
}

interface Served {
  session: Agent;
  runs: Set<Run>;
  /** The run stopped at an approval request (Letta: the agent's pending_approval). */
  awaiting?: Run;
}

export interface TurnsOptions {
  mode: PermissionMode;
  tools: (t: AnyTool) => boolean;
  mcp: boolean;
  /** An approval nobody answers is refused after this long, so the turn ends and frees its conversation. */
  approvalTimeoutMs: number;
}

/**
 * The served agents' sessions and their runs. One session per agent, made on its first message; its
 * turns are serialised by the session (and across processes by the turn lease), never here.
 */
export class Turns {
  private served = new Map<string, Served>();
  private stopping = false;

  constructor(
    private project: Project,
    private opts: TurnsOptions,
  ) {}

  private of(agent: AgentRow): Served {
    let s = this.served.get(agent.id);
    if (!s) {
      const session = this.project.session(agent, { mode: this.opts.mode, tools: this.opts.tools, mcp: this.opts.mcp });
      s = { session, runs: new Set() };
      this.served.set(agent.id, s);
    }
    return s;
  }

  /** The run waiting for this agent's approval, if any. */
  awaiting(agentId: string): Run | undefined {
    return this.served.get(agentId)?.awaiting;
  }

  /** A new turn for a user message. Refused while an earlier turn waits for an approval (Letta does the same). */
  start(agent: AgentRow, text: string, streamTokens: boolean): Run {
    if (this.stopping) throw new HttpError(503, "the server is shutting down", undefined, { "x-should-retry": "false" });
    const s = this.of(agent);
    const waiting = s.awaiting?.pending;
    if (waiting) throw conflict(`agent ${agent.id} is waiting for approval of tool call ${waiting.callId}; answer it with an approval message first`);
    const run = new Run(agent.id, streamTokens, (r) =>
      s.session.send(text, { signal: r.controller.signal, approve: (req) => this.ask(s, r, req.id) }),
    );
    s.runs.add(run);
    void run.ended.then(() => s.runs.delete(run));
    return run;
  }

  /** Apply an approval message; returns the run to read on from. */
  answer(agentId: string, answers: ApprovalAnswer[]): Run {
    const s = this.served.get(agentId);
    const run = s?.awaiting;
    const pending = run?.pending;
    if (!s || !run || !pending) throw conflict(`agent ${agentId} has no tool call waiting for approval`);
    if (!answers.some((a) => a.callId === pending.callId)) {
      throw new HttpError(404, `tool call ${answers.map((a) => a.callId).join(", ")} is not waiting for approval; ${pending.callId} is`);
    }
    for (const a of answers) {
      const decision: ApprovalDecision = a.approve ? { decision: "yes" } : { decision: "no", ...(a.reason ? { reason: a.reason } : {}) };
      if (a.callId === pending.callId) {
        clearTimeout(pending.timer);
        run.pending = undefined;
        s.awaiting = undefined;
        pending.resolve(decision);
      } else run.decided.set(a.callId, decision);
    }
    return run;
  }

  /** Cancel the agent's runs (all of them, or those named); returns the ids cancelled. */
  cancel(agentId: string, runIds?: string[]): string[] {
    const s = this.served.get(agentId);
    if (!s) return [];
    const out: string[] = [];
    for (const run of s.runs) {
      if (runIds?.length && !runIds.includes(run.id)) continue;
      run.controller.abort();
      out.push(run.id);
      this.settleUnread(s, run);
    }
    return out;
  }

  /** Stop serving an agent (it is being deleted): its runs cancelled, its session closed. */
  async forget(agentId: string): Promise<void> {
    const s = this.served.get(agentId);
    if (!s) return;
    this.cancel(agentId);
    await Promise.all([...s.runs].map((r) => r.ended));
    s.session.close();
    this.served.delete(agentId);
  }

  /** Shutdown: every running turn cancelled (what it did is stored), then each session ended as every face ends it. */
  async shutdown(): Promise<void> {
    this.stopping = true;
    for (const id of this.served.keys()) this.cancel(id);
    const all = [...this.served.values()];
    await Promise.all(all.flatMap((s) => [...s.runs].map((r) => r.ended)));
    await Promise.all(all.map((s) => s.session.endSession("exit")));
    for (const s of all) s.session.close();
    this.served.clear();
  }

  private ask(s: Served, run: Run, callId: string): Promise<ApprovalDecision> {
    const early = run.decided.get(callId);
    if (early) {
      run.decided.delete(callId);
      return Promise.resolve(early);
    }
    return new Promise((resolve) => {
      const seconds = Math.round(this.opts.approvalTimeoutMs / 1000);
      const timer = setTimeout(() => {
        if (run.pending?.callId !== callId) return;
        run.pending = undefined;
        if (s.awaiting === run) s.awaiting = undefined;
        resolve({ decision: "no", reason: `no approval arrived within ${seconds} s` });
        this.settleUnread(s, run);
      }, this.opts.approvalTimeoutMs);
      timer.unref();
      run.pending = { callId, resolve, timer };
      s.awaiting = run;
    });
  }

  /** A run nobody is reading (stopped at an approval, then refused or cancelled) is read to its end in the background. */
  private settleUnread(s: Served, run: Run): void {
    if (run.pending && run.controller.signal.aborted) {
      clearTimeout(run.pending.timer);
      run.pending = undefined;
      if (s.awaiting === run) s.awaiting = undefined;
    }
    if (run.draining) return;
    // Stopping at a further approval is fine: that ask's timer (or a cancel) comes back here.
    void run.drain(() => undefined);
  }
}
