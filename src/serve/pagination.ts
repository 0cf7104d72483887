import { z } from "zod";
import { validated } from "./validate.js";

/** Letta's ArrayPage query (`before`, `after`, `limit`, `order`), and the deprecated `ascending` that overrides `order`. */
export const pageQuery = z.object({
  after: z.string().min(1).optional(),
  before: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  order: z.enum(["asc", "desc"]).optional(),
  ascending: z.enum(["true", "false"]).optional(),
});

export interface Page {
  after?: string;
  before?: string;
  limit: number;
  ascending: boolean;
}

/** Newest first unless asked otherwise, as the Letta API lists. */
export function readPage(query: URLSearchParams, defaultLimit: number, extra: z.ZodRawShape = {}): Page & Record<string, unknown> {
  const raw: Record<string, unknown> = {};
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    raw[key] = all.length > 1 ? all : all[0];
  }
  const q = validated(pageQuery.extend(extra), raw, "query") as z.infer<typeof pageQuery> & Record<string, unknown>;
  const ascending = q.ascending !== undefined ? q.ascending === "true" : q.order === "asc";
  return { ...q, limit: q.limit ?? defaultLimit, ascending };
}

/**
 * One page of items held in memory (agents, blocks), given oldest first: those strictly after
 * `after` and before `before` in the asked order. A cursor that names no item gives an empty page,
 * so a client walking pages always stops.
 */
export function pageOf<T extends { id: string }>(items: T[], page: Page): T[] {
  let list = page.ascending ? items : [...items].reverse();
  if (page.after !== undefined) {
    const i = list.findIndex((x) => x.id === page.after);
    list = i < 0 ? [] : list.slice(i + 1);
  }
  if (page.before !== undefined) {
    const i = list.findIndex((x) => x.id === page.before);
    list = i < 0 ? [] : list.slice(0, i);
  }
  return list.slice(0, page.limit);
}
