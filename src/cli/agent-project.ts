import { Project } from "../agent/open-project.js";
import type { AgentRow } from "../store/agents.js";
import { EXIT } from "./headless.js";
import { quietNotices } from "./verbosity.js";

const warn = (s: string) => process.stderr.write(`letta-code: ${s}\n`);

/** A named agent that does not exist is bad input (exit 2), said before anything is opened for it. */
export function unknownAgent(project: Project, name: string | undefined): string | undefined {
  if (!name || project.store.agents.byName(name) || project.store.agents.get(name)) return undefined;
  return `no agent named "${name}" in ${project.lettaDir}. Agents: ${project.agentNames()}.`;
}

/**
 * Open the project (no model needed) for one of its agents and run `fn`; the subcommands that work
 * on stored conversations (rewind, sessions) share it. Errors `isUsage` names are exit 2, others exit 1.
 */
export async function withAgentProject(
  agentName: string | undefined,
  isUsage: (err: unknown) => boolean,
  fn: (project: Project, agent: AgentRow) => Promise<number> | number,
): Promise<number> {
  let project: Project | undefined;
  try {
    project = Project.open({ onNotice: (m) => warn(m), quietNotices: quietNotices() });
    const unknown = unknownAgent(project, agentName);
    if (unknown) {
      warn(unknown);
      return EXIT.usage;
    }
    return await fn(project, project.resolveAgent(agentName, false));
  } catch (err) {
    warn((err as Error).message);
    return isUsage(err) ? EXIT.usage : EXIT.failed;
  } finally {
    project?.close();
  }
}
