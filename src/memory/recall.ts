import type { MessageSearchOptions, RecallMemory, RecallMessage } from "./access.js";
import type { MessageStore } from "../store/messages.js";

/** Recall memory: every message of every conversation, searched by text, role and date. */
export class AgentRecallMemory implements RecallMemory {
  constructor(
    private messages: MessageStore,
    private agentId: string,
  ) {}

  search(query: string, opts?: MessageSearchOptions): RecallMessage[] {
    return this.messages.search(this.agentId, query, opts);
  }

  count(): number {
    return this.messages.count(this.agentId);
  }
}
