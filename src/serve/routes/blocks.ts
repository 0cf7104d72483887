import { z } from "zod";
import type { Router } from "../router.js";
import { agentOr404, type ServeContext } from "../context.js";
import { HttpError, notFound } from "../errors.js";
import { lettaBlock } from "../letta-shapes.js";
import { pageOf, readPage } from "../pagination.js";
import { validated } from "../validate.js";
import { MemoryError } from "../../memory/errors.js";
import type { MemoryOrigin } from "../../memory/origin.js";
import type { IncomingMessage } from "node:http";

const updateBody = z.object({
  value: z.string().nullish(),
  limit: z.number().int().positive().nullish(),
  description: z.string().nullish(),
  read_only: z.boolean().optional(),
  label: z.string().nullish(),
  /** Not in Letta's schema: why the change was made, kept in the memory history (`letta-code memory log`). */
  reason: z.string().max(500).nullish(),
});

/** Who changed memory through the API, and the reason the request gave (body `reason` or the `x-letta-code-reason` header). */
export function apiOrigin(req: IncomingMessage, bodyReason?: string | null): MemoryOrigin {
  const header = req.headers["x-letta-code-reason"];
  const reason = bodyReason ?? (typeof header === "string" ? header : undefined);
  return { actor: "api", ...(reason ? { reason } : {}) };
}

export function blockRoutes(router: Router, ctx: ServeContext): void {
  const { project } = ctx;

  router.add("GET", "/v1/agents/{agent_id}/core-memory/blocks", (r) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    const page = readPage(r.query, 100, { label: z.string().optional() });
    // Blocks are listed in the order the prompt shows them, whatever `order` says: that order is their meaning.
    const blocks = project.memory(row.id).core.list().map((b) => lettaBlock(row.id, b));
    return pageOf(blocks, { ...page, ascending: true });
  });

  router.add("GET", "/v1/agents/{agent_id}/core-memory/blocks/{block_label}", (r) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    const b = project.memory(row.id).core.get(r.params.block_label!);
    if (!b) throw notFound(`block ${r.params.block_label}`);
    return lettaBlock(row.id, b);
  });

  router.add("PATCH", "/v1/agents/{agent_id}/core-memory/blocks/{block_label}", async (r) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    const label = r.params.block_label!;
    const core = project.memory(row.id).core;
    const body = validated(updateBody, await r.body(), "body");
    const b = core.get(label);
    if (!b) throw notFound(`block ${label}`);
    if (body.label && body.label !== label) throw new HttpError(422, "invalid body: label", [{ loc: ["body", "label"], msg: "renaming a block is not supported by this server", type: "value_error" }]);
    const value = body.value ?? b.value;
    const limit = body.limit ?? b.limit;
    if (value.length > limit) {
      throw new HttpError(422, "invalid body: value", [{ loc: ["body", body.value != null ? "value" : "limit"], msg: `value is ${value.length} characters, over the block's limit of ${limit}`, type: "value_error" }]);
    }
    try {
      const saved = core.set(label, value, { limit, description: body.description ?? undefined, readOnly: body.read_only }, apiOrigin(r.req, body.reason));
      return lettaBlock(row.id, saved);
    } catch (err) {
      if (err instanceof MemoryError) throw new HttpError(422, err.message, [{ loc: ["body", "value"], msg: err.message, type: "value_error" }]);
      throw err;
    }
  });

  // Attach/detach move shared Letta blocks between agents; blocks here belong to one agent.
  for (const what of ["attach", "detach"]) {
    router.add("PATCH", `/v1/agents/{agent_id}/core-memory/blocks/${what}/{block_id}`, () => {
      throw new HttpError(404, `${what}ing blocks is not supported by this server (blocks belong to one agent; see README: Letta API server)`);
    });
  }
}
