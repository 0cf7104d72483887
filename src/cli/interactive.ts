import { join } from "node:path";
import isInCi from "is-in-ci";
import type { Agent } from "../agent/agent.js";
import type { Project } from "../agent/open-project.js";
import type { AgentSession } from "../agent/session.js";

/** Wire the TUI to a project: history file, agent switching, the permission view. */
export async function startInteractive(project: Project, first: Agent, initialPrompt?: string, opts: { pickSession?: boolean; fork?: boolean } = {}): Promise<number> {
  const { extensionCommands } = await import("../tui/extension-commands.js");
  const mcp = project.mcp();
  const pending = project.mcpAwaitingApproval();
  if (pending.length) {
    // Asked before the chat opens, once per server; approved ones join the servers already connecting.
    const { askMcpApproval } = await import("../tui/mcp-approval.js");
    for (const server of pending) project.decideMcpServer(server, (await askMcpApproval(server)) ? "approved" : "denied");
  }
  const { printOpening } = await import("../tui/opening.js");
  const noServers = { servers: () => [], prompts: () => [], renderPrompt: async () => "" };
  let current: Agent = first;
  const extra = extensionCommands({ extensions: project.extensions });
  for (const n of extra.notices) project.notify(n);
  // Written before Ink loads: the screen is up while it does. The idle input only where the app opens idle.
  const initialCommand = opts.pickSession ? (opts.fork ? "/resume --fork" : "/resume") : undefined;
  const opening = printOpening(first, process.stdin, process.stdout, { frame: !isInCi && !initialPrompt?.trim() && !initialCommand });
  const { runTui } = await import("../tui/run.js");
  const mcpSlash = await import("../tui/mcp-slash.js");
  const open = (name: string, create: boolean): AgentSession => {
    const row = create ? project.createAgent(name) : project.resolveAgent(name, false);
    current = project.session(row, { mode: current.info().permissionMode });
    return current;
  };
  const code = await runTui(first, {
    historyFile: join(project.lettaDir, "history.jsonl"),
    agents: {
      list: () =>
        project.store.agents.list().map((a) => ({ name: a.name, id: a.id, current: a.id === current.info().agentId })),
      switchTo: async (name) => open(name, false),
      create: async (name) => open(name, true),
    },
    permissions: () => current.permissionRules(),
    extraSlash: [...extra.commands, mcpSlash.mcpCommand(mcp ?? noServers)],
    dynamicSlash: mcp ? () => mcpSlash.mcpPromptCommands(mcp) : undefined,
    initialPrompt,
    // `--resume` without an id: open on the session picker.
    initialCommand,
    opening,
  });
  await current.endSession("exit");
  return code;
}
