import { join } from "node:path";
import type { Agent } from "../agent/agent.js";
import type { Project } from "../agent/open-project.js";
import type { AgentSession } from "../agent/session.js";

/** Wire the TUI to a project: history file, agent switching, the permission view. */
export async function startInteractive(project: Project, first: Agent, initialPrompt?: string): Promise<number> {
  const { runTui } = await import("../tui/run.js");
  const mcp = project.mcp();
  const pending = project.mcpAwaitingApproval();
  if (pending.length) {
    // Asked before the chat opens, once per server; approved ones join the servers already connecting.
    const { askMcpApproval } = await import("../tui/mcp-approval.js");
    for (const server of pending) project.decideMcpServer(server, (await askMcpApproval(server)) ? "approved" : "denied");
  }
  const mcpSlash = await import("../tui/mcp-slash.js");
  const noServers = { servers: () => [], prompts: () => [], renderPrompt: async () => "" };
  let current: Agent = first;
  const open = (name: string, create: boolean): AgentSession => {
    const row = create ? project.createAgent(name) : project.resolveAgent(name, false);
    current = project.session(row, { mode: current.info().permissionMode });
    return current;
  };
  return runTui(first, {
    historyFile: join(project.lettaDir, "history.jsonl"),
    agents: {
      list: () =>
        project.store.agents.list().map((a) => ({ name: a.name, id: a.id, current: a.id === current.info().agentId })),
      switchTo: async (name) => open(name, false),
      create: async (name) => open(name, true),
    },
    permissions: () => current.permissionRules(),
    extraSlash: [mcpSlash.mcpCommand(mcp ?? noServers)],
    dynamicSlash: mcp ? () => mcpSlash.mcpPromptCommands(mcp) : undefined,
    resources: mcp ?? undefined,
    initialPrompt,
  });
}
