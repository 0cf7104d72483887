/**
 * The turn in flight: sending a message, queueing the ones typed meanwhile, interrupting, asking
 * for approvals, and the progress line (which a slash command's long operation also uses). What
 * each event shows is session-events.ts's pure step; this hook only applies it.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import type { AgentEvent } from "../agent/events.js";
import type { ExpandedInput } from "../agent/input-types.js";
import type { AgentSession, ApprovalDecision } from "../agent/session.js";
import { alwaysEffect } from "../agent/approval.js";
import { alwaysNote, type ApprovalRequest } from "./approval.js";
import { newId, type Item, type NoteLevel, type ToolItem } from "./items.js";
import { errMessage, errorHint, safeInfo } from "./session-view.js";
import { busyAfterTool, reduceEvent, type Busy, type EventStep } from "./session-events.js";
import type { TurnSendOptions } from "./slash-commands.js";
import { emptyTurn, endTurn as endTurnView, interruptTurn, type TurnState, type TurnStep } from "./turn-state.js";

interface Turn {
  ac: AbortController;
  interrupted: boolean;
}

export interface PendingApproval {
  request: ApprovalRequest;
  resolve(d: ApprovalDecision): void;
}

export interface TurnDeps {
  sessionRef: { readonly current: AgentSession };
  commit(item: Item): void;
  note(level: NoteLevel, text: string, hint?: string): void;
  /** Re-read the status line's numbers from the session. */
  refresh(): void;
  setContext(c: { contextTokens: number; contextWindow: number }): void;
  /** Activity, for the idle GC (idle-trim.ts). */
  poke(): void;
}

/** Quitting: "leaving" waits for the session's end (the progress line stays), "gone" starts nothing more. */
export type QuitPhase = "leaving" | "gone";

