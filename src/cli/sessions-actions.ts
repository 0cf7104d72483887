import { listConversations, resolveConversation, SessionNotFoundError } from "../agent/conversations.js";
import type { Project } from "../agent/open-project.js";
import { sessionMarkdown, sessionJson } from "./session-export.js";
import { EXIT } from "./headless.js";
import { withAgentProject } from "./agent-project.js";
import type { AgentRow } from "../store/agents.js";

const out = (s: string) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
const warn = (s: string) => process.stderr.write(`letta-code: ${s}\n`);

const withProject = (agentName: string | undefined, fn: (project: Project, agent: AgentRow) => number) =>
  withAgentProject(agentName, (err) => err instanceof SessionNotFoundError, fn);

export async function listSessions(agentName: string | undefined, json: boolean): Promise<number> {
  return withProject(agentName, (project, agent) => {
    const list = listConversations(project.store, agent.id);
    if (json) {
      out(JSON.stringify(list.map((c) => ({
        session_id: c.id,
        started_at: c.startedAt,
        last_active_at: c.lastActiveAt,
        message_count: c.messageCount,
        first_user_message: c.firstUserMessage,
        current: c.id === agent.conversationId,
        ...(c.subagentRun ? { subagent: c.subagentRun.subagent, parent_session_id: c.subagentRun.parentConversationId, parent_tool_use_id: c.subagentRun.parentToolCallId } : {}),
      })), null, 2));
      return EXIT.ok;
    }
    if (list.length === 0) {
      out(`No conversations yet for agent ${agent.name}.`);
      return EXIT.ok;
    }
    const when = (s: string) => s.replace("T", " ").slice(0, 16);
    out(`Conversations of agent ${agent.name}, newest first (* = the one --continue opens):`);
    for (const c of list) {
      const first = c.firstUserMessage.replace(/\s+/g, " ").trim();
      const what = c.subagentRun ? `↳ subagent ${c.subagentRun.subagent} (task of ${c.subagentRun.parentConversationId})  ` : "";
      out(`${c.id === agent.conversationId ? "*" : " "} ${c.id}  started ${when(c.startedAt)}  last ${when(c.lastActiveAt)}  ${String(c.messageCount).padStart(4)} msgs  ${what}${first.length > 50 ? `${first.slice(0, 49)}…` : first}`);
    }
    out("Continue one with: letta-code --resume <id> (add --fork-session to continue in a copy)");
    return EXIT.ok;
  });
}

export async function exportSession(agentName: string | undefined, id: string, format: string): Promise<number> {
  if (format !== "md" && format !== "json") {
    warn(`--format must be md or json, not "${format}".`);
    return EXIT.usage;
  }
  return withProject(agentName, (project, agent) => {
    const conv = resolveConversation(project.store, agent.id, id, agent.conversationId);
    const messages = project.store.conversations.messages(agent.id, conv);
    const links = { parent: project.store.subagentRuns.parentOf(agent.id, conv), children: project.store.subagentRuns.childrenOf(agent.id, conv) };
    out(format === "json" ? JSON.stringify(sessionJson(agent, conv, messages, links), null, 2) : sessionMarkdown(agent, conv, messages, links));
    return EXIT.ok;
  });
}
