/**
 * The once-per-server question for an MCP server that a project's own files (.mcp.json,
 * .letta/config.json) want to start: it runs a command from the repository, so nothing starts
 * until the user said yes. Both answers are remembered (outside the project); a changed command asks again.
 */
import React from "react";
import { Text } from "ink";
import { visible, type McpServerConfig } from "../mcp/config.js";
import { describeVariable, serverVariables } from "../mcp/variables.js";
import { theme } from "./theme.js";
import { askYesNo, YesNoPrompt } from "./yes-no-prompt.js";

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
  const more = extras(server.config);
  const variables = serverVariables(server.config, process.env);
  return (
    <YesNoPrompt
      title={`This project wants to start the MCP server "${server.name}"`}
      options={["Yes, start this server", "No, never start it"]}
      footer={`Remembered for this project (asked again if its command or variables change) · \`letta-code mcp approve|deny ${server.name}\``}
      onAnswer={onAnswer}
    >
      <Text>
        {"url" in server.config ? "connects to" : "runs"} <Text color={theme.warn}>{describe(server.config)}</Text>
      </Text>
      {more.map((line, i) => (
        <Text key={i} color={theme.warn}>
          {"  "}
          {line}
        </Text>
      ))}
      {variables.length > 0 && <Text>It receives these variables of yours:</Text>}
      {variables.map((v) => (
        <Text key={v.name} color={theme.warn}>
          {"  "}
          {describeVariable(v)}
        </Text>
      ))}
      <Text dimColor>It comes from the project's files: start it only if you trust what it runs.</Text>
    </YesNoPrompt>
  );
}

/** Ask on the terminal; resolves true when the user approved. */
export function askMcpApproval(server: McpApprovalQuestion): Promise<boolean> {
  return askYesNo((onAnswer) => <McpApprovalPrompt server={server} onAnswer={onAnswer} />);
}
