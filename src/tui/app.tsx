/**
 * The TUI's root: what renders where, and how much room each part gets. The turn, slash commands,
 * reflection, quitting, the transcript and the status line are hooks named for them (use-*.ts).
 *
 * Layout, top to bottom:
 *   <Static> finished items (header, messages, tool results…), written once to scrollback
 *   live region: running tools + streaming answer, capped to what fits the terminal
 *   progress line, queued messages, approval prompt
 *   input (its own state: typing re-renders only the input)
 *   status line, Ctrl-C hint
 */
import React, { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Box, Text, useInput } from "ink";
import type { AgentSession } from "../agent/session.js";
import { APPROVAL_CHROME, ApprovalPrompt, previewLines } from "./approval.js";
import { CHOICE_CHROME, ChoiceList } from "./choice-list.js";
import type { OpenEditor } from "./editor.js";
import { InputHistory } from "./history.js";
import { createIdleTrim } from "./idle-trim.js";
import { Input } from "./input.js";
import { LinesView } from "./lines-view.js";
import type { Item } from "./items.js";
import { liveLines } from "./live-lines.js";
import { RESUME_LIMIT, safeInfo, startItems } from "./session-view.js";
import {
  commandList,
  completionEntries,
  findCommand,
  parseSlash,
  type AgentSwitcher,
  type PermissionsView,
  type SlashCommand,
  type TurnSendOptions,
} from "./slash-commands.js";
import { Spinner } from "./spinner.js";
import { StatusLine } from "./status-line.js";
import { useTerminalSize } from "./terminal.js";
import { truncate } from "./text-layout.js";
import { color, theme } from "./theme.js";
import { FinishedItems } from "./transcript.js";
import { useExit } from "./use-exit.js";
import { useReflection } from "./use-reflection.js";
import { useReleaseRows } from "./use-release.js";
import { useSlash } from "./use-slash.js";
import { useStatus } from "./use-status.js";
import { useTranscript } from "./use-transcript.js";
import { useTurn } from "./use-turn.js";

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
  /** The start items (startItems), already written to the terminal above the first frame (runTui). */
  printed?: Item[];
  onExit?(code: number): void;
}

