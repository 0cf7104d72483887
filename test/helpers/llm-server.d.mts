// Types for llm-server.mjs (kept as plain JS so it also runs as a standalone process).
import type { IncomingHttpHeaders } from "node:http";

export interface ScriptedToolCall {
  name: string;
  /** A string is sent verbatim (so tests can send malformed JSON); an object is JSON-encoded. */
  arguments: string | Record<string, unknown>;
  id?: string;
}

/** Options every scripted reply may carry. */
interface Common {
  /** Wait this long before the first byte (status line included). */
  delayMs?: number;
  /** Wait for this before the first byte (after delayMs): a test answers when it has seen what it waits for. In-process servers only. */
  until?: Promise<unknown>;
  /** Wait between streamed chunks. */
  chunkDelayMs?: number;
  /** Send this many SSE chunks (the role chunk counts), then go silent without closing. */
  stallAfterChunks?: number;
  /** Send this many SSE chunks, then destroy the socket (connection reset mid-stream). */
  dropAfterChunks?: number;
  /** Usage numbers to report, or false to never send a usage chunk (like servers that ignore include_usage). */
  usage?: false | { prompt_tokens: number; completion_tokens: number; total_tokens?: number };
  finishReason?: string;
}

export type ScriptedResponse =
  | (Common & { text: string; chunkSize?: number; toolCalls?: undefined })
  | (Common & { toolCalls: ScriptedToolCall[]; text?: string; chunkSize?: number; argChunkSize?: number })
  | (Common & {
      error: { status: number; body?: string | Record<string, unknown>; headers?: Record<string, string> };
    })
  | (Common & { hang: true })
  /** Hand-written SSE payloads, sent in order then `[DONE]`: objects get id/object/created/model filled in, strings go verbatim. */
  | (Common & { chunks: (Record<string, unknown> | string)[] })
  | Common;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (model, messages, tools, stream, stream_options, max_tokens...). */
  body: any;
  /** True when the client closed the connection before the response finished (abort, timeout). */
  aborted: boolean;
}

/** Dynamic scripts: decide the reply from the request (e.g. answer a summarisation request differently). */
export type ScriptFn = (req: RecordedRequest) => ScriptedResponse | Promise<ScriptedResponse>;

export interface ScriptedServer {
  /** Base URL ending in /v1, e.g. http://127.0.0.1:43123/v1 */
  readonly url: string;
  readonly port: number;
  /** Every chat completion request received, in order. */
  readonly requests: RecordedRequest[];
  /** Replies are consumed one per chat completion request, in order. */
  enqueue(...responses: (ScriptedResponse | ScriptFn)[]): void;
  /** Used when the queue is empty (default: a 500 "scripted server: no response queued"). */
  setFallback(response: ScriptedResponse | ScriptFn | undefined): void;
  readonly pending: number;
  close(): Promise<void>;
}

export function startScriptedServer(options?: {
  port?: number;
  /** Append each received request as a JSON line (for tests that run the server as a process). */
  requestsLog?: string;
  fallback?: ScriptedResponse | ScriptFn;
}): Promise<ScriptedServer>;
