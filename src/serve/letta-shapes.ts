import { createHash } from "node:crypto";
import type { AgentRow } from "../store/agents.js";
import type { Block, Passage } from "../memory/access.js";
import { SYSTEM_PROMPT } from "../agent/prompts.js";
import type { AnyTool } from "../tools/index.js";

/*
 * Our rows in the shapes the Letta API returns (the official client's AgentState, BlockResponse,
 * Passage). Fields Letta has and we do not keep are left out or given their neutral value.
 */

/** A block has no id of its own here (agent and label are its key): a stable one, derived. */
export function blockId(agentId: string, label: string): string {
  const h = createHash("sha256").update(`${agentId}\0${label}`).digest("hex");
  return `block-${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function lettaBlock(agentId: string, b: Block) {
  return {
    id: blockId(agentId, b.label),
    label: b.label,
    value: b.value,
    limit: b.limit,
    description: b.description || null,
    read_only: b.readOnly,
    is_template: false,
    metadata: b.shared ? { shared: true } : {},
    updated_at: b.updatedAt,
  };
}

const PASSAGE_ID = /^passage-(\d+)$/;

export const passageId = (id: number) => `passage-${id}`;

/** Our numeric id from a Letta passage id, or undefined for an id this server never gave. */
export function parsePassageId(id: string): number | undefined {
  const m = PASSAGE_ID.exec(id);
  return m ? Number(m[1]) : undefined;
}

export function lettaPassage(agentId: string, p: Passage) {
  return {
    id: passageId(p.id),
    text: p.text,
    tags: p.tags,
    created_at: p.createdAt,
    agent_id: agentId,
    archive_id: null,
    embedding: null,
    embedding_config: null,
    metadata: {},
  };
}

export interface ServedModel {
  model: string;
  baseURL: string;
  contextWindow: number;
}

export function lettaTool(t: AnyTool) {
  return { id: `tool-${t.name}`, name: t.name, description: t.description, tool_type: t.kind === "memory" ? "letta_memory_core" : "custom", tags: [] };
}

export function lettaAgent(row: AgentRow, blocks: Block[], model: ServedModel, tools: AnyTool[]) {
  const lettaBlocks = blocks.map((b) => lettaBlock(row.id, b));
  return {
    id: row.id,
    name: row.name,
    agent_type: "letta_v1_agent",
    description: row.profile.description ?? null,
    system: row.profile.system ?? SYSTEM_PROMPT,
    tags: row.profile.tags ?? [],
    metadata: row.profile.metadata ?? null,
    model: row.settings.model ?? model.model,
    llm_config: {
      model: row.settings.model ?? model.model,
      model_endpoint_type: "openai",
      model_endpoint: model.baseURL,
      context_window: model.contextWindow,
    },
    embedding: null,
    memory: { blocks: lettaBlocks, agent_type: "letta_v1_agent", file_blocks: [] },
    blocks: lettaBlocks,
    tools: tools.map(lettaTool),
    sources: [],
    identities: [],
    created_at: row.createdAt,
    updated_at: row.createdAt,
  };
}
