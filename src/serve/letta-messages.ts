import { randomUUID } from "node:crypto";
import type { AgentEvent, Usage } from "../agent/events.js";
import type { StoredMessage } from "../store/messages.js";

/*
 * Our events and stored messages as the Letta message union (assistant_message, tool_call_message,
 * tool_return_message, approval_request_message, user_message, …): the one mapping both the replies
 * and the message list use.
 */

export type LettaMessage = Record<string, unknown> & { id: string; date: string; message_type: string };

const MESSAGE_ID = /^message-(\d+)$/;

export const messageId = (rowId: number | string) => `message-${rowId}`;

/** Our row id from a Letta message id, or undefined for an id this server never gave. */
export function parseMessageId(id: string): number | undefined {
  const m = MESSAGE_ID.exec(id);
  return m ? Number(m[1]) : undefined;
}

const toolCall = (id: string, name: string, args: string) => ({ tool_call_id: id, name, arguments: args });

function toolReturn(id: string, date: string, callId: string, name: string | undefined, ok: boolean, content: string, runId?: string): LettaMessage {
  const status = ok ? "success" : "error";
  return {
    id,
    date,
    message_type: "tool_return_message",
    name: name ?? null,
    tool_call_id: callId,
    status,
    tool_return: content,
    tool_returns: [{ tool_call_id: callId, status, tool_return: content }],
    ...(runId ? { run_id: runId } : {}),
  };
}

function toolCallMessage(id: string, date: string, calls: { id: string; name: string; arguments: string }[], type = "tool_call_message", runId?: string): LettaMessage {
  const list = calls.map((c) => toolCall(c.id, c.name, c.arguments));
  return { id, date, message_type: type, tool_call: list[0], tool_calls: list, ...(runId ? { run_id: runId } : {}) };
}

/** Stored rows as Letta messages, in row order; one assistant row with text and calls gives two messages with its id. */
export function storedToLetta(rows: StoredMessage[]): LettaMessage[] {
  const out: LettaMessage[] = [];
  for (const r of rows) {
    const id = messageId(r.id);
    const date = r.createdAt;
    if (r.role === "system") continue;
    if (r.role === "user") out.push({ id, date, message_type: "user_message", content: r.content });
    // A stored result keeps what the model read, not whether the call failed: listed as returned.
    else if (r.role === "tool") out.push(toolReturn(id, date, r.toolCallId ?? "", r.toolName, true, r.content));
    else {
      if (r.content) out.push({ id, date, message_type: "assistant_message", content: r.content });
      if (r.toolCalls?.length) out.push(toolCallMessage(id, date, r.toolCalls.map((c) => ({ id: c.id, name: c.function.name, arguments: c.function.arguments }))));
    }
  }
  return out;
}

export type StopReason = "end_turn" | "max_steps" | "cancelled" | "requires_approval" | "llm_api_error" | "error" | "tool_rule";

export function stopReasonOf(done: Extract<AgentEvent, { type: "done" }>): StopReason {
  switch (done.reason) {
    case "answer":
      return "end_turn";
    case "step_limit":
      return "max_steps";
    // Our loop rule (the same call repeated) is the nearest thing Letta has to a tool rule stopping the run.
    case "loop_detected":
      return "tool_rule";
    case "interrupted":
      return "cancelled";
    default:
      return "llm_api_error";
  }
}

export function lettaUsage(u: Usage, steps: number, runId: string) {
  return {
    message_type: "usage_statistics",
    completion_tokens: u.completionTokens,
    prompt_tokens: u.promptTokens,
    total_tokens: u.totalTokens,
    step_count: steps,
    run_ids: [runId],
  };
}

/**
 * One turn's events as Letta messages, as they happen. A tool call is held until its fate is known:
 * a call that needs approval appears as an approval_request_message (as Letta shows it), any other
 * as a tool_call_message. With `streamTokens`, text arrives as assistant_message chunks sharing one id.
 */
export class TurnTranslator {
  private held = new Map<string, Extract<AgentEvent, { type: "tool_call" }>>();
  private deltaId: string | null = null;
  private streamed = false;

  constructor(
    readonly runId: string,
    /** A later request on the same run (an approval message) may ask for tokens where the first did not. */
    public streamTokens: boolean,
  ) {}

  translate(e: AgentEvent): LettaMessage[] {
    const date = new Date().toISOString();
    const run = this.runId;
    switch (e.type) {
      case "assistant_delta":
        if (!this.streamTokens) return [];
        this.deltaId ??= `message-${randomUUID()}`;
        this.streamed = true;
        return [{ id: this.deltaId, date, message_type: "assistant_message", content: e.text, run_id: run }];
      case "assistant_message": {
        const already = this.streamed;
        this.deltaId = null;
        this.streamed = false;
        if (already || !e.text) return [];
        return [{ id: e.messageId ? messageId(e.messageId) : `message-${randomUUID()}`, date, message_type: "assistant_message", content: e.text, run_id: run }];
      }
      case "tool_call":
        this.deltaId = null;
        this.streamed = false;
        this.held.set(e.id, e);
        return [];
      case "approval_request": {
        const call = this.held.get(e.id);
        this.held.delete(e.id);
        const args = call?.rawArgs ?? JSON.stringify(e.args ?? {});
        return [toolCallMessage(approvalMessageId(e.id), date, [{ id: e.id, name: e.name, arguments: args }], "approval_request_message", run)];
      }
      case "tool_update":
        return e.state === "validating" || e.state === "awaiting_approval" ? [] : this.release(e.id, date);
      case "tool_result":
        return [...this.release(e.id, date), toolReturn(`message-${randomUUID()}`, date, e.id, e.name, e.state === "done", e.content, run)];
      default:
        return [];
    }
  }

  private release(callId: string, date: string): LettaMessage[] {
    const call = this.held.get(callId);
    if (!call) return [];
    this.held.delete(callId);
    return [toolCallMessage(`message-${randomUUID()}`, date, [{ id: call.id, name: call.name, arguments: call.rawArgs }], "tool_call_message", this.runId)];
  }
}

/** The approval_request_message of a call: derived from the call id, so an answer naming either finds it. */
export const approvalMessageId = (callId: string) => `message-approval-${callId}`;
