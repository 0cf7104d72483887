import type { Store } from "../store/store.js";
import type { MemoryAccess } from "../memory/access.js";
import type { Checkpoints } from "./checkpoints.js";
import { restoreMemory } from "./memory-snapshot.js";
import type { RewindOptions, RewindResult } from "./types.js";

/** A turn id that names no turn of this conversation: bad input, not a crash. */
export class RewindError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RewindError";
  }
}

export interface RewindDeps {
  store: Store;
  checkpoints: Checkpoints;
  memory: MemoryAccess;
  agentId: string;
  conversationId: string;
}

export function findTurn(deps: RewindDeps, turnId: number) {
  const turn = Number.isInteger(turnId) ? deps.store.checkpoints.get(turnId) : undefined;
  if (!turn || turn.agentId !== deps.agentId || turn.conversationId !== deps.conversationId) {
    throw new RewindError(`No turn ${turnId} in conversation ${deps.conversationId}. \`letta-code rewind --list\` shows its turns.`);
  }
  return turn;
}

/**
 * Go back to just before a turn: its code (files written back, files created since removed),
 * its conversation (the turn and later leave the context window; recall keeps them) and, when
 * asked, its memory. Files changed by hand since stop everything until confirmed (`force`).
 */
export function rewind(deps: RewindDeps, turnId: number, opts: RewindOptions): RewindResult {
  const { store, checkpoints, agentId, conversationId } = deps;
  const turn = findTurn(deps, turnId);
  const result: RewindResult = { restored: [], deleted: [], skipped: [], evicted: 0, text: turn.text };
  if (opts.code) {
    const plan = checkpoints.plan(agentId, conversationId, turnId);
    const conflicts = plan.items.filter((i) => i.conflict);
    if (conflicts.length && !opts.force) return { ...result, needsConfirmation: conflicts };
    Object.assign(result, checkpoints.apply(agentId, conversationId, plan));
  }
  if (opts.memory) result.memory = restoreMemory(deps.memory, turn.memory, store.checkpoints.passagesAfter(agentId, turn.passageMaxId));
  if (opts.conversation) {
    store.transaction(() => {
      result.evicted = store.conversations.evictFrom(agentId, conversationId, turnId);
      store.checkpoints.markRewound(agentId, conversationId, turnId);
    });
  }
  return result;
}
