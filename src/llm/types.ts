import type { Usage } from "../agent/events.js";

/** Chat Completions wire shapes, kept minimal so the loop does not depend on the openai package. */
export interface ToolCallSpec {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type ChatMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: string }
  | { role: "assistant"; content: string | null; tool_calls?: ToolCallSpec[] }
  | { role: "tool"; content: string; tool_call_id: string };

export interface ToolSchema {
  type: "function";
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

export interface ModelRequest {
  messages: ChatMessage[];
  tools?: ToolSchema[];
  signal?: AbortSignal;
  /** Cap on the completion (used by summarisation). */
  maxTokens?: number;
}

export interface ModelTurn {
  text: string;
  toolCalls: { id: string; name: string; arguments: string }[];
  finishReason: string;
  /** Reported by the server when it sends a usage chunk; otherwise undefined. */
  usage?: Usage;
}

export interface StreamHandlers {
  onText?(delta: string): void;
  /** A tool call's name is known (its arguments may still be streaming). */
  onToolCallStart?(call: { index: number; id: string; name: string }): void;
  onRetry?(info: { attempt: number; delayMs: number; reason: string }): void;
}

/** The model seam: the real one wraps `openai`; unit tests may plug a scripted one. */
export interface ModelClient {
  readonly model: string;
  readonly baseURL: string;
  complete(req: ModelRequest, handlers?: StreamHandlers): Promise<ModelTurn>;
}

/** A failure after retries, with a message a person understands (URL, status, body excerpt). */
export class ModelError extends Error {
  /** Text already streamed to `onText` before the failure or abort, so the caller can keep it. */
  readonly partialText?: string;
  /** The base URL the request went to. */
  readonly url?: string;
  /** How many requests were made (1 = no retry). */
  readonly attempts?: number;
  constructor(
    message: string,
    readonly status?: number,
    readonly aborted = false,
    details: { partialText?: string; url?: string; attempts?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ModelError";
    this.partialText = details.partialText;
    this.url = details.url;
    this.attempts = details.attempts;
  }
}
