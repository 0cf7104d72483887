import type { Store } from "../store/store.js";
import type { AgentRow } from "../store/agents.js";
import { DEFAULT_BLOCKS, DEFAULT_BLOCK_LIMIT } from "../memory/core-memory.js";

export const DEFAULT_AGENT_NAME = "default";
export const DEFAULT_PERSONA =
  "I am letta-code, a coding agent with persistent memory. I keep my notes about this project and its user up to date, " +
  "verify before I claim, and prefer small, tested changes.";

/** A new agent with its starting blocks (persona, human, project, and any given), in one transaction. */
export function seedAgent(store: Store, name: string, opts: { model?: string; memory?: Record<string, string> } = {}): AgentRow {
  if (store.agents.byName(name)) throw new Error(`An agent named "${name}" already exists.`);
  return store.transaction(() => {
    const agent = store.agents.create(name, opts.model ? { model: opts.model } : {});
    const seeds: Record<string, string> = { persona: DEFAULT_PERSONA, human: "", project: "", ...opts.memory };
    const descriptions = new Map(DEFAULT_BLOCKS.map((b) => [b.label, b.description]));
    for (const [label, value] of Object.entries(seeds)) {
      store.blocks.upsert(agent.id, {
        label,
        value,
        limit: Math.max(DEFAULT_BLOCK_LIMIT, value.length),
        description: descriptions.get(label) ?? "",
        readOnly: false,
      });
    }
    return agent;
  });
}
