import { readFileSync } from "node:fs";
import { z } from "zod";
import type { ToolSchema } from "../llm/types.js";
import type { Tool } from "./types.js";

/**
 * The tools one agent offers the model, with their wire schemas computed once. Built-in tools are
 * fixed; tools from outside (MCP servers) may come and go between steps through setExtra().
 */
export class ToolRegistry {
  private byName = new Map<string, Tool>();
  private base: Tool[];
  private baseSchemas: ToolSchema[];
  private extra: Tool[] = [];
  /** A new array whenever the tool set changes, so holders can tell by identity. */
  schemas: ToolSchema[];

  constructor(tools: Tool[]) {
    this.base = tools;
    for (const t of tools) this.byName.set(t.name, t);
    const built = prebuiltSchemas();
    this.baseSchemas = tools.map((t) => {
      const b = built[t.name];
      // A prebuilt schema is used only if it was built from this very tool (same description), or
      // from the same parameters under a description made at run time.
      if (b?.function.description === t.description) return b;
      if (b && t.runtimeDescription) return { type: "function", function: { ...b.function, description: t.description } };
      return computeSchema(t);
    });
    this.schemas = this.baseSchemas;
  }

  /** Replace the extra tools; a name a built-in tool already has is ignored (built-ins win). */
  setExtra(tools: readonly Tool[]): void {
    if (tools.length === this.extra.length && tools.every((t, i) => t === this.extra[i])) return;
    this.byName = new Map(this.base.map((t) => [t.name, t]));
    this.extra = [];
    for (const t of tools) {
      if (this.byName.has(t.name)) continue;
      this.byName.set(t.name, t);
      this.extra.push(t);
    }
    this.schemas = [...this.baseSchemas, ...this.extra.map(computeSchema)];
  }

  get(name: string): Tool | undefined {
    return this.byName.get(name);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }
}

let prebuilt: Record<string, ToolSchema> | undefined;

/** dist/tool-schemas.json, written at build time by scripts/tool-schemas.mjs; absent when running from source. */
function prebuiltSchemas(): Record<string, ToolSchema> {
  if (!prebuilt) {
    try {
      prebuilt = JSON.parse(readFileSync(new URL("../tool-schemas.json", import.meta.url), "utf8")) as Record<string, ToolSchema>;
    } catch {
      prebuilt = {};
    }
  }
  return prebuilt;
}

export function computeSchema(tool: Tool): ToolSchema {
  if (tool.inputSchema) {
    return { type: "function", function: { name: tool.name, description: tool.description, parameters: tool.inputSchema } };
  }
  const { $schema: _ignored, ...parameters } = z.toJSONSchema(tool.parameters, { io: "input" }) as Record<string, unknown>;
  return { type: "function", function: { name: tool.name, description: tool.description, parameters } };
}

export type ParsedArgs = { ok: true; args: unknown } | { ok: false; error: string };

/**
 * Parse and validate a model's raw argument string. Failures are phrased for the model to
 * correct itself on the next step; they never reach the user as a crash.
 */
export function parseToolArgs(tool: Tool, raw: string): ParsedArgs {
  let json: unknown;
  const text = raw.trim() === "" ? "{}" : raw;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const excerpt = raw.length > 300 ? `${raw.slice(0, 300)}…` : raw;
    return {
      ok: false,
      error: `Invalid arguments for ${tool.name}: not valid JSON (${(err as Error).message}). Received: ${excerpt}. Send a JSON object matching the tool's schema.`,
    };
  }
  const result = tool.parameters.safeParse(json);
  if (result.success) return { ok: true, args: result.data };
  const issues = result.error.issues
    .map((i) => `${i.path.length ? i.path.join(".") : "(arguments)"}: ${i.message}`)
    .join("; ");
  return { ok: false, error: `Invalid arguments for ${tool.name}: ${issues}. Fix them and call the tool again.` };
}
