import type { Store } from "../store/store.js";
import type { AgentProfile, AgentRow } from "../store/agents.js";
import { DEFAULT_BLOCKS, DEFAULT_BLOCK_LIMIT } from "../memory/core-memory.js";

export const DEFAULT_AGENT_NAME = "default";
export const DEFAULT_PERSONA =
  "I am letta-code, a coding agent with persistent memory. I keep my notes about this project and its user up to date, " +
  "verify before I claim, and prefer small, tested changes.";

/** A block as a client names it when creating an agent (the Letta API's `memory_blocks`). */
export interface BlockSeed {
  label: string;
  value: string;
  limit?: number;
  description?: string;
  readOnly?: boolean;
}

/**
 * A new agent with its starting blocks, in one transaction: persona, human, project and any given in
 * `memory`; or, when `blocks` is given, exactly those (a Letta API client asks for the blocks it wants).
 */
export function seedAgent(
  store: Store,
  name: string,
  opts: { model?: string; memory?: Record<string, string>; blocks?: BlockSeed[]; profile?: AgentProfile } = {},
): AgentRow {
  if (store.agents.byName(name)) throw new Error(`An agent named "${name}" already exists.`);
  const descriptions = new Map(DEFAULT_BLOCKS.map((b) => [b.label, b.description]));
  const seeds: BlockSeed[] =
    opts.blocks ??
    Object.entries({ persona: DEFAULT_PERSONA, human: "", project: "", ...opts.memory }).map(([label, value]) => ({ label, value }));
  return store.transaction(() => {
    const agent = store.agents.create(name, opts.model ? { model: opts.model } : {}, opts.profile ?? {});
    for (const b of seeds) {
      store.blocks.upsert(agent.id, {
        label: b.label,
        value: b.value,
        limit: b.limit ?? Math.max(DEFAULT_BLOCK_LIMIT, b.value.length),
        description: b.description ?? descriptions.get(b.label) ?? "",
        readOnly: b.readOnly ?? false,
      });
    }
    return agent;
  });
}
