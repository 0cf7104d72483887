import type { Store } from "../store/store.js";
import type { ConversationSummary } from "../store/conversations.js";
import { newId } from "../store/agents.js";
import { SYSTEM_NOTICE_PREFIX } from "./prompts.js";

/** An unknown or ambiguous session id: bad input (exit 2 on the CLI). */
export class SessionNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SessionNotFoundError";
  }
}

/** Newest first; a subagent's run carries the conversation and task call that started it. */
export function listConversations(store: Store, agentId: string): ConversationSummary[] {
  const runs = store.subagentRuns.all(agentId);
  return store.conversations.list(agentId, SYSTEM_NOTICE_PREFIX).map((c) => {
    const run = runs.get(c.id);
    return run ? { ...c, subagentRun: { parentConversationId: run.parentConversationId, parentToolCallId: run.parentToolCallId, subagent: run.subagent } } : c;
  });
}

/** An exact id, or a prefix naming exactly one of the agent's conversations. */
export function resolveConversation(store: Store, agentId: string, id: string, current?: string): string {
  const ids = listConversations(store, agentId).map((c) => c.id);
  if (current && !ids.includes(current)) ids.push(current);
  if (ids.includes(id)) return id;
  const matches = ids.filter((c) => c.startsWith(id) || c.startsWith(`conv-${id}`));
  if (matches.length === 1) return matches[0]!;
  const hint = "`letta-code sessions` lists them.";
  if (matches.length > 1) throw new SessionNotFoundError(`Session id "${id}" is ambiguous (${matches.length} match). ${hint}`);
  throw new SessionNotFoundError(`No session "${id}" for this agent. ${hint}`);
}

/** A new conversation that starts with a copy of `from`'s history; `from` is left as it was. */
export function forkConversation(store: Store, agentId: string, from: string): string {
  const to = newId("conv");
  store.transaction(() => {
    const ids = store.conversations.copy(agentId, from, to);
    store.checkpoints.copyTurns(ids, to);
    store.conversations.setCurrent(agentId, to);
  });
  return to;
}
