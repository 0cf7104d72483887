/**
 * The one-time workspace-trust question, asked before the chat opens in a project whose own files
 * ask for settings that loosen safety. "No" is the default: the chat still works, with the
 * project's harmless settings and deny rules, and `letta-code trust` can change the answer later.
 */
import React from "react";
import { Text } from "ink";
import type { ElevatingSetting } from "../trust/project-settings.js";
import { theme } from "./theme.js";
import { askYesNo, YesNoPrompt } from "./yes-no-prompt.js";

export function TrustPrompt({ root, elevating, onAnswer }: { root: string; elevating: readonly ElevatingSetting[]; onAnswer: (trust: boolean) => void }) {
  return (
    <YesNoPrompt
      title="Do you trust the files in this project?"
      options={["Yes, trust this project", "No, continue without them"]}
      footer="Deny rules and harmless settings apply either way · `letta-code trust --revoke` undoes a yes"
      onAnswer={onAnswer}
    >
      <Text dimColor>{root}</Text>
      <Text> </Text>
      <Text>Its own config asks for settings that loosen safety. They apply only if you trust it:</Text>
      {elevating.map((s, i) => (
        <Text key={i}>
          {"  "}
          <Text color={theme.warn}>{s.key}</Text> = {s.value} <Text dimColor>({s.file})</Text>
        </Text>
      ))}
    </YesNoPrompt>
  );
}

/** Ask on the terminal; resolves with the answer. */
export function askTrust(root: string, elevating: readonly ElevatingSetting[]): Promise<boolean> {
  return askYesNo((onAnswer) => <TrustPrompt root={root} elevating={elevating} onAnswer={onAnswer} />);
}
