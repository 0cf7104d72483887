/**
 * The prompt input. Its state lives here (not in <App>) so a keystroke re-renders only
 * this component: the transcript and status line stay untouched while typing.
 *
 * Enter submits; Ctrl-J, Alt/Meta+Enter or a trailing `\` + Enter insert a newline.
 * Pasted text (one chunk, or a bracketed paste) is inserted literally, newlines included.
 */
import React, { memo, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { Box, Text, useInput, type Key } from "ink";
import { atToken, commonPrefix, completePath, slashMatches, type CommandInfo, type PathCandidate } from "./completion.js";
import type { InputHistory } from "./history.js";
import * as E from "./input-state.js";
import { BUSY_PLACEHOLDER, IDLE_PLACEHOLDER, inputInner } from "./idle-frame.js";
import { splitAtWidth, truncate } from "./text-layout.js";
import { color, theme } from "./theme.js";

export interface InputProps {
  isActive: boolean;
  busy: boolean;
  width: number;
  /** Most text rows shown at once; longer input scrolls with the cursor. */
  maxRows: number;
  history: InputHistory;
  commands: readonly CommandInfo[];
  projectRoot: string;
  onSubmit(text: string): void;
  /** Called when the rows the input occupies change (so the live region can be sized). */
  onHeightChange?(rows: number): void;
  /** Text to put in the box (a rewound message); a new `seq` replaces what is there. */
  prefill?: { text: string; seq: number };
  /** Esc pressed twice within a second on an empty input while idle (opens /rewind, as in Claude Code). */
  onDoubleEscape?(): void;
}

const DOUBLE_ESC_MS = 1000;

interface Row {
  text: string;
  start: number;
  /** Cursor column in this row, if the cursor is here. */
  cursorAt?: number;
}

/** Hard-wrap the buffer into rows of `width` columns and find the cursor's row. */
export function layoutRows(state: E.EditState, width: number): { rows: Row[]; cursorRow: number } {
  const rows: Row[] = [];
  let cursorRow = 0;
  let offset = 0;
  for (const line of state.value.split("\n")) {
    let rest = line;
    let start = offset;
    do {
      const [head, tail] = rest.length > 0 ? splitAtWidth(rest, width) : ["", ""];
      const row: Row = { text: head, start };
      const end = start + head.length;
      const lastOfLine = tail.length === 0;
      if (state.cursor >= start && (state.cursor < end || (lastOfLine && state.cursor === end))) {
        row.cursorAt = state.cursor - start;
        cursorRow = rows.length;
      }
      rows.push(row);
      // A full last row with the cursor at its end: the cursor needs a row of its own.
      if (lastOfLine && row.cursorAt === head.length && head.length > 0 && splitAtWidth(head + "x", width)[1] !== "") {
        delete row.cursorAt;
        rows.push({ text: "", start: end, cursorAt: 0 });
        cursorRow = rows.length - 1;
      }
      start = end;
      rest = tail;
    } while (rest.length > 0);
    offset += line.length + 1;
  }
  return { rows, cursorRow };
}

const MAX_MENU = 6;

export const Input = memo(function Input(props: InputProps) {
  const { isActive, busy, width, maxRows, history, commands, projectRoot, onSubmit, onHeightChange, prefill, onDoubleEscape } = props;
  const [state, setState] = useState<E.EditState>(E.empty);
  const [candidates, setCandidates] = useState<PathCandidate[] | null>(null);
  const stateRef = useRef(state);
  const histIndex = useRef<number | null>(null);
  const draft = useRef("");
  const pasting = useRef(false);
  const lastEscape = useRef(0);

  const apply = useCallback((next: E.EditState, keepCandidates = false) => {
    if (next === stateRef.current) return;
    stateRef.current = next;
    setState(next);
    if (!keepCandidates) setCandidates(null);
  }, []);

  const recall = useCallback(
    (dir: -1 | 1) => {
      const entries = history.entries;
      const cur = histIndex.current ?? entries.length;
      const target = cur + dir;
      if (target < 0 || target > entries.length) return;
      if (histIndex.current === null) draft.current = stateRef.current.value;
      histIndex.current = target;
      apply(E.setValue(target === entries.length ? draft.current : entries[target]!));
    },
    [history, apply],
  );

  const complete = useCallback(() => {
    const s = stateRef.current;
    const matches = slashMatches(s.value, commands);
    if (matches.length > 0) {
      const names = matches.map((c) => c.name);
      const done = names.length === 1 ? `/${names[0]} ` : `/${commonPrefix(names)}`;
      apply(E.setValue(done), true);
      return;
    }
    const tok = atToken(s.value, s.cursor);
    if (!tok) return;
    const found = completePath(projectRoot, tok.partial);
    if (found.length === 0) {
      setCandidates([]);
      return;
    }
    const insertText = found.length === 1 ? found[0]!.path + (found[0]!.dir ? "" : " ") : commonPrefix(found.map((f) => f.path));
    const value = s.value.slice(0, tok.start + 1) + insertText + s.value.slice(s.cursor);
    apply({ value, cursor: tok.start + 1 + insertText.length }, true);
    setCandidates(found.length === 1 ? null : found);
  }, [commands, projectRoot, apply]);

  const submit = useCallback(() => {
    let text = stateRef.current.value;
    if (text.trim() === "") return;
    // "/he" + Enter with a single matching command runs it.
    const matches = slashMatches(text.trim(), commands);
    if (matches.length === 1 && !commands.some((c) => `/${c.name}` === text.trim())) text = `/${matches[0]!.name}`;
    history.add(text);
    histIndex.current = null;
    draft.current = "";
    apply(E.empty);
    onSubmit(text);
  }, [commands, history, apply, onSubmit]);

  const handle = useCallback(
    (input: string, key: Key) => {
      const s = stateRef.current;
      // Bracketed paste markers (ESC is stripped by Ink): everything between is literal text.
      if (input === "[200~") return void (pasting.current = true);
      if (input === "[201~") return void (pasting.current = false);
      if (key.ctrl && input === "c") return apply(E.empty); // App shows the "again to exit" hint
      if (key.tab && key.shift) return; // Shift+Tab: permission mode, handled by App
      if (key.escape) {
        setCandidates(null);
        if (s.value !== "" || busy) return void (lastEscape.current = 0);
        const now = Date.now();
        // Two presses read in one chunk arrive as one Esc key whose input still holds the second ESC.
        if (input === "\u001b" || now - lastEscape.current < DOUBLE_ESC_MS) {
          lastEscape.current = 0;
          return onDoubleEscape?.();
        }
        lastEscape.current = now;
        return;
      }
      if (key.return) {
        if (pasting.current || key.meta) return apply(E.insert(s, "\n"));
        if (s.cursor > 0 && s.value[s.cursor - 1] === "\\") return apply(E.insert(E.backspace(s), "\n"));
        return submit();
      }
      if (key.tab) return complete();
      if (key.upArrow) return void (E.vertical(s, -1) ? apply(E.vertical(s, -1)!) : recall(-1));
      if (key.downArrow) return void (E.vertical(s, 1) ? apply(E.vertical(s, 1)!) : recall(1));
      if (key.leftArrow) return apply(key.ctrl || key.meta ? E.wordLeft(s) : E.left(s));
      if (key.rightArrow) return apply(key.ctrl || key.meta ? E.wordRight(s) : E.right(s));
      if (key.home) return apply(E.lineStart(s));
      if (key.end) return apply(E.lineEnd(s));
      // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`.
      if (key.backspace || key.delete) return apply(key.meta ? E.deleteWordBack(s) : E.backspace(s));
      if (key.ctrl) {
        switch (input) {
          case "a":
            return apply(E.lineStart(s));
          case "e":
            return apply(E.lineEnd(s));
          case "u":
            return apply(E.killToLineStart(s));
          case "k":
            return apply(E.killToLineEnd(s));
          case "w":
            return apply(E.deleteWordBack(s));
          case "d":
            return apply(E.deleteForward(s));
          case "b":
            return apply(E.left(s));
          case "f":
            return apply(E.right(s));
          case "p":
            return recall(-1);
          case "n":
            return recall(1);
        }
        return; // Ctrl-L, Ctrl-O… belong to App
      }
      if (key.meta && input.length === 1) {
        if (input === "b") return apply(E.wordLeft(s));
        if (input === "f") return apply(E.wordRight(s));
        if (input === "d") return apply({ value: s.value.slice(0, s.cursor) + s.value.slice(E.wordRight(s).cursor), cursor: s.cursor });
        return;
      }
      // Ctrl-J arrives as a bare "\n"; a paste arrives as one chunk: both are inserted as-is.
      if (input) apply(E.insert(s, input));
    },
    [apply, complete, recall, submit, busy, onDoubleEscape],
  );

  useInput(handle, { isActive });

  useEffect(() => {
    if (prefill) apply(E.setValue(prefill.text));
  }, [prefill, apply]);

  const inner = inputInner(width);
  const { rows, cursorRow } = useMemo(() => layoutRows(state, inner), [state, inner]);
  const visible = Math.max(1, maxRows);
  const first = rows.length <= visible ? 0 : Math.min(Math.max(0, cursorRow - visible + 1), rows.length - visible);
  const shown = rows.slice(first, first + visible);

  const slash = useMemo(() => slashMatches(state.value, commands), [state.value, commands]);
  const menu = useMemo(() => menuRows(slash, candidates, width), [slash, candidates, width]);

  const height = 2 + shown.length + (first > 0 ? 1 : 0) + (rows.length > first + visible ? 1 : 0) + menu.length;
  useEffect(() => {
    onHeightChange?.(height);
  }, [height, onHeightChange]);

  const placeholder = busy ? BUSY_PLACEHOLDER : IDLE_PLACEHOLDER;
  return (
    <Box flexDirection="column">
      {first > 0 ? <Text dimColor>{`  ↑ ${first} more line${first === 1 ? "" : "s"}`}</Text> : null}
      <Box borderStyle="round" borderColor={color(isActive ? "gray" : undefined)} borderDimColor={!isActive} paddingX={1} width={width}>
        <Box flexDirection="column">
          {shown.map((row, i) => (
            <Text key={first + i} dimColor={!isActive}>
              {first + i === 0 ? <Text color={color(theme.accent)}>{"> "}</Text> : "  "}
              {renderRow(row, isActive)}
              {state.value === "" && i === 0 ? <Text dimColor>{truncate(placeholder, inner - 1)}</Text> : null}
            </Text>
          ))}
        </Box>
      </Box>
      {rows.length > first + visible ? <Text dimColor>{`  ↓ ${rows.length - first - visible} more lines`}</Text> : null}
      {menu.map((m, i) => (
        <Text key={i} wrap="truncate-end">
          {m}
        </Text>
      ))}
    </Box>
  );
});

function renderRow(row: Row, active: boolean): React.ReactNode {
  if (row.cursorAt === undefined || !active) return row.text;
  const before = row.text.slice(0, row.cursorAt);
  const at = row.text.slice(row.cursorAt);
  const ch = at.length > 0 ? String.fromCodePoint(at.codePointAt(0)!) : " ";
  return (
    <>
      {before}
      <Text inverse>{ch}</Text>
      {at.slice(ch.length)}
    </>
  );
}

function menuRows(slash: CommandInfo[], candidates: PathCandidate[] | null, width: number): React.ReactNode[] {
  const out: React.ReactNode[] = [];
  if (slash.length > 0) {
    const nameW = Math.min(16, Math.max(...slash.map((c) => c.name.length + 1)) + 2);
    for (const c of slash.slice(0, MAX_MENU)) {
      out.push(
        <>
          {"  "}
          <Text color={color(theme.accent)}>{`/${c.name}`.padEnd(nameW)}</Text>
          <Text dimColor>{truncate(c.description, Math.max(10, width - nameW - 3))}</Text>
        </>,
      );
    }
    if (slash.length > MAX_MENU) out.push(<Text dimColor>{`  … ${slash.length - MAX_MENU} more (Tab completes)`}</Text>);
  } else if (candidates) {
    if (candidates.length === 0) out.push(<Text dimColor>  no matching files</Text>);
    for (const c of candidates.slice(0, MAX_MENU)) out.push(<Text color={color(c.dir ? theme.accent : undefined)}>{`  @${c.path}`}</Text>);
    if (candidates.length > MAX_MENU) out.push(<Text dimColor>{`  … ${candidates.length - MAX_MENU} more (type more, then Tab)`}</Text>);
  }
  return out;
}
