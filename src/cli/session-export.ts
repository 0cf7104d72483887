import type { AgentRow } from "../store/agents.js";
import type { SubagentRunLink } from "../store/subagent-runs.js";
import type { ConversationStore } from "../store/conversations.js";
import { SYSTEM_NOTICE_PREFIX } from "../agent/prompts.js";

type Message = ReturnType<ConversationStore["messages"]>[number];

/** A long tool result is cut in the transcript: the full text stays in recall memory. */
const FOLD_CHARS = 4000;

function fence(text: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  const body = text.length > FOLD_CHARS ? `${text.slice(0, FOLD_CHARS)}\n… (${text.length - FOLD_CHARS} more characters)` : text;
  return `${ticks}\n${body}\n${ticks}`;
}

const when = (s: string) => s.replace("T", " ").slice(0, 19);

/** A transcript a person can read: user and assistant text as is, tool calls and results folded. */
/** How a conversation is linked to subagent runs: the task call that started it, the runs its task calls started. */
export interface SubagentLinks {
  parent?: SubagentRunLink;
  children: SubagentRunLink[];
}

export function sessionMarkdown(agent: AgentRow, conversationId: string, messages: Message[], links: SubagentLinks = { children: [] }): string {
  const lines: string[] = [`# Conversation ${conversationId}`, "", `Agent: ${agent.name} · ${messages.length} messages`, ""];
  if (links.parent) lines.push(`Subagent ${links.parent.subagent}'s run, started by task call ${links.parent.parentToolCallId} in ${links.parent.parentConversationId}`, "");
  for (const m of messages) {
    if (m.role === "system") continue;
    if (m.role === "user") {
      lines.push(m.content.startsWith(SYSTEM_NOTICE_PREFIX) ? `> ${m.content.split("\n")[0]}` : `## User · ${when(m.createdAt)}\n\n${m.content}`);
    } else if (m.role === "assistant") {
      if (m.content) lines.push(`## Assistant · ${when(m.createdAt)}\n\n${m.content}`);
      for (const c of m.toolCalls ?? []) lines.push(`<details><summary>tool call: ${c.function.name}</summary>\n\n${fence(c.function.arguments)}\n\n</details>`);
    } else {
      lines.push(`<details><summary>tool result: ${m.toolName ?? "tool"}</summary>\n\n${fence(m.content)}\n\n</details>`);
    }
    lines.push("");
  }
  if (links.children.length) {
    lines.push("## Subagent runs", "");
    for (const c of links.children) lines.push(`- ${c.subagent}: ${c.conversationId} (task call ${c.parentToolCallId}; \`letta-code sessions show ${c.conversationId}\`)`);
    lines.push("");
  }
  return lines.join("\n");
}

export function sessionJson(agent: AgentRow, conversationId: string, messages: Message[], links: SubagentLinks = { children: [] }) {
  return {
    session_id: conversationId,
    agent_id: agent.id,
    agent_name: agent.name,
    ...(links.parent ? { subagent: links.parent.subagent, parent_session_id: links.parent.parentConversationId, parent_tool_use_id: links.parent.parentToolCallId } : {}),
    subagent_runs: links.children.map((c) => ({ session_id: c.conversationId, subagent: c.subagent, parent_tool_use_id: c.parentToolCallId })),
    messages: messages.map((m) => ({
      role: m.role,
      content: m.content,
      ...(m.toolCalls ? { tool_calls: m.toolCalls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments })) } : {}),
      ...(m.toolCallId ? { tool_call_id: m.toolCallId, tool_name: m.toolName } : {}),
      created_at: m.createdAt,
    })),
  };
}
