/**
 * The TUI's root: owns the session, the transcript and the turn in flight.
 *
 * Layout, top to bottom:
 *   <Static> finished items (header, messages, tool results…), written once to scrollback
 *   live region: running tools + streaming answer, capped to what fits the terminal
 *   progress line, queued messages, approval prompt
 *   input (its own state: typing re-renders only the input)
 *   status line, Ctrl-C hint
 */
import React, { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Box, Text, useApp, useInput, useStdout } from "ink";
import type { AgentEvent, ReflectionTrigger } from "../agent/events.js";
import { addedText, changeVerb } from "../agent/reflection-change.js";
import {
  PERMISSION_MODES,
  type AgentSession,
  type ApprovalDecision,
  type PermissionMode,
} from "../agent/session.js";
import { APPROVAL_CHROME, ApprovalPrompt, alwaysNote, previewLines, type ApprovalRequest } from "./approval.js";
import { alwaysEffect } from "../agent/approval.js";
import type { TurnSendOptions } from "./slash-commands.js";
import { editInEditor, type OpenEditor } from "./editor.js";
import { InputHistory } from "./history.js";
import { Input } from "./input.js";
import { newId, type Item, type NoteLevel, type ToolItem } from "./items.js";
import type { ExpandedInput } from "../agent/input-types.js";
import { emptyTurn, endTurn as endTurnView, interruptTurn, reduceTurn, type TurnState, type TurnStep } from "./turn-state.js";
import { LinesView } from "./lines-view.js";
import { CHOICE_CHROME, ChoiceList, type ChoiceRequest } from "./choice-list.js";
import {
  commandList,
  completionEntries,
  findCommand,
  parseSlash,
  type AgentSwitcher,
  type PermissionsView,
  type SlashCommand,
  type SlashContext,
} from "./slash-commands.js";
import { createIdleTrim } from "./idle-trim.js";
import { Spinner } from "./spinner.js";
import { StatusLine } from "./status-line.js";
import { CLEAR_SCREEN, useTerminalSize } from "./terminal.js";
import { truncate } from "./text-layout.js";
import { color, theme } from "./theme.js";
import { FinishedItems } from "./transcript.js";
import { errMessage, errorHint, headerItem, safeInfo, safeStats, startItems } from "./session-view.js";
import { liveLines } from "./live-lines.js";

export interface TuiOptions {
  /** Input history file (JSON lines), e.g. `<project>/.letta/history.jsonl`. */
  historyFile?: string;
  /** More slash commands (the CLI's own); one named like a built-in replaces it. */
  extraSlash?: SlashCommand[];
  /** Commands that come and go while the TUI runs (MCP prompts), looked up when typed. */
  dynamicSlash?: () => SlashCommand[];
  /** Agent listing/switching/creation for /agents; absent → "unavailable". */
  agents?: AgentSwitcher;
  /** Current mode and allow/deny rules for /permissions. */
  permissions?: () => PermissionsView;
  /** How /memory edit opens the editor (default: $VISUAL / $EDITOR / vi, synchronously). */
  openEditor?: OpenEditor;
  /** Exchanges of the current conversation shown on start (default 10). */
  resumeLimit?: number;
  /** A first message to send right away (`letta-code "fix the failing test"`). */
  initialPrompt?: string;
  /** A slash command to run once at start (`--resume` without an id opens the picker). */
  initialCommand?: string;
  /** Run one GC after this long without activity, so V8 returns memory (default 6000; 0 disables). See idle-trim.ts. */
  idleTrimMs?: number;
}

export interface AppProps {
  session: AgentSession;
  options?: TuiOptions;
  /** Injected by tests; otherwise loaded from options.historyFile. */
  history?: InputHistory;
  onExit?(code: number): void;
}

interface Turn {
  ac: AbortController;
  interrupted: boolean;
}

interface PendingApproval {
  request: ApprovalRequest;
  resolve(d: ApprovalDecision): void;
}