export function App({ session: initialSession, options = {}, history: historyProp, printed, onExit }: AppProps) {
  const size = useTerminalSize();
  const [session, setSession] = useState(initialSession);
  const sessionRef = useRef(session);
  sessionRef.current = session;
  const [history] = useState(() => historyProp ?? InputHistory.load(options.historyFile));
  const commands = useMemo(() => commandList(options.extraSlash), [options.extraSlash]);
  const completions = useMemo(() => completionEntries(commands), [commands]);
  const resumeLimit = options.resumeLimit ?? RESUME_LIMIT;

  const transcript = useTranscript(() => printed ?? startItems(initialSession, resumeLimit));
  const { commit, note, repaint } = transcript;
  const status = useStatus(initialSession, sessionRef, note);
  const { refresh, setModel } = status;
  const [inputHeight, setInputHeight] = useState(3);
  const [idle] = useState(() => createIdleTrim(options.idleTrimMs ?? 6000));
  useEffect(() => {
    idle.poke();
    return () => idle.stop();
  }, [idle]);

  const turn = useTurn({ sessionRef, commit, note, refresh, setContext: status.setContext, poke: idle.poke });
  const { reflecting, reflect } = useReflection({ session, sessionRef, commit, refresh });
  const { exit, ctrlC, exitHint } = useExit({ sessionRef, quit: turn.quit, setBusy: turn.setBusy, onExit });

  const clearView = useCallback(() => transcript.clearView(sessionRef.current), [transcript.clearView]);
  const switchSession = useCallback(
    (next: AgentSession) => {
      sessionRef.current = next;
      setSession(next);
      status.adopt(next);
      transcript.restart(next, resumeLimit);
    },
    [resumeLimit, status.adopt, transcript.restart],
  );
  const actions = useMemo(
    () => ({ send: (t: string, display?: string, opts?: TurnSendOptions) => void turn.runTurn(t, display, opts), progress: turn.progress, clearView, switchSession, setModel, reflect, refresh, exit }),
    [clearView, exit, reflect, refresh, setModel, switchSession, turn.progress, turn.runTurn],
  );
  const { agents, permissions, dynamicSlash, openEditor } = options;
  const sizeRef = useRef(size);
  sizeRef.current = size;
  const terminal = useCallback(() => sizeRef.current, []);
  const { runSlash, choice, prefill, suspended } = useSlash({ agents, permissions, dynamicSlash, openEditor, commands, sessionRef, commit, note, repaint, isBusy: turn.isBusy, terminal, actions });

  const submit = useCallback(
    (text: string) => {
      if (/^\/[^/\s]/.test(text.trim())) return void runSlash(text.trim());
      turn.send(text.startsWith("//") ? text.slice(1) : text); // "//" sends a literal leading slash
    },
    [runSlash, turn.send],
  );

  useInput(
    (input, key) => {
      idle.poke();
      if (key.ctrl && input === "c") {
        if (turn.isBusy()) turn.interrupt();
        return ctrlC();
      }
      if (key.escape) {
        if (!turn.asking() && !choice && turn.isBusy()) turn.interrupt();
        return;
      }
      if (key.tab && key.shift) {
        if (!turn.asking()) status.cycleMode();
        return;
      }
      if (key.ctrl && input === "l") return clearView();
      if (key.ctrl && input === "o") return transcript.toggleNewest(turn.lastLiveTool());
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
    else void turn.runTurn(options.initialPrompt);
  }, [commands, options.initialPrompt, runSlash, turn.runTurn]);
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

  // ---- layout --------------------------------------------------------------

  const width = Math.max(20, size.columns);
  // Rows below the live region: input, status line, hint, progress and queue lines, and the
  // newline Ink writes after its output.
  const { approval, busy, queue } = turn;
  const { stats, model, mode } = status;
  const queueRows = Math.min(queue.length, 3) + (queue.length > 3 ? 1 : 0);
  const chrome = inputHeight + 1 + (exitHint ? 1 : 0) + (busy && !approval ? 1 : 0) + queueRows + 1;
  const maxPreview = Math.max(3, size.rows - chrome - APPROVAL_CHROME - 2);
  const approvalRows = approval ? APPROVAL_CHROME + previewLines(approval.request, width - 4, maxPreview).length : 0;
  const maxChoiceRows = Math.max(2, size.rows - chrome - CHOICE_CHROME - 2);
  const choiceRows = choice
    ? CHOICE_CHROME + Math.min(maxChoiceRows, choice.request.choices.length * (choice.request.choices.some((c) => c.detail) ? 2 : 1))
    : 0;
  const liveBudget = size.rows - chrome - approvalRows - choiceRows;
  const live = useMemo(
    () => liveLines(turn.liveTools, turn.stream, width, transcript.expanded, liveBudget),
    [turn.liveTools, turn.stream, width, transcript.expanded, liveBudget],
  );
  useReleaseRows({ promptRows: approvalRows + choiceRows, otherRows: chrome + live.length, rows: size.rows, width, done: transcript.done, repaint });

  return (
    <Box flexDirection="column">
      <FinishedItems items={transcript.done} width={width} expandedIds={transcript.expanded} generation={transcript.generation} printed={printed?.length} />
      {live.length > 0 ? <LinesView lines={live} /> : null}
      {busy && !approval ? <Spinner label={busy.label} since={busy.since} hint={busy.hint} /> : null}
      {queue.slice(0, 3).map((q, i) => (
        <Text key={i} dimColor wrap="truncate-end">
          {`⏳ queued: ${truncate(q.split("\n")[0] ?? "", width - 14)}`}
        </Text>
      ))}
      {queue.length > 3 ? <Text dimColor>{`   … ${queue.length - 3} more queued`}</Text> : null}
      {approval ? (
        <ApprovalPrompt key={approval.request.id} request={approval.request} width={width} maxPreviewRows={maxPreview} onDecide={turn.decide} onCancel={turn.interrupt} />
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
