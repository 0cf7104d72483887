import { z } from "zod";
import type { Router } from "../router.js";
import { agentOr404, servedModel, type ServeContext } from "../context.js";
import { conflict, HttpError } from "../errors.js";
import { lettaAgent } from "../letta-shapes.js";
import { pageOf, readPage } from "../pagination.js";
import { validated } from "../validate.js";
import type { AgentProfile, AgentRow } from "../../store/agents.js";

// Labels travel in URL paths (`core-memory/blocks/{label}`): no slashes, nothing a path would mangle.
export const blockLabel = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "a label is 1-100 letters, digits, '_', '-' or '.'");

const blockSeed = z.object({
  label: blockLabel,
  value: z.string(),
  limit: z.number().int().positive().optional(),
  description: z.string().nullish(),
  read_only: z.boolean().optional(),
});

// Unknown fields (embedding, tools, include_base_tools…) are accepted and ignored: clients send them by habit.
const createBody = z.object({
  name: z.string().min(1).max(200).optional(),
  model: z.string().min(1).nullish(),
  memory_blocks: z.array(blockSeed).nullish(),
  system: z.string().nullish(),
  description: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

const updateBody = z.object({
  name: z.string().min(1).max(200).nullish(),
  model: z.string().min(1).nullish(),
  system: z.string().nullish(),
  description: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

/** Letta model handles name a provider ("openai/gpt-4.1"); our endpoint is the OpenAI-compatible one configured. */
const modelName = (m: string) => m.replace(/^openai\//, "");

function profileOf(b: { system?: string | null; description?: string | null; tags?: string[] | null; metadata?: Record<string, unknown> | null }, base: AgentProfile = {}): AgentProfile {
  const out: AgentProfile = { ...base };
  if (b.system !== undefined) out.system = b.system ?? undefined;
  if (b.description !== undefined) out.description = b.description ?? undefined;
  if (b.tags !== undefined) out.tags = b.tags ?? undefined;
  if (b.metadata !== undefined) out.metadata = b.metadata ?? undefined;
  return out;
}

export function agentRoutes(router: Router, ctx: ServeContext): void {
  const { project } = ctx;
  const state = (row: AgentRow) => lettaAgent(row, project.memory(row.id).core.list(), servedModel(ctx, row), ctx.tools);

  router.add("POST", "/v1/agents", async (r) => {
    const body = validated(createBody, await r.body(), "body");
    const name = body.name ?? `agent-${Date.now().toString(36)}`;
    if (project.store.agents.byName(name)) throw conflict(`an agent named "${name}" already exists`);
    const blocks = body.memory_blocks ?? [];
    const fields = blocks.flatMap((b, i) => {
      const limit = b.limit ?? Math.max(5000, b.value.length);
      const dup = blocks.findIndex((o) => o.label === b.label) !== i;
      return [
        ...(b.value.length > limit ? [{ loc: ["body", "memory_blocks", i, "value"], msg: `value is ${b.value.length} characters, over the block's limit of ${limit}`, type: "value_error" }] : []),
        ...(dup ? [{ loc: ["body", "memory_blocks", i, "label"], msg: `label "${b.label}" given twice`, type: "value_error" }] : []),
      ];
    });
    if (fields.length) throw new HttpError(422, "invalid body: memory_blocks", fields);
    const row = project.createAgent(name, {}, {
      blocks: body.memory_blocks ? blocks.map((b) => ({ label: b.label, value: b.value, limit: b.limit, description: b.description ?? undefined, readOnly: b.read_only })) : undefined,
      profile: profileOf(body),
      model: body.model ? modelName(body.model) : undefined,
    });
    return state(row);
  });

  router.add("GET", "/v1/agents", (r) => {
    const page = readPage(r.query, 50, {
      name: z.string().optional(),
      tags: z.union([z.string(), z.array(z.string())]).optional(),
      match_all_tags: z.enum(["true", "false"]).optional(),
      query_text: z.string().optional(),
    });
    const tags = page.tags === undefined ? [] : ([] as string[]).concat(page.tags as string | string[]);
    const all = page.match_all_tags === "true";
    const text = (page.query_text as string | undefined)?.toLowerCase();
    const rows = project.store.agents.list().filter((a) => {
      if (page.name !== undefined && a.name !== page.name) return false;
      if (text && !a.name.toLowerCase().includes(text)) return false;
      if (!tags.length) return true;
      const has = new Set(a.profile.tags ?? []);
      return all ? tags.every((t) => has.has(t)) : tags.some((t) => has.has(t));
    });
    return pageOf(rows, page).map(state);
  });

  router.add("GET", "/v1/agents/{agent_id}", (r) => state(agentOr404(ctx, r.params.agent_id!)));

  router.add("PATCH", "/v1/agents/{agent_id}", async (r) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    const body = validated(updateBody, await r.body(), "body");
    if (body.name && body.name !== row.name && project.store.agents.byName(body.name)) throw conflict(`an agent named "${body.name}" already exists`);
    project.store.transaction(() => {
      if (body.name && body.name !== row.name) project.store.agents.rename(row.id, body.name);
      if (body.model) project.store.agents.updateSettings(row.id, { ...row.settings, model: modelName(body.model) });
      project.store.agents.setProfile(row.id, profileOf(body, row.profile));
    });
    return state(project.store.agents.get(row.id)!);
  });

  router.add("DELETE", "/v1/agents/{agent_id}", async (r) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    await ctx.turns.forget(row.id);
    project.deleteAgent(row.id);
    return { deleted: row.id };
  });
}