interface Busy {
  label: string;
  since: number;
  hint: string;
}

export function App({ session: initialSession, options = {}, history: historyProp, onExit }: AppProps) {
  const { exit: inkExit } = useApp();
  const { write } = useStdout();
  const size = useTerminalSize();

  const [session, setSession] = useState(initialSession);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const [history] = useState(() => historyProp ?? InputHistory.load(options.historyFile));
  const commands = useMemo(() => commandList(options.extraSlash), [options.extraSlash]);
  const completions = useMemo(() => completionEntries(commands), [commands]);

  const [done, setDone] = useState<Item[]>(() => startItems(initialSession, options.resumeLimit ?? 10));
  const doneRef = useRef(done);
  doneRef.current = done;
  const [generation, setGeneration] = useState(0);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());
  const [stream, setStream] = useState("");
  const [liveTools, setLiveTools] = useState<ToolItem[]>([]);
  const [approval, setApproval] = useState<PendingApproval | null>(null);
  const [busy, setBusy] = useState<Busy | null>(null);
  const [queue, setQueue] = useState<string[]>([]);
  const [stats, setStats] = useState(() => safeStats(initialSession));
  const [model, setModel] = useState(() => initialSession.info().model);
  const [mode, setMode] = useState<PermissionMode>(() => initialSession.info().permissionMode);
  const [exitHint, setExitHint] = useState(false);
  const [inputHeight, setInputHeight] = useState(3);
  const [suspended, setSuspended] = useState(false);
  const [reflecting, setReflecting] = useState(false);
  const [choice, setChoice] = useState<{ id: number; request: ChoiceRequest; resolve(i: number | null): void } | null>(null);
  const [prefill, setPrefill] = useState<{ text: string; seq: number } | undefined>(undefined);

  // Mutable mirrors for the async turn loop, which outlives any one render.
  const turnRef = useRef<Turn | null>(null);
  const progressRef = useRef<AbortController | null>(null);
  const approvalRef = useRef<PendingApproval | null>(null);
  /** The running turn's view (streaming answer, live tools): a pure function of its events (turn-state.ts). */
  const viewRef = useRef<TurnState>(emptyTurn());
  const queueRef = useRef<string[]>([]);
  const modeRef = useRef(mode);
  modeRef.current = mode;
  const flushTimer = useRef<NodeJS.Timeout | null>(null);
  const lastCtrlC = useRef(0);
  const hintTimer = useRef<NodeJS.Timeout | null>(null);
  const exited = useRef(false);
  /** Quitting, waiting (briefly) for reflection to finish. */
  const leaving = useRef(false);
  /** What started the running reflection pass: a manual one reports even when it learned nothing. */
  const reflectionTrigger = useRef<ReflectionTrigger | null>(null);
  const capNoticeShown = useRef(false);
  const [idle] = useState(() => createIdleTrim(options.idleTrimMs ?? 6000));
  useEffect(() => {
    idle.poke();
    return () => idle.stop();
  }, [idle]);

  // ---- transcript plumbing -------------------------------------------------

  const commit = useCallback((item: Item) => setDone((d) => [...d, item]), []);
  const note = useCallback((level: NoteLevel, text: string, hint?: string) => commit({ kind: "note", id: newId(), level, text, hint }), [commit]);

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

  /** Apply one step of the turn reducer: its new state, and what moves into the transcript. */
  const apply = useCallback(
    (step: TurnStep) => {
      viewRef.current = step.state;
      for (const item of step.commit) commit(item);
      if (step.busy === "thinking") setBusy((b) => (b ? { ...b, label: "thinking…" } : b));
      else if (step.busy) {
        const name = step.busy.tool;
        setBusy((b) => ({ label: `running ${name}…`, since: b?.since ?? Date.now(), hint: "Esc to interrupt" }));
      }
    },
    [commit],
  );

  const refresh = useCallback(() => setStats(safeStats(sessionRef.current)), []);

  const clearView = useCallback(() => {
    write(CLEAR_SCREEN);
    setDone([headerItem(sessionRef.current)]);
    setExpanded(new Set());
    setGeneration((g) => g + 1);
  }, [write]);

  /** Repaint everything (after a width change, an external editor, or expanding a finished tool). */
  const repaint = useCallback(() => {
    write(CLEAR_SCREEN);
    setGeneration((g) => g + 1);
  }, [write]);

  const leaveNow = useCallback(
    (code = 0) => {
      if (exited.current) return;
      exited.current = true;
      turnRef.current?.ac.abort();
      approvalRef.current?.resolve({ decision: "no", reason: "the user quit" });
      onExit?.(code);
      // Repaint without the "Ctrl-C again" hint first, so the last frame left on screen is clean.
      setExitHint(false);
      setTimeout(() => inkExit(), 0);
    },
    [inkExit, onExit],
  );

  // ---- reflection (the session schedules it; shown as it lands) -----------

  const onReflectionEvent = useCallback(
    (ev: AgentEvent) => {
      if (ev.type === "reflection" && ev.phase === "start") {
        reflectionTrigger.current = ev.trigger;
        setReflecting(true);
      } else if (ev.type === "memory_update") {
        commit({ kind: "learned", id: newId(), verb: changeVerb(ev), label: ev.label, text: addedText(ev) || "(emptied)", undoId: ev.eventId });
        refresh();
      } else if (ev.type === "reflection" && ev.phase === "end") {
        const manual = reflectionTrigger.current === "manual";
        reflectionTrigger.current = null;
        setReflecting(false);
        refresh();
        if (ev.status === "capped") {
          if (manual || !capNoticeShown.current) note("warn", ev.message ?? "Reflection paused: daily token cap reached.", 'Raise "reflection.dailyTokenCap" in .letta/config.json to allow more.');
          capNoticeShown.current = true;
        } else if (ev.status === "failed") note("warn", ev.message ?? "Reflection failed.", "/reflect tries again.");
        else if (manual && ev.status === "done" && ev.changes === 0) note("dim", `Reflected on ${ev.messagesReflected} messages: nothing durable to learn.`);
        else if (manual && ev.status !== "done" && ev.status !== "interrupted") note(ev.status === "off" ? "warn" : "dim", ev.message ?? `Reflection: ${ev.status}.`);
      }
    },
    [commit, note, refresh],
  );
  useEffect(() => session.onBackground?.(onReflectionEvent), [session, onReflectionEvent]);

  /** /reflect: a pass now, in the background (a refused one still ends with an event that says why). */
  const startReflection = useCallback(
    async (_trigger: ReflectionTrigger): Promise<void> => {
      const s = sessionRef.current;
      if (!s.reflectInBackground) return;
      if (reflectionTrigger.current) note("dim", "Reflection is already running; what it learns appears as it lands.");
      else reflectionTrigger.current = "manual";
      await s.reflectInBackground("manual");
    },
    [note],
  );

  /**
   * Quit. The session's end gives reflection a moment (bounded) to save what was learned when it is
   * due; a second quit leaves at once.
   */
  const endAbort = useRef<AbortController | null>(null);
  const exit = useCallback(
    (code = 0) => {
      if (exited.current) return;
      if (leaving.current) {
        endAbort.current?.abort();
        return leaveNow(code);
      }
      const s = sessionRef.current;
      if (!s.reflectionPending?.() || !s.endSession) return leaveNow(code);
      leaving.current = true;
      turnRef.current?.ac.abort();
      approvalRef.current?.resolve({ decision: "no", reason: "the user quit" });
      setExitHint(false);
      setBusy({ label: "saving what was learned…", since: Date.now(), hint: "Ctrl-C leaves now" });
      const ac = (endAbort.current = new AbortController());
      void s.endSession("exit", { signal: ac.signal }).then(async () => {
        // Let Ink paint what was just learned first: it is the last frame left on screen.
        await new Promise((r) => setTimeout(r, 50));
        leaveNow(code);
      });
    },
    [leaveNow],
  );

  // ---- a turn --------------------------------------------------------------

  const startNext = useRef<() => void>(() => {});

  const endTurn = useCallback(
    (turn: Turn) => {
      if (turnRef.current !== turn) return;
      turnRef.current = null;
      // After an interrupt the partial answer was already committed (and later text ignored).
      apply(endTurnView(viewRef.current));
      viewRef.current = emptyTurn();
      flushLive();
      if (approvalRef.current) {
        approvalRef.current.resolve({ decision: "no", reason: "the turn ended" });
        approvalRef.current = null;
        setApproval(null);
      }
      if (!leaving.current) setBusy(null);
      refresh();
      idle.poke();
      startNext.current();
    },
    [apply, flushLive, idle, refresh],
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
    if (approvalRef.current) {
      approvalRef.current.resolve({ decision: "no", reason: "interrupted by the user" });
      approvalRef.current = null;
      setApproval(null);
    }
    // The partial answer moves into the transcript now, marked; later text from this turn is ignored.
    apply(interruptTurn(viewRef.current));
    flushLive();
    setBusy({ label: "stopping…", since: Date.now(), hint: "" });
    // An agent that doesn't stop promptly is let go: its remaining events are ignored.
    setTimeout(() => endTurn(turn), 3000).unref?.();
  }, [apply, endTurn, flushLive]);

  const handleEvent = useCallback(
    (ev: AgentEvent, turn: Turn) => {
      idle.poke();
      switch (ev.type) {
        case "turn_start":
          // After a wait for another writer's turn the progress line goes back to the turn's own.
          return setBusy((b) => (b ? { ...b, label: "thinking…", hint: "Esc to interrupt" } : b));
        case "assistant_delta":
        case "tool_output":
          apply(reduceTurn(viewRef.current, ev));
          return scheduleFlush();
        case "assistant_message":
        case "tool_call":
        case "tool_update":
        case "approval_result":
        case "tool_result":
          apply(reduceTurn(viewRef.current, ev));
          return flushLive();
        case "approval_request":
          return;
        case "memory_update": {
          const before = viewRef.current;
          apply(reduceTurn(before, ev));
          if (viewRef.current !== before) refresh(); // core chars in the status line
          return;
        }
        case "compaction":
          setBusy((b) => (b ? { ...b, label: "thinking…" } : b));
          return note(
            "dim",
            `⟳ Compacted the conversation: summarised ${ev.evicted} older messages (${ev.tokensBefore.toLocaleString("en-US")} → ${ev.tokensAfter.toLocaleString("en-US")} tokens). They stay searchable in recall memory.`,
          );
        case "memory_pressure":
          return note(
            "warn",
            `Context is ${ev.window > 0 ? Math.round((ev.tokens / ev.window) * 100) : 0}% full; the agent was asked to save what matters to memory.`,
            "Older messages will be summarised soon; /compact does it now.",
          );
        case "retry":
          return note("warn", `Model request failed (${ev.reason}); retrying in ${(ev.delayMs / 1000).toFixed(1)} s (attempt ${ev.attempt}).`);
        case "usage":
          return setStats((s) => ({ ...s, contextTokens: ev.contextTokens, contextWindow: ev.contextWindow }));
        case "notice":
          // Waiting for another writer's turn is a state, not news: the progress line says it until the turn starts.
          if (ev.code === "turn_waiting") return setBusy((b) => ({ label: ev.message, since: b?.since ?? Date.now(), hint: "Esc to stop waiting" }));
          return note("info", ev.message);
        case "progress": {
          // A long wait inside the turn (e.g. the embedding model downloading): shown on the progress line.
          const pct = Math.max(0, Math.min(100, Math.round(ev.percent)));
          if (pct >= 100) {
            note("dim", `${ev.what}: done${ev.detail ? ` (${ev.detail})` : ""}`);
            return setBusy((b) => (b ? { ...b, label: "thinking…" } : b));
          }
          // 0% is "started, no measure yet" (e.g. a summary being written): show the activity without a number.
          const label = `${ev.what}${pct > 0 ? ` ${pct}%` : "…"}${ev.detail ? ` · ${ev.detail}` : ""}`;
          return setBusy((b) => ({ label, since: b?.since ?? Date.now(), hint: "Esc to interrupt" }));
        }
        case "error":
          return note("error", ev.message, errorHint(ev.message, safeInfo(sessionRef.current)?.baseURL));
        case "done":
          if (ev.reason === "step_limit") note("warn", `Stopped after ${ev.numSteps} steps (the step limit).`, "Send “continue” to let the agent go on.");
          else if (ev.reason === "loop_detected") note("warn", "Stopped: the agent kept repeating the same tool call.", "Rephrase the request or give it more guidance.");
          return;
      }
    },
    [apply, flushLive, idle, note, refresh, scheduleFlush],
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
            handleEvent(ev, turn);
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
    [commit, endTurn, flushLive, handleEvent, note],
  );

  // ---- slash commands ------------------------------------------------------

  const progress = useCallback(async <T,>(label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> => {
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
  }, []);

  const editText = useCallback(
    async (initial: string, fileName: string): Promise<string | null> => {
      // Release the keyboard (raw mode off, Ink's reader detached) before handing the terminal over.
      setSuspended(true);
      await new Promise((r) => setTimeout(r, 30));
      try {
        return await editInEditor(initial, fileName, options.openEditor);
      } catch (e) {
        note("error", `Could not edit: ${errMessage(e)}`, "Set $EDITOR (or $VISUAL) to your editor, e.g. export EDITOR=nano.");
        return null;
      } finally {
        setSuspended(false);
        if (!options.openEditor) repaint();
      }
    },
    [note, options.openEditor, repaint],
  );

  const switchSession = useCallback(
    (next: AgentSession) => {
      sessionRef.current = next;
      setSession(next);
      const info = next.info();
      setModel(info.model);
      setMode(info.permissionMode);
      setStats(safeStats(next));
      write(CLEAR_SCREEN);
      setDone(startItems(next, options.resumeLimit ?? 10));
      setExpanded(new Set());
      setGeneration((g) => g + 1);
    },
    [options.resumeLimit, write],
  );

  const runSlash = useCallback(
    async (text: string) => {
      const parsed = parseSlash(text);
      const cmd = parsed && (findCommand(commands, parsed.name) ?? findCommand(options.dynamicSlash?.() ?? [], parsed.name));
      if (!parsed || !cmd) {
        return note("warn", `Unknown command ${parsed ? "/" + parsed.name : text}.`, "Type /help to list commands.");
      }
      const isBusy = turnRef.current !== null || progressRef.current !== null;
      if (isBusy && !cmd.whileBusy) return note("warn", `/${cmd.name} has to wait until the agent is done.`, "Press Esc to interrupt it.");
      const ctx: SlashContext = {
        session: sessionRef.current,
        busy: isBusy,
        commands,
        agents: options.agents,
        permissions: options.permissions,
        note,
        panel: (title, rows) => commit({ kind: "panel", id: newId(), title, rows }),
        send: (t, display, opts) => void runTurn(t, display, opts),
        progress,
        editText,
        clearView,
        choose: (request) =>
          new Promise<number | null>((resolve) =>
            setChoice({
              // A new id per request remounts the list: a second question starts fresh.
              id: newId(),
              request,
              resolve: (i) => {
                setChoice(null);
                resolve(i);
              },
            }),
          ),
        setInput: (t) => setPrefill((p) => ({ text: t, seq: (p?.seq ?? 0) + 1 })),
        switchSession,
        setModel,
        reflect: (trigger) => startReflection(trigger),
        refresh,
        exit,
      };
      try {
        await cmd.run(parsed.args, ctx);
      } catch (e) {
        const msg = errMessage(e);
        note("error", `/${cmd.name} failed: ${msg}`, errorHint(msg));
      }
    },
    [clearView, commands, commit, editText, exit, note, options.agents, options.dynamicSlash, options.permissions, progress, refresh, runTurn, startReflection, switchSession],
  );

  const submit = useCallback(
    (text: string) => {
      if (/^\/[^/\s]/.test(text.trim())) return void runSlash(text.trim());
      const message = text.startsWith("//") ? text.slice(1) : text; // "//" sends a literal leading slash
      if (turnRef.current || progressRef.current) {
        queueRef.current = [...queueRef.current, message];
        setQueue(queueRef.current);
        return;
      }
      void runTurn(message);
    },
    [runSlash, runTurn],
  );

  startNext.current = () => {
    if (turnRef.current || progressRef.current || exited.current) return;
    const [next, ...rest] = queueRef.current;
    if (next === undefined) return;
    queueRef.current = rest;
    setQueue(rest);
    setTimeout(() => void runTurn(next), 0);
  };

  const onDecide = useCallback(
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

  // ---- global keys ---------------------------------------------------------

  const cycleMode = useCallback(() => {
    const i = PERMISSION_MODES.indexOf(modeRef.current);
    const next = PERMISSION_MODES[(i + 1) % PERMISSION_MODES.length]!;
    try {
      sessionRef.current.setPermissionMode(next);
      modeRef.current = next;
      setMode(next);
    } catch (e) {
      note("error", `Could not change the permission mode: ${errMessage(e)}`);
    }
  }, [note]);

  const toggleExpand = useCallback(() => {
    const live = viewRef.current.live[viewRef.current.live.length - 1];
    const target = live ?? [...doneRef.current].reverse().find((i) => i.kind === "tool");
    if (!target) return;
    setExpanded((prev) => {
      const next = new Set(prev);
      if (next.has(target.id)) next.delete(target.id);
      else next.add(target.id);
      return next;
    });
    // A finished tool sits in <Static>, already printed: re-render the transcript to change it.
    if (!live) repaint();
  }, [repaint]);

  useInput(
    (input, key) => {
      idle.poke();
      if (key.ctrl && input === "c") {
        if (turnRef.current || progressRef.current) interrupt();
        const now = Date.now();
        if (now - lastCtrlC.current < 2000) return exit(0);
        lastCtrlC.current = now;
        setExitHint(true);
        if (hintTimer.current) clearTimeout(hintTimer.current);
        hintTimer.current = setTimeout(() => setExitHint(false), 2000);
        return;
      }
      if (key.escape) {
        if (!approvalRef.current && !choice && (turnRef.current || progressRef.current)) interrupt();
        return;
      }
      if (key.tab && key.shift) {
        if (!approvalRef.current) cycleMode();
        return;
      }
      if (key.ctrl && input === "l") return clearView();
      if (key.ctrl && input === "o") return toggleExpand();
    },
    { isActive: !suspended },
  );

  // `letta-code "fix the failing test"`: the first message comes from the command line, sent once.
  const initialSent = useRef(false);
  useEffect(() => {
    if (initialSent.current || !options.initialPrompt?.trim()) return;
    initialSent.current = true;
    // `letta-code "/review src/app.ts"` runs that command, as it would headless; other text is a message.
    const parsed = parseSlash(options.initialPrompt);
    if (parsed && findCommand(commands, parsed.name)) void runSlash(options.initialPrompt);
    else void runTurn(options.initialPrompt);
  }, [commands, options.initialPrompt, runSlash, runTurn]);
  const initialRun = useRef(false);
  useEffect(() => {
    if (initialRun.current || !options.initialCommand) return;
    initialRun.current = true;
    void runSlash(options.initialCommand);
  }, [options.initialCommand, runSlash]);

  // A narrower or wider terminal: re-render the transcript at the new width (debounced).
  const firstColumns = useRef(size.columns);
  useEffect(() => {
    if (size.columns === firstColumns.current) return;
    firstColumns.current = size.columns;
    const t = setTimeout(repaint, 150);
    return () => clearTimeout(t);
  }, [size.columns, repaint]);

  useEffect(
    () => () => {
      if (flushTimer.current) clearTimeout(flushTimer.current);
      if (hintTimer.current) clearTimeout(hintTimer.current);
    },
    [],
  );

  // ---- layout --------------------------------------------------------------

  const width = Math.max(20, size.columns);
  // Rows below the live region: input, status line, hint, progress and queue lines, and the
  // newline Ink writes after its output.
  const queueRows = Math.min(queue.length, 3) + (queue.length > 3 ? 1 : 0);
  const chrome = inputHeight + 1 + (exitHint ? 1 : 0) + (busy && !approval ? 1 : 0) + queueRows + 1;
  const maxPreview = Math.max(3, size.rows - chrome - APPROVAL_CHROME - 2);
  const approvalRows = approval ? APPROVAL_CHROME + previewLines(approval.request, width - 4, maxPreview).length : 0;
  const maxChoiceRows = Math.max(2, size.rows - chrome - CHOICE_CHROME - 2);
  const choiceRows = choice
    ? CHOICE_CHROME + Math.min(maxChoiceRows, choice.request.choices.length * (choice.request.choices.some((c) => c.detail) ? 2 : 1))
    : 0;
  const liveBudget = size.rows - chrome - approvalRows - choiceRows;
  const live = useMemo(() => liveLines(liveTools, stream, width, expanded, liveBudget), [liveTools, stream, width, expanded, liveBudget]);

  return (
    <Box flexDirection="column">
      <FinishedItems items={done} width={width} expandedIds={expanded} generation={generation} />
      {live.length > 0 ? <LinesView lines={live} /> : null}
      {busy && !approval ? <Spinner label={busy.label} since={busy.since} hint={busy.hint} /> : null}
      {queue.slice(0, 3).map((q, i) => (
        <Text key={i} dimColor wrap="truncate-end">
          {`⏳ queued: ${truncate(q.split("\n")[0] ?? "", width - 14)}`}
        </Text>
      ))}
      {queue.length > 3 ? <Text dimColor>{`   … ${queue.length - 3} more queued`}</Text> : null}
      {approval ? (
        <ApprovalPrompt key={approval.request.id} request={approval.request} width={width} maxPreviewRows={maxPreview} onDecide={onDecide} onCancel={interrupt} />
      ) : null}
      {choice ? (
        <ChoiceList
          key={choice.id}
          request={choice.request}
          width={width}
          maxRows={maxChoiceRows}
          onChoose={(i) => choice.resolve(i)}
          onCancel={() => choice.resolve(null)}
        />
      ) : null}
      <Input
        isActive={!approval && !choice && !suspended}
        prefill={prefill}
        onDoubleEscape={() => void runSlash("/rewind")}
        busy={busy !== null}
        width={width}
        maxRows={Math.max(1, Math.min(8, Math.floor(size.rows / 3)))}
        history={history}
        commands={completions}
        projectRoot={safeInfo(session)?.projectRoot ?? process.cwd()}
        onSubmit={submit}
        onHeightChange={setInputHeight}
      />
      <StatusLine
        model={model}
        contextTokens={stats.contextTokens}
        contextWindow={stats.contextWindow}
        coreChars={stats.coreChars}
        coreLimit={stats.coreLimit}
        archivalCount={stats.archivalCount}
        mode={mode}
        width={width}
        reflecting={reflecting}
      />
      {exitHint ? <Text color={color(theme.warn)}>Press Ctrl-C again to exit</Text> : null}
    </Box>
  );
}
