/**
 * The once-per-server question for an MCP server that a project's own files (.mcp.json,
 * .letta/config.json) want to start: it runs a command from the repository, so nothing starts
 * until the user said yes. Both answers are remembered (outside the project); a changed command asks again.
 */
import React, { useEffect, useRef, useState } from "react";
import { Box, Text, render, useApp, useInput } from "ink";
import { visible, type McpServerConfig } from "../mcp/config.js";
import { theme } from "./theme.js";

export interface McpApprovalQuestion {
  name: string;
  config: McpServerConfig;
}

const describe = (c: McpServerConfig) => visible("url" in c ? c.url : [c.command, ...(c.args ?? [])].join(" "));
/** Everything the server is given, unexpanded: `${SECRET}` in an env value or header is what the user must see. */
const extras = (c: McpServerConfig): string[] => {
  const pairs = "url" in c ? Object.entries(c.headers ?? {}).map(([k, v]) => `header ${k}: ${v}`) : Object.entries(c.env ?? {}).map(([k, v]) => `env ${k}=${v}`);
  if (!("url" in c) && c.cwd) pairs.push(`in ${c.cwd}`);
  return pairs.map(visible);
};

export function McpApprovalPrompt({ server, onAnswer }: { server: McpApprovalQuestion; onAnswer: (approved: boolean) => void }) {
  const [choice, setChoice] = useState(1);
  // Keys may arrive before the handler sees the last render: read the choice from a ref.
  const current = useRef(1);
  const answered = useRef(false);
  const [done, setDone] = useState(false);
  const { exit } = useApp();
  const answer = (approved: boolean) => {
    if (answered.current) return;
    answered.current = true;
    onAnswer(approved);
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
  const more = extras(server.config);
  const options = ["Yes, start this server", "No, never start it"];
  if (done) return null;
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.warn} paddingX={1}>
      <Text bold>This project wants to start the MCP server "{server.name}"</Text>
      <Text>
        {"url" in server.config ? "connects to" : "runs"} <Text color={theme.warn}>{describe(server.config)}</Text>
      </Text>
      {more.map((line, i) => (
        <Text key={i} color={theme.warn}>
          {"  "}
          {line}
        </Text>
      ))}
      <Text dimColor>It comes from the project's files: start it only if you trust what it runs.</Text>
      <Text> </Text>
      {options.map((o, i) => (
        <Text key={o} color={i === choice ? theme.accent : undefined}>
          {i === choice ? "❯ " : "  "}
          {i + 1}. {o}
        </Text>
      ))}
      <Text dimColor>Remembered for this project (asked again if its command changes) · `letta-code mcp approve|deny {server.name}`</Text>
    </Box>
  );
}

/** Ask on the terminal; resolves true when the user approved. */
export async function askMcpApproval(server: McpApprovalQuestion): Promise<boolean> {
  let approved = false;
  const instance = render(<McpApprovalPrompt server={server} onAnswer={(a) => (approved = a)} />, { exitOnCtrlC: false });
  await instance.waitUntilExit();
  instance.clear();
  return approved;
}
