import { z } from "zod";
import type { CallToolResult, Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import { capOutput, formatBytes } from "../tools/output-cap.js";
import { defineTool, lazySchema, type Tool } from "../tools/types.js";

/** Provider tool names allow letters, digits, `_` and `-`, at most 64 characters. */
const MAX_NAME = 64;
export const sanitizeName = (s: string) => s.replace(/[^A-Za-z0-9_-]/g, "_");

export function mcpToolName(server: string, tool: string): string {
  return `mcp__${sanitizeName(server)}__${sanitizeName(tool)}`.slice(0, MAX_NAME);
}

/**
 * The server's input schema as the model should see it. Passed through, except what providers
 * reject: a root that is not a plain object schema, `$schema`/`$id` keywords at the root.
 */
export function sanitizeSchema(schema: McpTool["inputSchema"] | undefined): Record<string, unknown> {
  const { $schema: _s, $id: _i, ...rest } = (schema ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = { ...rest, type: "object" };
  if (!out.properties || typeof out.properties !== "object") out.properties = {};
  for (const k of ["oneOf", "anyOf", "allOf", "not", "enum"]) delete out[k];
  return out;
}

export interface CallTarget {
  callTool(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult>;
}

/** The arguments are the server's to validate against its schema; here only "an object" is checked. */
const anyObject = lazySchema(() => z.record(z.string(), z.unknown()));

export function adaptTool(server: string, tool: McpTool, target: CallTarget): Tool<ReturnType<typeof anyObject>> {
  const name = mcpToolName(server, tool.name);
  const title = tool.annotations?.title ?? tool.title;
  const description = tool.description?.trim() || title || `${tool.name} (MCP server ${server})`;
  return defineTool({
    name,
    description: description.slice(0, 4000),
    parameters: anyObject,
    inputSchema: sanitizeSchema(tool.inputSchema),
    // The server's own word that the tool changes nothing; anything else may act on the world.
    kind: tool.annotations?.readOnlyHint === true ? "read" : "exec",
    async run(args, ctx) {
      const result = await target.callTool(tool.name, args, ctx.signal);
      const text = formatResult(result);
      return { content: capOutput(text), display: { kind: "text", text }, isError: result.isError === true };
    },
  });
}

/** Text as is; images and audio as a short placeholder; embedded resources inline; structured content kept. */
export function formatResult(result: CallToolResult): string {
  const parts: string[] = [];
  const blocks = Array.isArray(result.content) ? result.content : [];
  for (const b of blocks) {
    switch (b.type) {
      case "text":
        parts.push(b.text);
        break;
      case "image":
      case "audio":
        parts.push(`[${b.type}: ${b.mimeType}, ${formatBytes(Math.floor((b.data.length * 3) / 4))}]`);
        break;
      case "resource": {
        const r = b.resource as { uri: string; mimeType?: string; text?: string; blob?: string };
        if (typeof r.text === "string") parts.push(`[resource ${r.uri}]\n${r.text}`);
        else parts.push(`[resource ${r.uri}: ${r.mimeType ?? "binary"}, ${formatBytes(Math.floor(((r.blob ?? "").length * 3) / 4))}]`);
        break;
      }
      case "resource_link":
        parts.push(`[resource link ${b.uri}${b.name ? ` (${b.name})` : ""}]`);
        break;
      default:
        parts.push(`[${(b as { type: string }).type} content]`);
    }
  }
  // A server should mirror structured content as text; when it did not, the model still gets it.
  if (result.structuredContent && !blocks.some((b) => b.type === "text")) parts.push(JSON.stringify(result.structuredContent));
  if (parts.length === 0) return result.isError ? "(the tool failed without a message)" : "(no output)";
  return parts.join("\n");
}
