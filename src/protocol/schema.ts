import { z } from "zod";
import { envelope, events } from "./events.js";
import { SCHEMA_VERSION } from "./version.js";

export { SCHEMA_VERSION };
export type { ApprovalRequest, Envelope, EventPayload, ToolCallState, ToolDisplay, Usage } from "./events.js";

/*
 * The public event protocol: what stream-json prints, what the SDK's onEvent receives and what the
 * ACP face translates from. The events themselves are defined in events.ts, where the agent core's
 * events are derived from the same definitions; these shapes change only with SCHEMA_VERSION (see
 * version.ts). `npm run schema` regenerates schema/events.schema.json from these definitions, and
 * a test fails while the two differ.
 */

/** Every public event: each payload the agent core emits, stamped with the envelope. */
export const publicEvent = z.union(events.map((e) => e.stamped));

/** The first line of stream-json. */
export const initLine = z.object({
  type: z.literal("init"),
  ...envelope,
  agent_id: z.string(),
  agent_name: z.string(),
  model: z.string(),
  base_url: z.string(),
  base_url_source: z.literal("project").optional(),
  cwd: z.string(),
  permission_mode: z.enum(["ask", "accept-edits", "yolo", "read-only"]),
  /** What stdin carries: `text` (one prompt) or `stream-json` (user and control lines). */
  input_format: z.enum(["text", "stream-json"]).optional(),
  mcp_servers: z.array(
    z.object({ name: z.string(), status: z.string(), scope: z.string(), tools: z.number(), error: z.string().optional() }),
  ),
});

/** The last line of a turn in stream-json (and the one object of `--output-format json`); names follow Claude Code's. */
export const resultLine = z.object({
  type: z.literal("result"),
  ...envelope,
  subtype: z.enum(["success", "error_max_steps", "error_loop", "error_during_execution", "interrupted"]),
  is_error: z.boolean(),
  result: z.string(),
  agent_id: z.string(),
  model: z.string(),
  num_steps: z.number(),
  num_turns: z.number(),
  duration_ms: z.number(),
  duration_api_ms: z.number(),
  usage: z.object({
    prompt_tokens: z.number(),
    completion_tokens: z.number(),
    input_tokens: z.number(),
    output_tokens: z.number(),
    total_tokens: z.number(),
  }),
  tool_calls: z.array(z.object({ id: z.string(), name: z.string(), input: z.unknown(), is_error: z.boolean() })),
  reflection_usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number(), total_tokens: z.number() }).optional(),
});

/** Any line letta-code prints with `--output-format stream-json`. */
export const outputLine = z.union([initLine, publicEvent, resultLine]);

const textBlock = z.object({ type: z.literal("text"), text: z.string() });
/** Lines a program writes to stdin with `--input-format stream-json`. */
export const userInputLine = z.object({
  type: z.literal("user"),
  message: z.object({ role: z.literal("user"), content: z.union([z.string(), z.array(textBlock)]) }),
});
export const interruptInputLine = z.object({ type: z.literal("control"), subtype: z.literal("interrupt") });
/** The answer to an `approval_request` (with `--permission-prompt-tool stdio`): `always` also adds its suggested rule. */
export const approvalInputLine = z.object({
  type: z.literal("control"),
  subtype: z.literal("approval"),
  id: z.string(),
  decision: z.enum(["yes", "always", "no"]),
  reason: z.string().optional(),
});
export const inputLine = z.union([userInputLine, interruptInputLine, approvalInputLine]);

export type PublicEvent = z.infer<typeof publicEvent>;
export type InitLine = z.infer<typeof initLine>;
export type ResultLine = z.infer<typeof resultLine>;
export type OutputLine = z.infer<typeof outputLine>;
export type InputLine = z.infer<typeof inputLine>;

/** The published JSON Schema: output lines and input lines, each under its own definition. */
export function protocolJsonSchema(): Record<string, unknown> {
  const out = z.toJSONSchema(outputLine, { unrepresentable: "any" }) as Record<string, unknown>;
  const input = z.toJSONSchema(inputLine, { unrepresentable: "any" }) as Record<string, unknown>;
  delete input.$schema;
  return {
    $schema: out.$schema,
    $id: `urn:letta-code:events:v${SCHEMA_VERSION}`,
    title: "letta-code event protocol",
    description: `Lines of --output-format stream-json (this schema) and of --input-format stream-json ($defs.input). schema_version ${SCHEMA_VERSION}.`,
    ...Object.fromEntries(Object.entries(out).filter(([k]) => k !== "$schema")),
    $defs: { ...((out.$defs as object) ?? {}), input },
  };
}
