import { z } from "zod";
import { defineTool, lazySchema, type Tool, type ToolContext } from "./types.js";
import type { Passage, RecallMessage } from "../memory/access.js";
import { describeInsert } from "../memory/insert-report.js";

const label = lazySchema(() => z.string().min(1).describe("The block's label, e.g. persona, human, project"));
const reason = lazySchema(() =>
  z.string().optional().describe("Why this is worth remembering, in a few words; kept in the memory history the user reviews"),
);
const REASON_HINT = " Give a short reason: the user reads it in the memory history.";
/** Who is writing: the agent in a turn, or whoever ran the tools (the reflection pass sets it). */
const origin = (ctx: ToolContext, why?: string) => ({ actor: ctx.memoryActor ?? "agent", reason: why });
const dateArg = (what: string) => z.string().optional().describe(`${what} (YYYY-MM-DD or ISO datetime), inclusive`);

export const coreMemoryAppend = defineTool({
  name: "core_memory_append",
  writesCore: true,
  description: "Append text to a core memory block (always in your context). Use for durable facts about the user or project." + REASON_HINT,
  kind: "memory",
  parameters: () => z.object({ label: label(), content: z.string().min(1).describe("Text to add on a new line"), reason: reason() }),
  async run({ label, content, reason }, ctx) {
    const b = ctx.memory.core.append(label, content, origin(ctx, reason));
    return { content: `Appended to "${label}" (${b.value.length}/${b.limit} chars).` };
  },
});

export const coreMemoryReplace = defineTool({
  name: "core_memory_replace",
  writesCore: true,
  description: "Replace an exact piece of text in a core memory block. old_content must match exactly once." + REASON_HINT,
  kind: "memory",
  parameters: () =>
    z.object({
      label: label(),
      old_content: z.string().min(1).describe("Exact text currently in the block"),
      new_content: z.string().describe("Replacement text (empty string deletes old_content)"),
      reason: reason(),
    }),
  async run({ label, old_content, new_content, reason }, ctx) {
    const b = ctx.memory.core.replace(label, old_content, new_content, origin(ctx, reason));
    return { content: `Updated "${label}" (${b.value.length}/${b.limit} chars).` };
  },
});

export const memoryRethink = defineTool({
  name: "memory_rethink",
  writesCore: true,
  description:
    "Rewrite a whole core memory block with a reorganised or condensed version. A label that does not exist yet creates a new block." + REASON_HINT,
  kind: "memory",
  parameters: () => z.object({ label: label(), new_memory: z.string().describe("The block's complete new text"), reason: reason() }),
  async run({ label, new_memory, reason }, ctx) {
    const b = ctx.memory.core.rethink(label, new_memory, origin(ctx, reason));
    return { content: `Rewrote "${label}" (${b.value.length}/${b.limit} chars).` };
  },
});

export const archivalMemoryInsert = defineTool({
  name: "archival_memory_insert",
  description: "Store text in archival memory (unbounded, searched by meaning). Long text is split into passages." + REASON_HINT,
  kind: "memory",
  parameters: () =>
    z.object({
      content: z.string().min(1).describe("What to remember, self-contained"),
      tags: z.array(z.string()).optional().describe("Optional tags for filtering later, e.g. ['decision','db']"),
      reason: reason(),
    }),
  async run({ content, tags, reason }, ctx) {
    const r = await ctx.memory.archival.insert(content, { tags }, origin(ctx, reason));
    return { content: describeInsert(r) };
  },
});

export const archivalMemorySearch = defineTool({
  name: "archival_memory_search",
  description: "Search archival memory by meaning and keywords. Returns the best passages with their ids, tags and dates.",
  kind: "memory",
  parameters: () =>
    z.object({
      query: z.string().min(1),
      tags: z.array(z.string()).optional().describe("Only passages with any of these tags"),
      top_k: z.number().int().min(1).max(50).optional().describe("How many results (default 5)"),
      start_date: dateArg("Only passages created on or after"),
      end_date: dateArg("Only passages created on or before"),
    }),
  async run({ query, tags, top_k, start_date, end_date }, ctx) {
    const hits = await ctx.memory.archival.search(query, { topK: top_k ?? 5, tags, from: start_date, to: end_date });
    return { content: hits.length ? hits.map(formatPassage).join("\n\n") : `No archival passages match "${query}".` };
  },
});

export const conversationSearch = defineTool({
  name: "conversation_search",
  description:
    "Search every past message (recall memory), including ones evicted from your context. Best match first " +
    "(words and meaning); an empty query lists messages newest first. Dates in the query (\"yesterday\", \"last Tuesday\") filter by date.",
  kind: "memory",
  parameters: () =>
    z.object({
      query: z.string().describe("Words to look for (empty string lists by date and role only)"),
      roles: z.array(z.enum(["user", "assistant", "tool"])).optional(),
      limit: z.number().int().min(1).max(50).optional().describe("How many results (default 10)"),
      start_date: dateArg("Only messages on or after"),
      end_date: dateArg("Only messages on or before"),
    }),
  async run({ query, roles, limit, start_date, end_date }, ctx) {
    const hits = await ctx.memory.recall.search(query, { limit: limit ?? 10, roles, from: start_date, to: end_date, order: "rank" });
    return { content: hits.length ? hits.map(formatMessage).join("\n") : `No past messages match "${query}".` };
  },
});

function formatPassage(p: Passage): string {
  const tags = p.tags.length ? ` [${p.tags.join(", ")}]` : "";
  return `#${p.id} (${p.createdAt.slice(0, 10)})${tags}${superseded(p.supersededBy)}\n${p.text}`;
}

const RECALL_EXCERPT = 600;
function formatMessage(m: RecallMessage): string {
  const text = m.content.length > RECALL_EXCERPT ? `${m.content.slice(0, RECALL_EXCERPT)}…` : m.content;
  const old = m.supersededBy === undefined ? "" : " [superseded: a newer message above changed this]";
  // Recall spans every conversation of the agent: the id says which one a hit came from.
  return `[${m.createdAt.replace("T", " ").slice(0, 19)}] (${m.conversationId}) ${m.role}${old}: ${text}`;
}

/** What the model reads when a newer passage says this one changed (the newer one ranks first). */
const superseded = (by?: number) => (by === undefined ? "" : ` [superseded by #${by}, newer]`);

export const memoryTools: Tool[] = [
  coreMemoryAppend,
  coreMemoryReplace,
  memoryRethink,
  archivalMemoryInsert,
  archivalMemorySearch,
  conversationSearch,
] as unknown as Tool[];
