/**
 * The question for a trusted project's hook set: its hooks are commands from the repository that
 * run on every prompt or tool call, so none runs until the user has seen every one and said yes.
 * Both answers are remembered (outside the project) for this exact set; any change asks again.
 */
import React from "react";
import { Text } from "ink";
import type { ProjectHookSet } from "../config/sections.js";
import { hookLines } from "../extensions/hook-approval-text.js";
import { theme } from "./theme.js";
import { askYesNo, YesNoPrompt } from "./yes-no-prompt.js";

export function HookApprovalPrompt({ set, onAnswer }: { set: ProjectHookSet; onAnswer: (approved: boolean) => void }) {
  const n = set.hooks.length;
  return (
    <YesNoPrompt
      title={set.changed ? `This project's hooks changed since you decided on them (${n})` : `This project wants to run ${n} hook${n === 1 ? "" : "s"}`}
      options={["Yes, run these hooks", "No, do not run them"]}
      footer="Remembered for this exact set (asked again if any hook changes) · `letta-code hooks approve|deny`"
      onAnswer={onAnswer}
    >
      {hookLines(set.hooks).map((line, i) => (
        <Text key={i} color={theme.warn}>
          {"  "}
          {line}
        </Text>
      ))}
      <Text dimColor>They come from the project's files and run sandboxed like its commands: approve them only if you trust what they run.</Text>
    </YesNoPrompt>
  );
}

/** Ask on the terminal; resolves true when the user approved. */
export function askHookApproval(set: ProjectHookSet): Promise<boolean> {
  return askYesNo((onAnswer) => <HookApprovalPrompt set={set} onAnswer={onAnswer} />);
}
