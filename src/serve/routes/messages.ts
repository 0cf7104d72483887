import { z } from "zod";
import type { ServerResponse } from "node:http";
import type { Router, RouteRequest } from "../router.js";
import { agentOr404, type ServeContext } from "../context.js";
import { HttpError } from "../errors.js";
import { lettaUsage, parseMessageId, stopReasonOf, storedToLetta, type LettaMessage } from "../letta-messages.js";
import { readPage } from "../pagination.js";
import { SseWriter } from "../sse.js";
import type { ApprovalAnswer, DrainEnd, Run } from "../turns.js";
import { validated } from "../validate.js";

const messageTypes = z.array(z.string()).nullish();

const sendBody = z.object({
  messages: z.array(z.record(z.string(), z.unknown())).nullish(),
  input: z.union([z.string(), z.array(z.record(z.string(), z.unknown()))]).nullish(),
  streaming: z.boolean().optional(),
  stream_tokens: z.boolean().optional(),
  include_return_message_types: messageTypes,
});

const cancelBody = z.object({ run_ids: z.array(z.string()).nullish() }).nullish();

type Input = { kind: "user"; text: string } | { kind: "approval"; answers: ApprovalAnswer[] };

const invalid = (loc: (string | number)[], msg: string) => new HttpError(422, `invalid body: ${loc.slice(1).join(".")}`, [{ loc, msg, type: "value_error" }]);

/** Text parts of a content value; anything else (images, tool content) is not served. */
function textOf(content: unknown, loc: (string | number)[]): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) throw invalid(loc, "content must be a string or a list of text parts");
  return content
    .map((part, i) => {
      const p = part as { type?: string; text?: unknown };
      if ((p.type === undefined || p.type === "text") && typeof p.text === "string") return p.text;
      throw invalid([...loc, i], `only text content is supported by this server (got ${String(p.type)})`);
    })
    .join("\n");
}

/** What a send asks for: one user turn (its messages' text joined), or answers to pending approvals. */
function readInput(body: z.infer<typeof sendBody>): Input {
  if (body.input !== undefined && body.input !== null) return { kind: "user", text: textOf(body.input, ["body", "input"]) };
  const messages = body.messages ?? [];
  if (messages.length === 0) throw invalid(["body", "messages"], "give at least one message (or `input`)");
  const texts: string[] = [];
  const answers: ApprovalAnswer[] = [];
  messages.forEach((m, i) => {
    const loc = ["body", "messages", i];
    if (m.type === "approval") {
      if (Array.isArray(m.approvals)) {
        m.approvals.forEach((a: Record<string, unknown>, j: number) => {
          if (a.type === "tool") throw invalid([...loc, "approvals", j], "client-side tool returns are not supported by this server");
          if (typeof a.tool_call_id !== "string" || typeof a.approve !== "boolean") throw invalid([...loc, "approvals", j], "an approval needs tool_call_id and approve");
          answers.push({ callId: a.tool_call_id, approve: a.approve, ...(typeof a.reason === "string" ? { reason: a.reason } : {}) });
        });
      } else if (typeof m.approve === "boolean" && typeof m.approval_request_id === "string") {
        // The deprecated form names the approval_request_message; ours derive from the call id.
        const callId = m.approval_request_id.replace(/^message-approval-/, "");
        answers.push({ callId, approve: m.approve, ...(typeof m.reason === "string" ? { reason: m.reason } : {}) });
      } else throw invalid(loc, "an approval message needs approvals (or approve and approval_request_id)");
      return;
    }
    if (m.type === "tool_return") throw invalid([...loc, "type"], "client-side tool returns are not supported by this server");
    if (m.type !== undefined && m.type !== null && m.type !== "message") throw invalid([...loc, "type"], `unknown message type ${String(m.type)}`);
    if (m.role !== "user") throw invalid([...loc, "role"], "only user messages are served (role must be \"user\")");
    texts.push(textOf(m.content, [...loc, "content"]));
  });
  if (answers.length && texts.length) throw invalid(["body", "messages"], "send approvals and user messages in separate requests");
  if (answers.length) return { kind: "approval", answers };
  const text = texts.join("\n\n");
  if (!text.trim()) throw invalid(["body", "messages"], "the message is empty");
  return { kind: "user", text };
}

function typeFilter(types: string[] | null | undefined): (m: LettaMessage) => boolean {
  if (!types?.length) return () => true;
  const keep = new Set(types);
  return (m) => keep.has(m.message_type);
}

