/**
 * A list to pick one entry from (/rewind's turns and actions, /resume's sessions):
 * ↑↓ + Enter, or the entry's number; Esc cancels. Long lists scroll with the selection.
 */
import React, { memo, useRef, useState } from "react";
import { Box, Text, useInput, type Key } from "ink";
import { truncate } from "./text-layout.js";
import { color, theme } from "./theme.js";

export interface Choice {
  label: string;
  /** A second, dim line (files changed, a warning). */
  detail?: string;
}

export interface ChoiceRequest {
  title: string;
  choices: Choice[];
  /** Which entry starts selected (default the first). */
  initial?: number;
}

/** Rows besides the entries: borders, title, hint. */
export const CHOICE_CHROME = 4;

export const ChoiceList = memo(function ChoiceList({
  request,
  width,
  maxRows,
  onChoose,
  onCancel,
}: {
  request: ChoiceRequest;
  width: number;
  /** Most rows the entries may take (each entry is one or two rows). */
  maxRows: number;
  onChoose(index: number): void;
  onCancel(): void;
}) {
  const n = request.choices.length;
  // Mirrored in a ref: Ink re-subscribes a changed handler only after the next effect pass.
  const [selected, setSelectedState] = useState(Math.min(Math.max(0, request.initial ?? 0), Math.max(0, n - 1)));
  const selectedRef = useRef(selected);
  const done = useRef(false);
  const setSelected = (i: number) => {
    selectedRef.current = i;
    setSelectedState(i);
  };
  const finish = (f: () => void) => {
    if (done.current) return;
    done.current = true;
    f();
  };

  useInput((input: string, key: Key) => {
    if (key.escape) return finish(onCancel);
    if (n === 0) return;
    if (key.upArrow) return setSelected((selectedRef.current + n - 1) % n);
    if (key.downArrow || (key.tab && !key.shift)) return setSelected((selectedRef.current + 1) % n);
    if (key.return) return finish(() => onChoose(selectedRef.current));
    const d = Number(input);
    if (/^[1-9]$/.test(input) && d <= n) return finish(() => onChoose(d - 1));
  });

  const inner = Math.max(10, width - 4);
  const perEntry = request.choices.some((c) => c.detail) ? 2 : 1;
  const fit = Math.max(1, Math.floor(maxRows / perEntry));
  const first = n <= fit ? 0 : Math.min(Math.max(0, selected - fit + 1), n - fit);
  const shown = request.choices.slice(first, first + fit);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={color(theme.accent)} paddingX={1} width={width}>
      <Text bold wrap="truncate-end">
        {truncate(request.title, inner)}
      </Text>
      {shown.map((c, k) => {
        const i = first + k;
        const on = i === selected;
        return (
          <Box key={i} flexDirection="column">
            <Text color={color(on ? theme.accent : undefined)} bold={on} wrap="truncate-end">
              {truncate(`${on ? "❯" : " "} ${i + 1}. ${c.label}`, inner)}
            </Text>
            {c.detail ? (
              <Text dimColor wrap="truncate-end">
                {truncate(`     ${c.detail}`, inner)}
              </Text>
            ) : null}
          </Box>
        );
      })}
      <Text dimColor wrap="truncate-end">
        {n > fit ? `${first + 1}-${first + shown.length} of ${n} · ` : ""}↑↓ Enter · number · Esc cancels
      </Text>
    </Box>
  );
});
