/**
 * A yes/no question asked before the chat opens (workspace trust, a project's MCP server): a
 * bordered box with what is at stake, two numbered options with "No" chosen, and y/n/1/2/Enter/Esc.
 */
import React, { useEffect, useRef, useState, type ReactNode } from "react";
import { Box, Text, render, useApp, useInput } from "ink";
import { theme } from "./theme.js";

export function YesNoPrompt({
  title,
  options,
  footer,
  onAnswer,
  children,
}: {
  title: string;
  /** The yes and the no label. */
  options: readonly [string, string];
  footer: string;
  onAnswer: (yes: boolean) => void;
  children?: ReactNode;
}) {
  const [choice, setChoice] = useState(1);
  // Keys can arrive before the handler sees the last render (Up then Enter in one read): answer from a ref.
  const current = useRef(1);
  const answered = useRef(false);
  const [done, setDone] = useState(false);
  const { exit } = useApp();
  const answer = (yes: boolean) => {
    if (answered.current) return;
    answered.current = true;
    onAnswer(yes);
    // Exit after an empty frame: the chat draws below, and the answered question would only be noise.
    setDone(true);
  };
  useEffect(() => {
    if (done) exit();
  }, [done, exit]);
  useInput((input, key) => {
    if (key.upArrow || key.downArrow || key.tab) {
      current.current = 1 - current.current;
      setChoice(current.current);
    } else if (input === "1" || input === "y") answer(true);
    else if (input === "2" || input === "n" || key.escape || (key.ctrl && input === "c")) answer(false);
    else if (key.return) answer(current.current === 0);
  });
  if (done) return null;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.warn} paddingX={1}>
      <Text bold>{title}</Text>
      {children}
      <Text> </Text>
      {options.map((o, i) => (
        <Text key={o} color={i === choice ? theme.accent : undefined}>
          {i === choice ? "❯ " : "  "}
          {i + 1}. {o}
        </Text>
      ))}
      <Text dimColor>{footer}</Text>
    </Box>
  );
}

/** Render a question built by `make` on the terminal; resolves with the answer. */
export async function askYesNo(make: (onAnswer: (yes: boolean) => void) => React.ReactElement): Promise<boolean> {
  let yes = false;
  const instance = render(make((a) => (yes = a)), { exitOnCtrlC: false });
  await instance.waitUntilExit();
  instance.clear();
  return yes;
}