/** A client that hangs up before its reply is complete cancels the turn (what ran is stored; the conversation stays valid). */
function cancelOnHangUp(res: ServerResponse, run: Run): { finished(): void } {
  let done = false;
  res.once("close", () => {
    if (!done && !res.writableFinished) run.controller.abort();
  });
  return { finished: () => (done = true) };
}

function ending(run: Run, end: DrainEnd) {
  const stop = end.kind === "approval" ? "requires_approval" : stopReasonOf(end.done);
  const usage = end.kind === "done" ? lettaUsage(end.done.usage, end.done.numSteps, run.id) : lettaUsage(run.usage, run.steps, run.id);
  return { stop, usage };
}

export function messageRoutes(router: Router, ctx: ServeContext): void {
  const { project, turns } = ctx;

  const begin = async (r: RouteRequest) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    const body = validated(sendBody, await r.body(), "body");
    const input = readInput(body);
    const streamTokens = body.stream_tokens === true;
    const run = input.kind === "user" ? turns.start(row, input.text, streamTokens) : turns.answer(row.id, input.answers);
    run.translator.streamTokens = streamTokens;
    return { run, body, keep: typeFilter(body.include_return_message_types) };
  };

  const reply = async (r: RouteRequest) => {
    const { run, keep } = await begin(r);
    const messages: LettaMessage[] = [];
    const hangUp = cancelOnHangUp(r.res, run);
    const end = await run.drain((m) => keep(m) && messages.push(m));
    hangUp.finished();
    if (end.kind === "done" && end.done.reason === "error") {
      // Retrying would send the message again as a second turn: the client is told not to.
      throw new HttpError(502, `the turn failed: ${end.done.result}`, undefined, { "x-should-retry": "false" });
    }
    const { stop, usage } = ending(run, end);
    return { messages, stop_reason: { message_type: "stop_reason", stop_reason: stop }, usage };
  };

  const stream = async (r: RouteRequest) => {
    const { run, keep } = await begin(r);
    const sse = new SseWriter(r.res);
    const hangUp = cancelOnHangUp(r.res, run);
    const end = await run.drain((m) => {
      if (keep(m)) sse.data(m);
    });
    hangUp.finished();
    if (end.kind === "done" && end.done.reason === "error") {
      sse.data({ message_type: "error_message", error_type: "llm_error", message: end.done.result, run_id: run.id });
    }
    const { stop, usage } = ending(run, end);
    sse.data({ message_type: "stop_reason", stop_reason: stop });
    sse.data(usage);
    sse.end();
    return undefined;
  };

  router.add("POST", "/v1/agents/{agent_id}/messages/stream", stream);
  router.add("POST", "/v1/agents/{agent_id}/messages", async (r) => {
    // `streaming: true` on the plain route is the newer way to ask for SSE (the body is read once and kept).
    const raw = await r.body();
    return (raw as { streaming?: unknown } | undefined)?.streaming === true ? stream(r) : reply(r);
  });

  router.add("GET", "/v1/agents/{agent_id}/messages", (r) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    const page = readPage(r.query, 100, {
      conversation_id: z.string().optional(),
      include_return_message_types: z.union([z.string(), z.array(z.string())]).optional(),
    });
    const after = page.after === undefined ? undefined : parseMessageId(page.after);
    const before = page.before === undefined ? undefined : parseMessageId(page.before);
    if (after === undefined && page.after !== undefined) return [];
    if (before === undefined && page.before !== undefined) return [];
    const conversation = (page.conversation_id as string | undefined) ?? project.store.agents.get(row.id)!.conversationId;
    // `after` follows the cursor in the order asked: newer ids ascending, older ones descending.
    const [lo, hi] = page.ascending ? [after, before] : [before, after];
    const rows = project.store.messages.page(row.id, conversation, { after: lo, before: hi, limit: page.limit, ascending: page.ascending });
    const types = page.include_return_message_types === undefined ? undefined : ([] as string[]).concat(page.include_return_message_types as string | string[]);
    return storedToLetta(rows).filter(typeFilter(types));
  });

  router.add("POST", "/v1/agents/{agent_id}/messages/cancel", async (r) => {
    const row = agentOr404(ctx, r.params.agent_id!);
    const body = validated(cancelBody, await r.body(), "body");
    const cancelled = turns.cancel(row.id, body?.run_ids ?? undefined);
    return { status: cancelled.length ? "cancelled" : "nothing to cancel", cancelled_run_ids: cancelled };
  });

}