export function useTurn({ sessionRef, commit, note, refresh, setContext, poke }: TurnDeps) {
  const [stream, setStream] = useState("");
  const [liveTools, setLiveTools] = useState<ToolItem[]>([]);
  const [approval, setApproval] = useState<PendingApproval | null>(null);
  const [busy, setBusyState] = useState<Busy | null>(null);
  const [queue, setQueue] = useState<string[]>([]);

  // Mutable mirrors for the async turn loop, which outlives any one render.
  const turnRef = useRef<Turn | null>(null);
  const progressRef = useRef<AbortController | null>(null);
  const approvalRef = useRef<PendingApproval | null>(null);
  /** The running turn's view (streaming answer, live tools): a pure function of its events (turn-state.ts). */
  const viewRef = useRef<TurnState>(emptyTurn());
  const busyRef = useRef<Busy | null>(null);
  const queueRef = useRef<string[]>([]);
  /** Phases reached, not the current one: a quit that no longer waits is still one that was leaving. */
  const quitRef = useRef<Record<QuitPhase, boolean>>({ leaving: false, gone: false });
  const flushTimer = useRef<NodeJS.Timeout | null>(null);
  const startNext = useRef<() => void>(() => {});

  const setBusy = useCallback((b: Busy | null) => {
    busyRef.current = b;
    setBusyState(b);
  }, []);

  /** Streaming deltas and tool output are batched: one React update per ~16 ms, not per chunk. */
  const flushLive = useCallback(() => {
    if (flushTimer.current) clearTimeout(flushTimer.current);
    flushTimer.current = null;
    setStream(viewRef.current.stream);
    setLiveTools(viewRef.current.live);
  }, []);
  const scheduleFlush = useCallback(() => {
    if (!flushTimer.current) flushTimer.current = setTimeout(flushLive, 16);
  }, [flushLive]);
  useEffect(
    () => () => {
      if (flushTimer.current) clearTimeout(flushTimer.current);
    },
    [],
  );

  /** A turn-state step outside the event stream (interrupt, end): its state, commits and progress line. */
  const applyTurn = useCallback(
    (step: TurnStep) => {
      viewRef.current = step.state;
      for (const item of step.commit) commit(item);
      const b = busyAfterTool(busyRef.current, step, Date.now());
      if (b !== busyRef.current) setBusy(b);
    },
    [commit, setBusy],
  );

  const applyEvent = useCallback(
    (step: EventStep) => {
      viewRef.current = step.view.turn;
      if (step.view.busy !== busyRef.current) setBusy(step.view.busy);
      for (const item of step.commit) commit(item);
      if (step.context) setContext(step.context);
      if (step.refresh) refresh();
      if (step.flush === "now") flushLive();
      else if (step.flush === "batched") scheduleFlush();
    },
    [commit, flushLive, refresh, scheduleFlush, setBusy, setContext],
  );

  const dropApproval = useCallback((reason: string) => {
    if (!approvalRef.current) return;
    approvalRef.current.resolve({ decision: "no", reason });
    approvalRef.current = null;
    setApproval(null);
  }, []);

  const endTurn = useCallback(
    (turn: Turn) => {
      if (turnRef.current !== turn) return;
      turnRef.current = null;
      // After an interrupt the partial answer was already committed (and later text ignored).
      applyTurn(endTurnView(viewRef.current));
      viewRef.current = emptyTurn();
      flushLive();
      dropApproval("the turn ended");
      if (!quitRef.current.leaving) setBusy(null);
      refresh();
      poke();
      startNext.current();
    },
    [applyTurn, dropApproval, flushLive, poke, refresh, setBusy],
  );

  const interrupt = useCallback(() => {
    const turn = turnRef.current;
    if (!turn) {
      progressRef.current?.abort();
      return;
    }
    if (turn.interrupted) return;
    turn.interrupted = true;
    turn.ac.abort();
    dropApproval("interrupted by the user");
    // The partial answer moves into the transcript now, marked; later text from this turn is ignored.
    applyTurn(interruptTurn(viewRef.current));
    flushLive();
    setBusy({ label: "stopping…", since: Date.now(), hint: "" });
    // An agent that doesn't stop promptly is let go: its remaining events are ignored.
    setTimeout(() => endTurn(turn), 3000).unref?.();
  }, [applyTurn, dropApproval, endTurn, flushLive, setBusy]);

  const handleEvent = useCallback(
    (ev: AgentEvent) => {
      poke();
      applyEvent(reduceEvent({ turn: viewRef.current, busy: busyRef.current }, ev, { now: Date.now(), baseURL: safeInfo(sessionRef.current)?.baseURL }));
    },
    [applyEvent, poke, sessionRef],
  );

  const runTurn = useCallback(
    async (text: string, display?: string, turnOpts?: TurnSendOptions) => {
      const s = sessionRef.current;
      const turn: Turn = { ac: new AbortController(), interrupted: false };
      viewRef.current = emptyTurn();
      turnRef.current = turn;
      setBusy({ label: "thinking…", since: Date.now(), hint: "Esc to interrupt" });
      // The session expands the input (a custom command, a skill, `@file`); the message shows with what it attached.
      let shown = false;
      const show = (input?: ExpandedInput) => {
        if (shown) return;
        shown = true;
        commit({ kind: "user", id: newId(), text: display ?? text, attachments: input?.attachments ?? [] });
      };
      const approve = (request: ApprovalRequest) =>
        new Promise<ApprovalDecision>((resolve) => {
          if (turnRef.current !== turn || turn.interrupted) return resolve({ decision: "no", reason: "interrupted by the user" });
          flushLive();
          approvalRef.current = { request, resolve };
          setApproval(approvalRef.current);
        });
      try {
        for await (const ev of s.send(text, { ...turnOpts, signal: turn.ac.signal, approve, onInput: show })) {
          if (turnRef.current !== turn) break;
          show();
          try {
            handleEvent(ev);
          } catch (e) {
            note("error", `Could not display a ${ev.type} event: ${errMessage(e)}`);
          }
        }
      } catch (e) {
        show();
        if (turnRef.current === turn && !turn.ac.signal.aborted) {
          const msg = errMessage(e);
          note("error", msg, errorHint(msg, safeInfo(s)?.baseURL));
        }
      } finally {
        show();
        endTurn(turn);
      }
    },
    [commit, endTurn, flushLive, handleEvent, note, sessionRef, setBusy],
  );

  const isBusy = useCallback(() => turnRef.current !== null || progressRef.current !== null, []);

  /** A message typed while the agent works waits its turn. */
  const send = useCallback(
    (message: string) => {
      if (!isBusy()) return void runTurn(message);
      queueRef.current = [...queueRef.current, message];
      setQueue(queueRef.current);
    },
    [isBusy, runTurn],
  );

  startNext.current = () => {
    if (isBusy() || quitRef.current.gone) return;
    const [next, ...rest] = queueRef.current;
    if (next === undefined) return;
    queueRef.current = rest;
    setQueue(rest);
    setTimeout(() => void runTurn(next), 0);
  };

  /** A long operation of a slash command, on the progress line and cancelled by Esc. */
  const progress = useCallback(
    async <T>(label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
      const ac = new AbortController();
      progressRef.current = ac;
      setBusy({ label, since: Date.now(), hint: "Esc to cancel" });
      try {
        return await fn(ac.signal);
      } finally {
        progressRef.current = null;
        setBusy(null);
        startNext.current();
      }
    },
    [setBusy],
  );

  const decide = useCallback(
    (d: ApprovalDecision) => {
      const a = approvalRef.current;
      if (!a) return;
      approvalRef.current = null;
      setApproval(null);
      if (d.decision === "always") {
        const said = alwaysNote(alwaysEffect(a.request));
        note(said.tone, said.text);
      }
      a.resolve(d);
    },
    [note],
  );

  /** The user quits: the turn stops and a pending question is answered no. */
  const quit = useCallback((phase: QuitPhase) => {
    quitRef.current[phase] = true;
    turnRef.current?.ac.abort();
    approvalRef.current?.resolve({ decision: "no", reason: "the user quit" });
  }, []);

  /** The newest live tool call, for Ctrl-O. */
  const lastLiveTool = useCallback((): ToolItem | undefined => viewRef.current.live[viewRef.current.live.length - 1], []);

  const asking = useCallback(() => approvalRef.current !== null, []);

  return { stream, liveTools, approval, busy, queue, setBusy, runTurn, send, interrupt, progress, decide, quit, isBusy, asking, lastLiveTool };
}
