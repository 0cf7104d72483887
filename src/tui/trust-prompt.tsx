/**
 * The one-time workspace-trust question, asked before the chat opens in a project whose own files
 * ask for settings that loosen safety. "No" is the default: the chat still works, with the
 * project's harmless settings and deny rules, and `letta-code trust` can change the answer later.
 */
import React, { useRef, useState } from "react";
import { Box, Text, render, useApp, useInput } from "ink";
import type { ElevatingSetting } from "../trust/project-settings.js";
import { theme } from "./theme.js";

export function TrustPrompt({ root, elevating, onAnswer }: { root: string; elevating: readonly ElevatingSetting[]; onAnswer: (trust: boolean) => void }) {
  const [choice, setChoice] = useState(1);
  // Keys can arrive before the handler sees the last render (Up then Enter in one read): answer from a ref.
  const current = useRef(1);
  const move = () => {
    current.current = 1 - current.current;
    setChoice(current.current);
  };
  const { exit } = useApp();
  const answered = useRef(false);
  const answer = (trust: boolean) => {
    if (answered.current) return;
    answered.current = true;
    onAnswer(trust);
    exit();
  };
  useInput((input, key) => {
    if (key.upArrow || key.downArrow || key.tab) move();
    else if (input === "1" || input === "y") answer(true);
    else if (input === "2" || input === "n" || key.escape) answer(false);
    else if (key.return) answer(current.current === 0);
    else if (key.ctrl && input === "c") answer(false);
  });
  const options = ["Yes, trust this project", "No, continue without them"];
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.warn} paddingX={1}>
      <Text bold>Do you trust the files in this project?</Text>
      <Text dimColor>{root}</Text>
      <Text> </Text>
      <Text>Its own config asks for settings that loosen safety. They apply only if you trust it:</Text>
      {elevating.map((s, i) => (
        <Text key={i}>
          {"  "}
          <Text color={theme.warn}>{s.key}</Text> = {s.value} <Text dimColor>({s.file})</Text>
        </Text>
      ))}
      <Text> </Text>
      {options.map((o, i) => (
        <Text key={o} color={i === choice ? theme.accent : undefined}>
          {i === choice ? "❯ " : "  "}
          {i + 1}. {o}
        </Text>
      ))}
      <Text dimColor>Deny rules and harmless settings apply either way · `letta-code trust --revoke` undoes a yes</Text>
    </Box>
  );
}

/** Ask on the terminal; resolves with the answer (false if the prompt could not be shown). */
export async function askTrust(root: string, elevating: readonly ElevatingSetting[]): Promise<boolean> {
  let trusted = false;
  const instance = render(<TrustPrompt root={root} elevating={elevating} onAnswer={(t) => (trusted = t)} />, { exitOnCtrlC: false });
  await instance.waitUntilExit();
  // The chat draws below; the answered question would only be noise above it.
  instance.clear();
  return trusted;
}
