/**
 * The approval prompt: a preview of what the tool will do (diff / command) and three
 * choices. Arrow keys + Enter, or 1/2/3, y (yes), a (always), n (no → type a reason).
 */
import React, { memo, useCallback, useMemo, useRef, useState } from "react";
import { Box, Text, useInput, type Key } from "ink";
import { alwaysEffect, type AlwaysEffect, type ApprovalRequest } from "../agent/approval.js";
import type { ApprovalDecision } from "../agent/session.js";
import * as E from "./input-state.js";
import { LinesView } from "./lines-view.js";
import { hardWrap, truncate, type Line } from "./text-layout.js";
import { color, theme } from "./theme.js";
import { displayRows, keyArgument, tailRows } from "./tool-view.js";

export type { ApprovalRequest } from "../agent/approval.js";

/** Rows the prompt takes besides the preview: borders, title, blank, 3 options, reason, hint. */
export const APPROVAL_CHROME = 9;

export function optionLabels(req: ApprovalRequest): string[] {
  const always = alwaysEffect(req);
  const alwaysLabel =
    always.kind === "stop_sandboxing" ? "Yes, and stop sandboxing commands for this session" : `Yes, and don't ask again for ${always.rule} in this project`;
  return [req.escalation ? "Yes, run it again outside the sandbox" : "Yes", alwaysLabel, "No, and tell the agent why"];
}

/** What the user is told after choosing "always": the effect the runner applies, in words. */
export function alwaysNote(effect: AlwaysEffect): { tone: "warn" | "ok"; text: string } {
  return effect.kind === "stop_sandboxing"
    ? { tone: "warn", text: "Commands run outside the sandbox for the rest of this session." }
    : { tone: "ok", text: `Won't ask again for ${effect.rule} in this project.` };
}

export function previewLines(req: ApprovalRequest, width: number, maxRows: number): Line[] {
  const p = req.preview;
  // A command that has not run yet: show it, not an exit status.
  const rows =
    p.kind === "shell"
      ? [
          ...`$ ${p.command}`.split("\n").flatMap((l) => hardWrap([{ text: l, bold: true }], width)),
          ...(p.output && p.output.trim() !== `$ ${p.command}` ? tailRows(p.output, width, Infinity) : []),
        ]
      : displayRows(p, width, true);
  if (rows.length <= maxRows) return rows;
  const keep = Math.max(1, maxRows - 1);
  return [...rows.slice(0, keep), [{ text: `… ${rows.length - keep} more lines`, dim: true }]];
}

export const ApprovalPrompt = memo(function ApprovalPrompt({
  request,
  width,
  maxPreviewRows,
  onDecide,
  onCancel,
}: {
  request: ApprovalRequest;
  width: number;
  maxPreviewRows: number;
  onDecide(d: ApprovalDecision): void;
  /** Esc: refuse and interrupt the turn. */
  onCancel(): void;
}) {
  // State is mirrored in refs and the key handler reads the refs: Ink re-subscribes a changed
  // handler only after the next effect pass, so a closure over state could act on a stale choice.
  const [selected, setSelectedState] = useState(0);
  const [reasonMode, setReasonModeState] = useState(false);
  const selectedRef = useRef(0);
  const reasonModeRef = useRef(false);
  const setSelected = (f: (s: number) => number) => {
    selectedRef.current = f(selectedRef.current);
    setSelectedState(selectedRef.current);
  };
  const setReasonMode = (v: boolean) => {
    reasonModeRef.current = v;
    setReasonModeState(v);
  };
  const [reason, setReason] = useState<E.EditState>(E.empty);
  const reasonRef = useRef(reason);
  const decided = useRef(false);

  const decide = useCallback(
    (d: ApprovalDecision) => {
      if (decided.current) return; // a double Enter must not resolve twice
      decided.current = true;
      onDecide(d);
    },
    [onDecide],
  );
  const choose = useCallback(
    (i: number) => {
      if (i === 0) decide({ decision: "yes" });
      else if (i === 1) decide({ decision: "always" });
      else {
        setSelected(() => 2);
        setReasonMode(true);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [decide],
  );
  const edit = (next: E.EditState) => {
    reasonRef.current = next;
    setReason(next);
  };

  useInput((input: string, key: Key) => {
    if (reasonModeRef.current) {
      const s = reasonRef.current;
      if (key.escape) return setReasonMode(false);
      if (key.return) {
        const r = s.value.trim();
        return decide(r ? { decision: "no", reason: r } : { decision: "no" });
      }
      if (key.backspace || key.delete) return edit(E.backspace(s));
      if (key.leftArrow) return edit(E.left(s));
      if (key.rightArrow) return edit(E.right(s));
      if (key.ctrl && input === "u") return edit(E.killToLineStart(s));
      if (key.ctrl && input === "w") return edit(E.deleteWordBack(s));
      if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow) return;
      if (input) edit(E.insert(s, input.replace(/\n/g, " ")));
      return;
    }
    if (key.escape) return onCancel();
    if (key.upArrow) return setSelected((s) => (s + 2) % 3);
    if (key.downArrow || (key.tab && !key.shift)) return setSelected((s) => (s + 1) % 3);
    if (key.return) return choose(selectedRef.current);
    const ch = input.toLowerCase();
    if (ch === "1" || ch === "y") return choose(0);
    if (ch === "2" || ch === "a") return choose(1);
    if (ch === "3" || ch === "n") return choose(2);
  });

  const inner = Math.max(10, width - 4);
  const preview = useMemo(() => previewLines(request, inner, maxPreviewRows), [request, inner, maxPreviewRows]);
  const labels = optionLabels(request);
  const arg = keyArgument(request.args);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color(theme.warn)} paddingX={1} width={width}>
      <Text bold wrap="truncate-end">
        {truncate(
          // A subagent's question says whose it is: the user answers for that helper, not the main agent.
          (request.agent ? `[subagent ${request.agent}] ` : "") +
            (request.escalation
              ? `The sandbox stopped ${request.name}${arg ? " " + arg : ""}. Run it again outside the sandbox, with your full rights?`
              : `Allow ${request.name}${arg ? " " + arg : ""}?`),
          inner,
        )}
      </Text>
      <LinesView lines={preview} />
      <Text> </Text>
      {labels.map((label, i) => (
        <Text key={i} color={color(i === selected ? theme.accent : undefined)} bold={i === selected} wrap="truncate-end">
          {truncate(`${i === selected ? "❯" : " "} ${i + 1}. ${label}`, inner)}
        </Text>
      ))}
      {reasonMode ? (
        <Text wrap="truncate-start">
          {"  why: "}
          {reason.value.slice(0, reason.cursor)}
          <Text inverse>{reason.value[reason.cursor] ?? " "}</Text>
          {reason.value.slice(reason.cursor + 1)}
        </Text>
      ) : null}
      <Text dimColor wrap="truncate-end">
        {reasonMode ? "Enter sends the refusal (reason optional) · Esc goes back" : "↑↓ Enter · 1/2/3 · y/a/n · Esc refuses and interrupts"}
      </Text>
    </Box>
  );
});
