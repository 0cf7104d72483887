import { z } from "zod";
import { SCHEMA_VERSION } from "./version.js";

/*
 * Every event, defined once. The agent core emits the payloads (its AgentEvent is derived from
 * these, type-only, so the core builds no schemas at start-up); the public event is the payload
 * stamped with the envelope, built here from the very same definition. A field added to a payload
 * is therefore public at once and versioned by SCHEMA_VERSION (see version.ts): something the
 * core needs but the protocol must not carry needs a type of its own, outside these definitions.
 */

/** Every line and event carries these: which session and turn it belongs to, and its order. */
export const envelope = {
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

export const usage = z.object({ promptTokens: z.number(), completionTokens: z.number(), totalTokens: z.number() });

const planStep = z.object({ step: z.string(), status: z.enum(["pending", "in_progress", "done"]) });
/** What the user is shown for a tool result (the model reads `content` instead). */
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
    /** The command failed the way the sandbox makes commands fail (read-only file system, no network): worth a retry outside it. */
    sandboxDenied: z.boolean().optional(),
  }),
  z.object({ kind: z.literal("memory"), label: z.string(), action: z.string(), before: z.string(), after: z.string() }),
  z.object({ kind: z.literal("plan"), steps: z.array(planStep) }),
]);

/** A tool call's one lifecycle: validating -> awaiting_approval -> running -> done | error | denied | cancelled; faces follow `tool_update` instead of re-deriving it. */
export const toolCallState = z.enum(["validating", "awaiting_approval", "running", "done", "error", "denied", "cancelled"]);
const finalToolState = z.enum(["done", "error", "cancelled"]);
/** What started a reflection pass. */
const reflectionTrigger = z.enum(["turns", "compaction", "exit", "manual", "command", "headless"]);
/** How a reflection pass ended: `busy` = another process holds these messages, `capped` = the daily token cap. */
const reflectionStatus = z.enum(["done", "nothing", "busy", "capped", "off", "failed", "interrupted"]);

/**
 * One event from one shape: the payload the core emits, and the same stamped for the wire with
 * `type` first, then the envelope, then the payload's own fields (the published order).
 */
function event<T extends string, S extends z.ZodRawShape, I extends z.ZodRawShape = {}>(type: T, shape: S, internal?: I) {
  const literal = z.literal(type);
  return {
    payload: z.object({ type: literal, ...shape, ...(internal ?? ({} as I)) }),
    stamped: z.object({ type: literal, ...envelope, ...shape }),
  };
}

