import { join } from "node:path";
import type { Agent } from "../agent/agent.js";
import type { Project } from "../agent/open-project.js";
import type { AgentSession } from "../agent/session.js";

/** Wire the TUI to a project: history file, agent switching, the permission view. */
export async function startInteractive(project: Project, first: Agent, initialPrompt?: string, opts: { pickSession?: boolean; fork?: boolean } = {}): Promise<number> {
  const { runTui } = await import("../tui/run.js");
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
    initialPrompt,
    // `--resume` without an id: open on the session picker.
    initialCommand: opts.pickSession ? (opts.fork ? "/resume --fork" : "/resume") : undefined,
  });
}
