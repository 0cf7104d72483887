import type { AgentEvent, Usage } from "./events.js";
import type { SendOptions } from "./session.js";
import type { ContextManager } from "./context.js";
import { runToolCall, type PermissionGate, type ToolCallHooks } from "./tool-runner.js";
import { INTERRUPTED_TOOL_RESULT, LOOP_MESSAGE, STEP_LIMIT_MESSAGE, STOP_HOOK_CONTINUE } from "./prompts.js";
import { ModelError, type ModelClient, type ModelTurn } from "../llm/types.js";
import { approxTokens } from "../llm/tokens.js";
import type { Store } from "../store/store.js";
import type { ToolRegistry } from "../tools/registry.js";
import type { CheckpointHooks, Tool, ToolContext, ToolSource } from "../tools/types.js";

export const LOOP_REPEAT_LIMIT = 3;
/** A Stop hook may send the agent back to work this many times in one turn, so it cannot loop forever. */
export const MAX_STOP_CONTINUATIONS = 3;

/** The user's hooks as the loop sees them (see src/extensions): each may be absent. */
export interface TurnHooks {
  tool?: ToolCallHooks;
  /** UserPromptSubmit (and the session's first SessionStart): block the prompt, or add context for the model. */
  promptSubmit?(prompt: string, signal: AbortSignal): Promise<{ blocked?: string; context?: string }>;
  /** Stop: a reason to keep going, or undefined to let the turn end. */
  stop?(lastText: string, active: boolean, signal: AbortSignal): Promise<string | undefined>;
}

export interface LoopDeps {
  store: Store;
  agentId: string;
  conversationId: string;
  model: ModelClient;
  context: ContextManager;
  registry: ToolRegistry;
  toolSource?: ToolSource;
  gate: PermissionGate;
  toolContext: Omit<ToolContext, "signal" | "onOutput">;
  maxSteps: number;
  contextWindow: number;
  hooks?: TurnHooks;
  /** This turn's extra allow rules (a custom command's allowed-tools). */
  turnAllows?: (tool: Tool, args: unknown) => boolean;
  /** Open the turn's checkpoint once its user message is stored (the message id is the turn id). */
  beginTurn?: (turnId: number) => CheckpointHooks | undefined;
}

const zeroUsage = (): Usage => ({ promptTokens: 0, completionTokens: 0, totalTokens: 0 });

/**
 * One user turn: store the message, then step (request -> stream -> tools) until the model
 * answers without tools, the step limit, a detected loop, an error or an interrupt. Every
 * message is stored as it happens, so a crash loses at most the step in flight.
 */
