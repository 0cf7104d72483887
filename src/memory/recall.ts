import type { MessageSearchOptions, RecallMemory, RecallMessage } from "./access.js";
import type { MessageStore } from "../store/messages.js";
import { approxTokens } from "../llm/tokens.js";

/** Recall memory: every message of every conversation, searched by text, role and date. */
export class AgentRecallMemory implements RecallMemory {
  constructor(
    private messages: MessageStore,
    private agentId: string,
  ) {}

  async search(query: string, opts?: MessageSearchOptions): Promise<RecallMessage[]> {
    return this.messages.search(this.agentId, query, opts);
  }

  add(messages: { role: RecallMessage["role"]; content: string; createdAt?: string; conversationId: string }[]): number[] {
    return this.messages.transaction(() =>
      messages.map(
        (m) =>
          this.messages.append(this.agentId, {
            conversationId: m.conversationId,
            role: m.role,
            content: m.content,
            tokens: approxTokens(m.content) + 4,
            createdAt: m.createdAt ? new Date(m.createdAt).toISOString() : undefined,
          }).id,
      ),
    );
  }

  count(): number {
    return this.messages.count(this.agentId);
  }
}