// The turn's id is the envelope's `turn_id` (a string, what `rewind` takes), the one name for it on every
// line: the core's numeric turnId is internal, and ProtocolStream moves it there.
const turnStart = event(
  "turn_start",
  { agentId: z.string(), conversationId: z.string() },
  {
    /** The id of the turn's user message; absent when a hook blocked the turn (it stored none). */
    turnId: z.number().optional(),
  },
);
const assistantDelta = event("assistant_delta", { text: z.string() });
const assistantMessage = event("assistant_message", { text: z.string(), messageId: z.string() });
const toolCall = event("tool_call", { id: z.string(), name: z.string(), args: z.unknown(), rawArgs: z.string() });
const toolUpdate = event("tool_update", {
  id: z.string(),
  name: z.string(),
  state: toolCallState,
  /** For `error`: true when the tool refused in a way the model can act on (bad arguments, missing file); false for a crash. */
  expected: z.boolean().optional(),
});
/** Also the request a program answers with a `control`/`approval` line (`--permission-prompt-tool stdio`). */
const approvalRequest = event("approval_request", {
  id: z.string(),
  name: z.string(),
  args: z.unknown(),
  /** Human-readable preview: a diff for writes, the command for exec. */
  preview: toolDisplay,
  /** The rule that "don't ask again" would add, e.g. `write_file` or `run_shell(npm test)`. */
  suggestedRule: z.string(),
  /**
   * The command already ran in the sandbox and the sandbox stopped it: the question is whether to
   * run it again outside ("always" here means: stop sandboxing commands for this session).
   */
  escalation: z.literal(true).optional(),
  /** Asked by a subagent: its name, and the id of the parent's `task` call it runs under (the request's `id` is then `<parent id>/<its own call id>`). */
  agent: z.string().optional(),
  parent_tool_use_id: z.string().optional(),
});
const approvalResult = event("approval_result", {
  id: z.string(),
  approved: z.boolean(),
  reason: z.string().optional(),
  agent: z.string().optional(),
  parent_tool_use_id: z.string().optional(),
});
const toolOutput = event("tool_output", { id: z.string(), chunk: z.string() });
const toolResult = event("tool_result", {
  id: z.string(),
  name: z.string(),
  state: finalToolState,
  content: z.string(),
  display: toolDisplay.optional(),
});
const memoryUpdate = event("memory_update", {
  label: z.string(),
  action: z.string(),
  before: z.string(),
  after: z.string(),
  /** The history event of this change (for `memory undo <id>`), its actor and reason, when recorded. */
  eventId: z.string().optional(),
  actor: z.enum(["agent", "reflection", "user", "api"]).optional(),
  reason: z.string().optional(),
});
/** The background pass that distils conversations into memory. */
const reflectionStart = event("reflection", { phase: z.literal("start"), trigger: reflectionTrigger, messages: z.number() });
const reflectionEnd = event("reflection", {
  phase: z.literal("end"),
  status: reflectionStatus,
  messagesReflected: z.number(),
  changes: z.number(),
  usage,
  /** Why it did nothing or failed, in words for the user. */
  message: z.string().optional(),
});
const compaction = event("compaction", {
  evicted: z.number(),
  summaryChars: z.number(),
  tokensBefore: z.number(),
  tokensAfter: z.number(),
});
const memoryPressure = event("memory_pressure", { tokens: z.number(), window: z.number() });
const retry = event("retry", { attempt: z.number(), delayMs: z.number(), reason: z.string() });
const usageUpdate = event("usage", { usage, contextTokens: z.number(), contextWindow: z.number() });
/** Notices a program may act on: waiting for another writer's turn, taking over a dead one's, picking up what others appended, a hook that failed, team memory pulled from other machines or a team sync that failed (-p prints turn_waiting and hook_failed on stderr even without --verbose). */
export const noticeCode = z.enum(["turn_waiting", "turn_taken_over", "picked_up", "hook_failed", "team_synced", "team_error"]);
export type NoticeCode = z.infer<typeof noticeCode>;
const notice = event("notice", { message: z.string(), code: noticeCode.optional() });
/** A long wait inside a turn, e.g. the embedding model downloading on first use. */
const progress = event("progress", { what: z.string(), percent: z.number(), detail: z.string() });
/** Also the reply to a malformed input line (`fatal: false`, the session goes on). */
const error = event("error", { message: z.string(), fatal: z.boolean() });
const done = event("done", {
  reason: z.enum(["answer", "step_limit", "loop_detected", "interrupted", "error"]),
  result: z.string(),
  numSteps: z.number(),
  usage,
});

/**
 * What a subagent does, nested under the parent's `task` call it runs for (`parent_tool_use_id`): its
 * messages, tool calls and their results, its end. Its approval requests are not nested: they are asked
 * at the top level like the parent's own (with `agent` and `parent_tool_use_id` set), so one answer path serves both.
 */
const subagentInner = z.discriminatedUnion("type", [
  assistantMessage.payload,
  toolCall.payload,
  toolUpdate.payload,
  toolOutput.payload,
  toolResult.payload,
  notice.payload,
  error.payload,
  done.payload,
]);
const subagent = event("subagent", {
  parent_tool_use_id: z.string(),
  /** The subagent's name (its definition's `name`). */
  agent: z.string(),
  /** The child conversation its run is stored in (`letta-code sessions show <id>`). */
  conversationId: z.string(),
  event: subagentInner,
});

/** Every event, in the order the published schema lists them. */
export const events = [
  turnStart,
  assistantDelta,
  assistantMessage,
  toolCall,
  toolUpdate,
  approvalRequest,
  approvalResult,
  toolOutput,
  toolResult,
  memoryUpdate,
  reflectionStart,
  reflectionEnd,
  compaction,
  memoryPressure,
  retry,
  usageUpdate,
  notice,
  progress,
  error,
  done,
  subagent,
] as const;

/** What the agent core emits: a public event before ProtocolStream stamps it. */
export type EventPayload = z.infer<(typeof events)[number]["payload"]>;
export type Envelope = z.infer<z.ZodObject<typeof envelope>>;
export type Usage = z.infer<typeof usage>;
export type ToolDisplay = z.infer<typeof toolDisplay>;
export type ToolCallState = z.infer<typeof toolCallState>;
export type ReflectionTrigger = z.infer<typeof reflectionTrigger>;
export type ReflectionStatus = z.infer<typeof reflectionStatus>;
/** What an `approve` callback is asked: the approval_request event, without the envelope. */
export type ApprovalRequest = z.infer<typeof approvalRequest.payload>;