export async function runTurn(deps: LoopDeps, text: string, opts: SendOptions, emit: (e: AgentEvent) => void): Promise<void> {
  const { store, agentId, conversationId, model, context } = deps;
  const signal = opts.signal ?? new AbortController().signal;
  const usage = zeroUsage();
  let steps = 0;
  let lastText = "";
  const repeats: string[] = [];
  const done = (reason: Extract<AgentEvent, { type: "done" }>["reason"], result: string) =>
    emit({ type: "done", reason, result, numSteps: steps, usage });

  let lastMessageId = 0;
  const append = (m: Parameters<Store["messages"]["append"]>[1]) => {
    const stored = store.messages.append(agentId, m);
    lastMessageId = stored.id;
    return stored;
  };
  let content = text;
  if (deps.hooks?.promptSubmit) {
    const got = await deps.hooks.promptSubmit(text, signal);
    if (got.blocked !== undefined) {
      // Not stored and not sent: the hook's reason is for the user.
      const msg = `A UserPromptSubmit hook blocked this prompt; it was not sent.${got.blocked ? ` ${got.blocked}` : ""}`;
      emit({ type: "turn_start", agentId, conversationId });
      emit({ type: "error", message: msg, fatal: true });
      return done("error", msg);
    }
    if (got.context) content = `${text}\n\n${got.context}`;
  }
  const user = append({ conversationId, role: "user", content, tokens: approxTokens(content) + 4 });
  const checkpoint = deps.beginTurn?.(user.id);
  emit({ type: "turn_start", agentId, conversationId, turnId: user.id });
  let stopContinuations = 0;

  for (;;) {
    if (signal.aborted) return done("interrupted", lastText);
    if (steps >= deps.maxSteps) {
      const msg = STEP_LIMIT_MESSAGE(deps.maxSteps);
      emit({ type: "error", message: msg, fatal: true });
      return done("step_limit", msg);
    }
    steps++;
    let turn: ModelTurn;
    let streamed = "";
    try {
      if (deps.toolSource) {
        // Servers connect in the background; only the first request waits (each bounded by its timeout).
        await deps.toolSource.ready(signal);
        if (signal.aborted) return done("interrupted", lastText);
        deps.registry.setExtra(deps.toolSource.tools());
      }
      const request = await context.prepare(emit, signal, user.id);
      turn = await model.complete(
        { messages: request.messages, tools: deps.registry.schemas, signal },
        {
          onText: (d) => {
            streamed += d;
            emit({ type: "assistant_delta", text: d });
          },
          onRetry: (info) => emit({ type: "retry", ...info }),
        },
      );
      if (turn.usage) context.calibrate(request, turn.usage.promptTokens);
      const u = turn.usage ?? { promptTokens: request.tokens, completionTokens: approxTokens(turn.text), totalTokens: 0 };
      usage.promptTokens += u.promptTokens;
      usage.completionTokens += u.completionTokens;
      usage.totalTokens = usage.promptTokens + usage.completionTokens;
      emit({ type: "usage", usage: { ...usage }, contextTokens: u.promptTokens || request.tokens, contextWindow: deps.contextWindow });
    } catch (err) {
      const interrupted = signal.aborted || (err instanceof ModelError && err.aborted);
      const partial = streamed || ((err as { partialText?: string }).partialText ?? "");
      if (partial) {
        // What the user already saw is kept, marked so the model knows it was cut off.
        const content = `${partial}\n[interrupted]`;
        append({ conversationId, role: "assistant", content, tokens: approxTokens(content) });
        emit({ type: "assistant_message", text: partial, messageId: "" });
      }
      if (interrupted) return done("interrupted", partial);
      const message = err instanceof Error ? err.message : String(err);
      // Kept for the resumed transcript (beside the conversation, never sent to the model).
      store.turnFailures.record(agentId, conversationId, lastMessageId, message);
      emit({ type: "error", message, fatal: true });
      return done("error", message);
    }

    const toolCalls = turn.toolCalls.map((c) => ({ id: c.id, type: "function" as const, function: { name: c.name, arguments: c.arguments } }));
    const stored = append({
      conversationId,
      role: "assistant",
      content: turn.text,
      toolCalls: toolCalls.length ? toolCalls : undefined,
      tokens: approxTokens(turn.text + JSON.stringify(toolCalls)) + 4,
    });
    if (turn.text) {
      lastText = turn.text;
      emit({ type: "assistant_message", text: turn.text, messageId: String(stored.id) });
    }
    if (turn.toolCalls.length === 0) {
      const reason = deps.hooks?.stop && !signal.aborted ? await deps.hooks.stop(turn.text, stopContinuations > 0, signal) : undefined;
      if (reason === undefined || signal.aborted) return done("answer", turn.text);
      if (stopContinuations >= MAX_STOP_CONTINUATIONS) {
        emit({ type: "notice", message: `A Stop hook asked the agent to continue again; stopped after ${MAX_STOP_CONTINUATIONS} continuations.` });
        return done("answer", turn.text);
      }
      stopContinuations++;
      emit({ type: "notice", message: `A Stop hook sent the agent back to work: ${reason}` });
      const nudge = STOP_HOOK_CONTINUE(reason);
      append({ conversationId, role: "user", content: nudge, tokens: approxTokens(nudge) + 4 });
      continue;
    }

    const runCall = (call: (typeof turn.toolCalls)[number]) =>
      signal.aborted
        ? Promise.resolve({ content: INTERRUPTED_TOOL_RESULT, state: "cancelled" as const, usage: undefined })
        : runToolCall(call, {
            registry: deps.registry,
            gate: deps.gate,
            ctx: {
              ...deps.toolContext,
              checkpoint,
              signal,
              onOutput: (chunk) => emit({ type: "tool_output", id: call.id, chunk }),
              call: { id: call.id, emit, approve: opts.approve, turnAllows: deps.turnAllows },
            },
            approve: opts.approve,
            emit,
            hooks: deps.hooks?.tool,
            turnAllows: deps.turnAllows,
          });
    // Calls of a concurrent tool (subagents) next to each other in a step start together; results are stored in call order.
    const calls = turn.toolCalls;
    for (let i = 0; i < calls.length; ) {
      let j = i + 1;
      if (deps.registry.get(calls[i].name)?.concurrent) while (j < calls.length && deps.registry.get(calls[j].name)?.concurrent) j++;
      const outcomes = await Promise.all(calls.slice(i, j).map(runCall));
      outcomes.forEach((outcome, k) => {
        const call = calls[i + k];
        if (outcome.usage) {
          usage.promptTokens += outcome.usage.promptTokens;
          usage.completionTokens += outcome.usage.completionTokens;
          usage.totalTokens = usage.promptTokens + usage.completionTokens;
        }
        // Every call gets its result stored, even when cancelled: the API rejects unanswered calls.
        append({
          conversationId,
          role: "tool",
          content: outcome.content,
          toolCallId: call.id,
          toolName: call.name,
          tokens: approxTokens(outcome.content) + 4,
        });
      });
      i = j;
    }
    if (signal.aborted) return done("interrupted", lastText);

    const signature = turn.toolCalls.map((c) => `${c.name}:${normaliseArgs(c.arguments)}`).join("|");
    repeats.push(signature);
    if (repeats.length >= LOOP_REPEAT_LIMIT && repeats.slice(-LOOP_REPEAT_LIMIT).every((s) => s === signature)) {
      const msg = LOOP_MESSAGE(turn.toolCalls[0].name, LOOP_REPEAT_LIMIT);
      emit({ type: "error", message: msg, fatal: true });
      return done("loop_detected", msg);
    }
  }
}

function normaliseArgs(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw));
  } catch {
    return raw.trim();
  }
}
