import { z } from "zod";
import type { Router } from "../router.js";
import { agentOr404, type ServeContext } from "../context.js";
import { notFound } from "../errors.js";
import { lettaPassage, parsePassageId, passageId } from "../letta-shapes.js";
import { validated } from "../validate.js";
import { apiOrigin } from "./blocks.js";

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "not a date or datetime");

const createBody = z.object({
  text: z.string().min(1),
  tags: z.array(z.string()).nullish(),
  created_at: isoDate.nullish(),
  reason: z.string().max(500).nullish(),
});

const listQuery = z.object({
  after: z.string().optional(),
  before: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  ascending: z.enum(["true", "false"]).optional(),
  search: z.string().optional(),
});

const searchQuery = z.object({
  query: z.string().min(1),
  tags: z.union([z.string(), z.array(z.string())]).optional(),
  tag_match_mode: z.enum(["any", "all"]).optional(),
  top_k: z.coerce.number().int().min(1).max(100).optional(),
  start_datetime: isoDate.optional(),
  end_datetime: isoDate.optional(),
});

function queryObject(q: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of new Set(q.keys())) {
    const all = q.getAll(key);
    out[key] = all.length > 1 ? all : all[0];
  }
  return out;
}

/** A cursor that is no passage id of ours bounds nothing it could name: an empty page, never a wrong one. */
function cursor(id: string | undefined): number | undefined | null {
  if (id === undefined) return undefined;
  return parsePassageId(id) ?? null;
}

export function archivalRoutes(router: Router, ctx: ServeContext): void {
  const { project } = ctx;

  router.add("POST", "/v1/agents/{agent_id}/archival-memory", async (r) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    const body = validated(createBody, await r.body(), "body");
    const archival = project.memory(row.id).archival;
    const got = await archival.insert(body.text, { tags: body.tags ?? undefined, createdAt: body.created_at ?? undefined }, apiOrigin(r.req, body.reason));
    const stored = project.store.passages.getMany(row.id, got.ids);
    return got.ids.flatMap((id) => {
      const p = stored.get(id);
      return p ? [lettaPassage(row.id, p)] : [];
    });
  });

  router.add("GET", "/v1/agents/{agent_id}/archival-memory", (r) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    const q = validated(listQuery, queryObject(r.query), "query");
    const after = cursor(q.after);
    const before = cursor(q.before);
    if (after === null || before === null) return [];
    const ascending = q.ascending !== "false";
    // `after` follows the cursor in the order asked: newer ids ascending, older ones descending.
    const [lo, hi] = ascending ? [after, before] : [before, after];
    const rows = project.store.passages.page(row.id, { after: lo, before: hi, limit: q.limit ?? 100, ascending, contains: q.search || undefined });
    return rows.map((p) => lettaPassage(row.id, p));
  });

  router.add("GET", "/v1/agents/{agent_id}/archival-memory/search", async (r) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    const q = validated(searchQuery, queryObject(r.query), "query");
    const tags = q.tags === undefined ? undefined : ([] as string[]).concat(q.tags);
    const topK = q.top_k ?? 10;
    const all = q.tag_match_mode === "all" && tags && tags.length > 1;
    // Our search matches any of the tags; "all" narrows its results (asking for more first, so top_k still fills).
    const found = await project.memory(row.id).archival.search(q.query, { topK: all ? topK * 5 : topK, tags, from: q.start_datetime, to: q.end_datetime });
    const wanted = tags?.map((t) => t.trim().toLowerCase());
    const results = (all ? found.filter((p) => wanted!.every((t) => p.tags.map((x) => x.toLowerCase()).includes(t))) : found).slice(0, topK);
    return { count: results.length, results: results.map((p) => ({ id: passageId(p.id), content: p.text, timestamp: p.createdAt, tags: p.tags })) };
  });

  router.add("DELETE", "/v1/agents/{agent_id}/archival-memory/{memory_id}", (r) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    const id = parsePassageId(r.params.memory_id!);
    if (id === undefined || !project.memory(row.id).archival.delete(id, apiOrigin(r.req))) throw notFound(`passage ${r.params.memory_id}`);
    return { deleted: r.params.memory_id };
  });
}
