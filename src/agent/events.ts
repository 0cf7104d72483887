import type { MemoryActor } from "../memory/origin.js";

/*
 * The agent's internal event stream. Faces outside the process see these only through
 * src/protocol (versioned, stamped with session, turn and order): change these freely, that one not.
 */

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** What the user is shown for a tool result (the model reads `content` instead). */
export type ToolDisplay =
  | { kind: "text"; text: string }
  | { kind: "diff"; path: string; diff: string; created: boolean }
  | {
      kind: "shell";
      command: string;
      exitCode: number | null;
      output: string;
      timedOut: boolean;
      sandboxed: boolean;
      /** The command failed the way the sandbox makes commands fail (read-only file system, no network): worth a retry outside it. */
      sandboxDenied?: boolean;
    }
  | { kind: "memory"; label: string; action: string; before: string; after: string }
  | { kind: "plan"; steps: { step: string; status: "pending" | "in_progress" | "done" }[] };

/** What started a reflection pass. */
/**
 * What a notice is about, for faces that show it differently (the TUI puts turn_waiting on its status
 * line; `-p` prints turn_waiting and hook_failed on stderr even without --verbose).
 */
export type NoticeCode = "turn_waiting" | "turn_taken_over" | "picked_up" | "hook_failed";

export type ReflectionTrigger = "turns" | "compaction" | "exit" | "manual" | "command" | "headless";

/** How a reflection pass ended: `busy` = another process holds these messages, `capped` = the daily token cap. */
export type ReflectionStatus = "done" | "nothing" | "busy" | "capped" | "off" | "failed" | "interrupted";

/** A tool call's one lifecycle: validating -> awaiting_approval -> running -> done | error | denied | cancelled. */
export type ToolCallState = "validating" | "awaiting_approval" | "running" | "done" | "error" | "denied" | "cancelled";

export type AgentEvent =
  /** turnId: the id of the turn's user message, what `letta-code rewind <turn-id>` takes. */
  | { type: "turn_start"; agentId: string; conversationId: string; turnId?: number }
  | { type: "assistant_delta"; text: string }
  | { type: "assistant_message"; text: string; messageId: string }
  | { type: "tool_call"; id: string; name: string; args: unknown; rawArgs: string }
  | {
      type: "approval_request";
      id: string;
      name: string;
      args: unknown;
      /** Human-readable preview: a diff for writes, the command for exec. */
      preview: ToolDisplay;
      /** The rule that "don't ask again" would add, e.g. `write_file` or `run_shell(npm test)`. */
      suggestedRule: string;
      /**
       * The command already ran in the sandbox and the sandbox stopped it: the question is whether to
       * run it again outside ("always" here means: stop sandboxing commands for this session).
       */
      escalation?: true;
    }
  | { type: "approval_result"; id: string; approved: boolean; reason?: string }
  | { type: "tool_output"; id: string; chunk: string }
  /** Each step of a call's lifecycle; `expected` on an error: a refusal the model can act on, not a crash. */
  | { type: "tool_update"; id: string; name: string; state: ToolCallState; expected?: boolean }
  | {
      type: "tool_result";
      id: string;
      name: string;
      state: "done" | "error" | "cancelled";
      content: string;
      display?: ToolDisplay;
    }
  | {
      type: "memory_update";
      label: string;
      action: string;
      before: string;
      after: string;
      /** The history event of this change (for `memory undo <id>`), its actor and reason, when recorded. */
      eventId?: string;
      actor?: MemoryActor;
      reason?: string;
    }
  /** The background pass that distils conversations into memory (additive: consumers ignore unknown types). */
  | { type: "reflection"; phase: "start"; trigger: ReflectionTrigger; messages: number }
  | {
      type: "reflection";
      phase: "end";
      status: ReflectionStatus;
      messagesReflected: number;
      changes: number;
      usage: Usage;
      /** Why it did nothing or failed, in words for the user. */
      message?: string;
    }
  | { type: "compaction"; evicted: number; summaryChars: number; tokensBefore: number; tokensAfter: number }
  | { type: "memory_pressure"; tokens: number; window: number }
  | { type: "retry"; attempt: number; delayMs: number; reason: string }
  | { type: "usage"; usage: Usage; contextTokens: number; contextWindow: number }
  | { type: "notice"; message: string; code?: NoticeCode }
  /** A long wait inside a turn, e.g. the embedding model downloading on first use. */
  | { type: "progress"; what: string; percent: number; detail: string }
  | { type: "error"; message: string; fatal: boolean }
  | {
      type: "done";
      reason: "answer" | "step_limit" | "loop_detected" | "interrupted" | "error";
      result: string;
      numSteps: number;
      usage: Usage;
    };

export type AgentEventType = AgentEvent["type"];
