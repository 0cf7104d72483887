import { z } from "zod";
import { SCHEMA_VERSION } from "./version.js";

export { SCHEMA_VERSION };

/*
 * The public event protocol: what stream-json prints, what the SDK's onEvent receives and what the
 * ACP face translates from. Internal AgentEvents may change freely; these shapes change only with
 * SCHEMA_VERSION (see version.ts). `npm run schema` regenerates schema/events.schema.json from these
 * definitions, and a test fails while the two differ.
 */

/** Every line and event carries these: which session and turn it belongs to, and its order. */
const envelope = {
  schema_version: z.literal(SCHEMA_VERSION),
  /** The conversation id (what `--resume` takes). */
  session_id: z.string(),
  /** The turn's id (its user message id, what `rewind` takes) as a string; null outside a turn. */
  turn_id: z.string().nullable(),
  /** Monotonic within the session's stream, starting at 0 with `init`. */
  seq: z.number().int().nonnegative(),
  /** ISO 8601 time the event was emitted. */
  ts: z.string(),
};

const usage = z.object({ promptTokens: z.number(), completionTokens: z.number(), totalTokens: z.number() });

const planStep = z.object({ step: z.string(), status: z.enum(["pending", "in_progress", "done"]) });
export const toolDisplay = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: z.string() }),
  z.object({ kind: z.literal("diff"), path: z.string(), diff: z.string(), created: z.boolean() }),
  z.object({
    kind: z.literal("shell"),
    command: z.string(),
    exitCode: z.number().nullable(),
    output: z.string(),
    timedOut: z.boolean(),
    sandboxed: z.boolean(),
    sandboxDenied: z.boolean().optional(),
  }),
  z.object({ kind: z.literal("memory"), label: z.string(), action: z.string(), before: z.string(), after: z.string() }),
  z.object({ kind: z.literal("plan"), steps: z.array(planStep) }),
]);

/** A tool call's one lifecycle; faces follow `tool_update` instead of re-deriving it. */
export const toolCallState = z.enum(["validating", "awaiting_approval", "running", "done", "error", "denied", "cancelled"]);
const finalToolState = z.enum(["done", "error", "cancelled"]);

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...envelope, ...shape });

export const turnStartEvent = ev("turn_start", { agentId: z.string(), conversationId: z.string(), turnId: z.number().optional() });
export const assistantDeltaEvent = ev("assistant_delta", { text: z.string() });
export const assistantMessageEvent = ev("assistant_message", { text: z.string(), messageId: z.string() });
export const toolCallEvent = ev("tool_call", { id: z.string(), name: z.string(), args: z.unknown(), rawArgs: z.string() });
export const toolUpdateEvent = ev("tool_update", {
  id: z.string(),
  name: z.string(),
  state: toolCallState,
  /** For `error`: true when the tool refused in a way the model can act on (bad arguments, missing file); false for a crash. */
  expected: z.boolean().optional(),
});
/** Also the request a program answers with a `control`/`approval` line (`--permission-prompt-tool stdio`). */
export const approvalRequestEvent = ev("approval_request", {
  id: z.string(),
  name: z.string(),
  args: z.unknown(),
  preview: toolDisplay,
  suggestedRule: z.string(),
  escalation: z.literal(true).optional(),
});
export const approvalResultEvent = ev("approval_result", { id: z.string(), approved: z.boolean(), reason: z.string().optional() });
export const toolOutputEvent = ev("tool_output", { id: z.string(), chunk: z.string() });
export const toolResultEvent = ev("tool_result", {
  id: z.string(),
  name: z.string(),
  state: finalToolState,
  content: z.string(),
  display: toolDisplay.optional(),
});
export const memoryUpdateEvent = ev("memory_update", {
  label: z.string(),
  action: z.string(),
  before: z.string(),
  after: z.string(),
  eventId: z.string().optional(),
  actor: z.enum(["agent", "reflection", "user", "api"]).optional(),
  reason: z.string().optional(),
});
const reflectionTrigger = z.enum(["turns", "compaction", "exit", "manual", "command", "headless"]);
export const reflectionStartEvent = ev("reflection", { phase: z.literal("start"), trigger: reflectionTrigger, messages: z.number() });
export const reflectionEndEvent = ev("reflection", {
  phase: z.literal("end"),
  status: z.enum(["done", "nothing", "busy", "capped", "off", "failed", "interrupted"]),
  messagesReflected: z.number(),
  changes: z.number(),
  usage,
  message: z.string().optional(),
});
export const compactionEvent = ev("compaction", {
  evicted: z.number(),
  summaryChars: z.number(),
  tokensBefore: z.number(),
  tokensAfter: z.number(),
});
export const memoryPressureEvent = ev("memory_pressure", { tokens: z.number(), window: z.number() });
export const retryEvent = ev("retry", { attempt: z.number(), delayMs: z.number(), reason: z.string() });
export const usageEvent = ev("usage", { usage, contextTokens: z.number(), contextWindow: z.number() });
export const noticeEvent = ev("notice", {
  message: z.string(),
  /** Set for notices a program may act on: waiting for another writer's turn, taking over a dead one's, picking up what others appended. */
  code: z.enum(["turn_waiting", "turn_taken_over", "picked_up"]).optional(),
});
export const progressEvent = ev("progress", { what: z.string(), percent: z.number(), detail: z.string() });
/** Also the reply to a malformed input line (`fatal: false`, the session goes on). */
export const errorEvent = ev("error", { message: z.string(), fatal: z.boolean() });
export const doneEvent = ev("done", {
  reason: z.enum(["answer", "step_limit", "loop_detected", "interrupted", "error"]),
  result: z.string(),
  numSteps: z.number(),
  usage,
});

export const publicEvent = z.union([
  turnStartEvent,
  assistantDeltaEvent,
  assistantMessageEvent,
  toolCallEvent,
  toolUpdateEvent,
  approvalRequestEvent,
  approvalResultEvent,
  toolOutputEvent,
  toolResultEvent,
  memoryUpdateEvent,
  reflectionStartEvent,
  reflectionEndEvent,
  compactionEvent,
  memoryPressureEvent,
  retryEvent,
  usageEvent,
  noticeEvent,
  progressEvent,
  errorEvent,
  doneEvent,
]);

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
export type ToolCallState = z.infer<typeof toolCallState>;
export type Envelope = Pick<PublicEvent, "schema_version" | "session_id" | "turn_id" | "seq" | "ts">;

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
