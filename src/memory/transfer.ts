import { z } from "zod";
import type { Block, Passage } from "./access.js";

/**
 * The formats memory leaves and comes back in: the JSON `memory export` prints (read back by
 * `memory import`), and an AGENTS.md other coding agents read.
 */

export interface MemoryExport {
  agent?: { id?: string; name?: string };
  blocks: Omit<Block, "updatedAt" | "shared">[];
  passages: Omit<Passage, "id" | "score">[];
}

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "is not a date");

// Ids and timestamps of the source are accepted and ignored: they mean nothing in another store.
const exportSchema = z.object({
  agent: z.object({ id: z.string().optional(), name: z.string().optional() }).optional(),
  blocks: z.array(
    z
      .object({
        label: z.string().min(1, "is empty"),
        value: z.string(),
        limit: z.number().int().positive(),
        description: z.string().default(""),
        readOnly: z.boolean().default(false),
      })
      .refine((b) => b.value.length <= b.limit, "holds more characters than its limit"),
  ),
  passages: z.array(
    z.object({
      text: z.string().refine((t) => t.trim() !== "", "is empty"),
      tags: z.array(z.string()).default([]),
      createdAt: isoDate,
    }),
  ),
});

export class MemoryFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MemoryFileError";
  }
}

const KIND: Record<string, string> = {
  array: "a list",
  object: "an object",
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

/** Where in the file, as a person counts: `block 2's "limit"`, `passage 1's "createdAt"`, `"blocks"`. */
function plainPath(path: PropertyKey[]): string {
  if (path.length === 0) return "the file";
  const [section, index, field] = path;
  const item = section === "blocks" ? "block" : section === "passages" ? "passage" : String(section);
  if (typeof index !== "number") return `"${String(section)}"`;
  return field === undefined ? `${item} ${index + 1}` : `${item} ${index + 1}'s "${path.slice(2).map(String).join(".")}"`;
}

/** One zod issue in our words: which field, what is wrong with it (zod's own wording is for programmers). */
function plainIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const where = plainPath(issue.path);
  let value: unknown = raw;
  for (const k of issue.path) value = value === null || typeof value !== "object" ? undefined : (value as Record<PropertyKey, unknown>)[k];
  if (issue.path.length === 0) return 'the file must hold one JSON object with "blocks" and "passages" lists';
  if (issue.code === "invalid_type") {
    if (value === undefined) return `${where} is missing`;
    return `${where} must be ${KIND[issue.expected] ?? issue.expected}`;
  }
  if (issue.code === "too_small") return `${where} must be ${issue.origin === "string" ? "non-empty" : "a positive whole number"}`;
  // Our own refinements already say it plainly ("is empty", "is not a date", "holds more characters than its limit").
  if (issue.code === "custom") return `${where} ${issue.message}`;
  return `${where} is not what an export holds there`;
}

/** Validates a whole export before anything is written, naming the first bad field. */
export function parseMemoryExport(text: string, source: string): MemoryExport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new MemoryFileError(`${source} is not valid JSON (${(err as Error).message}); expected the output of \`letta-code memory export\`.`);
  }
  const parsed = exportSchema.safeParse(raw);
  if (!parsed.success) {
    throw new MemoryFileError(`${source} is not a letta-code memory export: ${plainIssue(parsed.error.issues[0]!, raw)}. Nothing was imported.`);
  }
  const labels = new Set<string>();
  for (const b of parsed.data.blocks) {
    if (labels.has(b.label)) throw new MemoryFileError(`${source} has the block "${b.label}" twice. Nothing was imported.`);
    labels.add(b.label);
  }
  return {
    agent: parsed.data.agent,
    blocks: parsed.data.blocks.map((b) => ({ label: b.label, value: b.value, limit: b.limit, description: b.description, readOnly: b.readOnly })),
    passages: parsed.data.passages.map((p) => ({ text: p.text, tags: p.tags, createdAt: new Date(p.createdAt).toISOString() })),
  };
}

/** The first line of an AGENTS.md we wrote: without it, a file is the user's and is not overwritten. */
export const AGENTS_MD_MARKER = "<!-- written by letta-code memory export; edit freely -->";

export function writtenByUs(text: string): boolean {
  return text.replace(/^\uFEFF/, "").trimStart().startsWith(AGENTS_MD_MARKER);
}

/** The `project` block and the passages tagged `convention`, as markdown other agents read. */
export function renderAgentsMd(project: string, conventions: Passage[]): string {
  const lines = [
    AGENTS_MD_MARKER,
    "# AGENTS.md",
    "",
    "Notes for coding agents working in this project, exported from letta-code's memory",
    "(the `project` block and archival passages tagged `convention`).",
    "",
    "## Project",
    "",
    project.trim() || "(nothing recorded yet)",
  ];
  if (conventions.length) {
    lines.push("", "## Conventions", "");
    for (const c of conventions) lines.push(`- ${c.text.trim().replace(/\n/g, "\n  ")}`);
  }
  return `${lines.join("\n")}\n`;
}
