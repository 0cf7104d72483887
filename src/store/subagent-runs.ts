import type { DB } from "./db.js";
import { nowIso, sql } from "./db.js";

/** A subagent run's conversation, linked to the parent conversation and the `task` call that started it. */
export interface SubagentRunLink {
  conversationId: string;
  parentConversationId: string;
  parentToolCallId: string;
  subagent: string;
  createdAt: string;
}

type Row = { conversation_id: string; parent_conversation_id: string; parent_tool_call_id: string; subagent: string; created_at: string };
const link = (r: Row): SubagentRunLink => ({
  conversationId: r.conversation_id,
  parentConversationId: r.parent_conversation_id,
  parentToolCallId: r.parent_tool_call_id,
  subagent: r.subagent,
  createdAt: r.created_at,
});

export class SubagentRunStore {
  constructor(private db: DB) {}

  record(agentId: string, run: Omit<SubagentRunLink, "createdAt">): void {
    sql(this.db, "INSERT INTO subagent_runs (conversation_id, agent_id, parent_conversation_id, parent_tool_call_id, subagent, created_at) VALUES (?, ?, ?, ?, ?, ?)").run(
      run.conversationId,
      agentId,
      run.parentConversationId,
      run.parentToolCallId,
      run.subagent,
      nowIso(),
    );
  }

  /** The link of a subagent run's conversation, or undefined for a conversation the user had. */
  parentOf(agentId: string, conversationId: string): SubagentRunLink | undefined {
    const r = sql(this.db, "SELECT * FROM subagent_runs WHERE agent_id = ? AND conversation_id = ?").get(agentId, conversationId) as Row | undefined;
    return r && link(r);
  }

  /** The subagent runs a conversation's task calls started, oldest first. */
  childrenOf(agentId: string, conversationId: string): SubagentRunLink[] {
    return (sql(this.db, "SELECT * FROM subagent_runs WHERE agent_id = ? AND parent_conversation_id = ? ORDER BY rowid").all(agentId, conversationId) as Row[]).map(link);
  }

  /** Every link of an agent, by child conversation id (one query for a list of conversations). */
  all(agentId: string): Map<string, SubagentRunLink> {
    const rows = sql(this.db, "SELECT * FROM subagent_runs WHERE agent_id = ?").all(agentId) as Row[];
    return new Map(rows.map((r) => [r.conversation_id, link(r)]));
  }
}
