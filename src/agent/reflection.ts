import { crypto } from "../lazy-builtins.js";
import { z } from "zod";
import type { AgentEvent, ReflectionStatus, ReflectionTrigger, Usage } from "./events.js";
import { REFLECTION_SYSTEM_PROMPT, REFLECTION_TRUNCATED_NOTE, reflectionRequest } from "./prompts.js";
import type { ReflectionChange } from "./reflection-change.js";
import type { MemoryEvent } from "../memory/history-event.js";
import { renderForReflection } from "./reflection-transcript.js";
import { runToolCall, type PermissionGate } from "./tool-runner.js";
import type { ReflectionSettings } from "../config/config.js";
import { approxTokens } from "../llm/tokens.js";
import { ModelError, type ChatMessage, type ModelClient } from "../llm/types.js";
import type { MemoryAccess } from "../memory/access.js";
import { renderMemory } from "../memory/render.js";
import type { Store } from "../store/store.js";
import { memoryTools } from "../tools/memory.js";
import { ToolRegistry } from "../tools/registry.js";
import type { Tool, ToolContext } from "../tools/types.js";

/** Tokens of conversation one pass reads at most; a longer backlog is read over several passes. */
export const REFLECTION_INPUT_TOKENS = 6000;
export const REFLECTION_MAX_STEPS = 8;
/** A crashed process's lease expires after this; a live pass finishes well within it. */
export const REFLECTION_LEASE_MS = 5 * 60_000;
/** Rows fetched per pass before rendering (the token cap usually stops earlier). */
const ROW_LIMIT = 2000;

export type MemoryChangeListener = (label: string, action: string, before: string, after: string, event?: MemoryEvent) => void;

export interface ReflectionDeps {
  store: Store;
  agentId: string;
  projectRoot: string;
  /** The agent's memory with its core edits reported to `onChange` (and only there). */
  memoryFor(onChange: MemoryChangeListener): MemoryAccess;
  model: ModelClient;
  settings: ReflectionSettings;
  trigger: ReflectionTrigger;
  signal?: AbortSignal;
  inputTokens?: number;
  maxSteps?: number;
  leaseMs?: number;
  /** The UTC day usage is counted on (a seam for tests). */
  today?: () => string;
}

export interface ReflectionOutcome {
  status: ReflectionStatus;
  changes: ReflectionChange[];
  messagesReflected: number;
  /** Unreflected messages are left beyond what this pass read (it hit its input cap). */
  more: boolean;
  usage: Usage;
  message?: string;
}

const EDIT_TOOLS = new Set(["core_memory_append", "core_memory_replace", "memory_rethink", "archival_memory_insert"]);

/**
 * The memory tools, the editing ones with a `reason` argument (if they lack one) so the model can say
 * why; the tools themselves ignore it. A changed description keeps the prebuilt schema from being used.
 */
function withReason(t: Tool): Tool {
  const params = t.parameters;
  if (!EDIT_TOOLS.has(t.name) || !(params instanceof z.ZodObject) || "reason" in params.shape) return t;
  const reason = z.string().optional().describe("Why this is worth remembering, in a few words");
  return { ...t, description: `${t.description} Give a short reason.`, parameters: params.extend({ reason }) };
}

const memoryOnlyGate: PermissionGate = {
  decide: (tool) =>
    tool.kind === "memory" ? { action: "allow", reason: "memory tool" } : { action: "deny", reason: "reflection may only edit memory" },
  suggestRule: (tool) => tool.name,
  remember: () => undefined,
};

let registry: ToolRegistry | undefined;
/**
 * Only memory tools, always allowed: reflection never touches files or the shell, so there is nothing to ask.
 * Made at the first pass, not at load: reading the tools' parameters builds their schemas.
 */
const tools = () => (registry ??= new ToolRegistry(memoryTools.map(withReason)));

export const utcDay = (d = new Date()) => d.toISOString().slice(0, 10);

/**
 * One reflection pass: lease the unreflected messages, let a model with memory tools only distil
 * them into memory, then move the watermark over what it read. A failure or an interrupt releases
 * the lease and leaves the watermark, so the same messages are reflected on next time.
 */
export async function runReflection(deps: ReflectionDeps, emit: (e: AgentEvent) => void): Promise<ReflectionOutcome> {
  const { store, agentId, settings } = deps;
  const usage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  const changes: ReflectionChange[] = [];
  const day = (deps.today ?? (() => utcDay()))();
  const finish = (status: ReflectionStatus, messagesReflected = 0, more = false, message?: string): ReflectionOutcome => {
    emit({ type: "reflection", phase: "end", status, messagesReflected, changes: changes.length, usage: { ...usage }, message });
    return { status, changes, messagesReflected, more, usage, message };
  };

  if (settings.mode === "off") {
    return finish("off", 0, false, 'Reflection is off (config "reflection.mode"); set it to "manual" or "auto" to use it.');
  }
  const used = store.reflection.usageOn(agentId, day);
  const cap = settings.dailyTokenCap;
  if (cap > 0 && used >= cap) {
    return finish(
      "capped",
      0,
      false,
      `Reflection paused: today's reflection used ${used.toLocaleString("en-US")} tokens, at its daily cap of ${cap.toLocaleString("en-US")} ` +
        `(config "reflection.dailyTokenCap"). It resumes tomorrow; nothing is lost.`,
    );
  }

  const holder = `${process.pid}-${crypto().randomUUID()}`;
  const claimed = store.reflection.claim(agentId, holder, deps.leaseMs ?? REFLECTION_LEASE_MS);
  if (claimed.kind === "nothing") return finish("nothing", 0, false, "Nothing new to reflect on.");
  if (claimed.kind === "busy") return finish("busy", 0, false, "Another letta-code process is reflecting on these messages.");
  const { from, to } = claimed.claim;

  let released = false;
  const release = (through?: number) => {
    if (!released) store.reflection.release(agentId, holder, through);
    released = true;
  };
  try {
    // Leave room under the cap for the model's own answers.
    const budget = cap > 0 ? Math.max(500, Math.floor((cap - used) / 2)) : Number.POSITIVE_INFINITY;
    const inputCap = Math.min(deps.inputTokens ?? REFLECTION_INPUT_TOKENS, budget);
    const rows = store.messages.range(agentId, from, to, ROW_LIMIT);
    const total = rows.length;
    const range = renderForReflection(rows, inputCap);
    const more = range.lastId < to;
    emit({ type: "reflection", phase: "start", trigger: deps.trigger, messages: range.shown });
    if (!range.text.trim()) {
      release(range.lastId);
      return finish("nothing", range.shown, more);
    }

    let reason: string | undefined;
    const memory = deps.memoryFor((label, action, before, after, event) => {
      changes.push({ label, action, before, after, reason, ...(event ? { eventId: event.id } : {}) });
      emit({ type: "memory_update", label, action, before, after, actor: "reflection", reason, ...(event ? { eventId: event.id } : {}) });
    });
    const coreText = renderMemory(memory.core.list(), { archival: memory.archival.count(), recall: memory.recall.count() });
    const note = more ? REFLECTION_TRUNCATED_NOTE(range.shown, total) : "";
    const messages: ChatMessage[] = [
      { role: "system", content: REFLECTION_SYSTEM_PROMPT },
      { role: "user", content: reflectionRequest(coreText, range.text, note) },
    ];
    const signal = deps.signal ?? new AbortController().signal;
    const ctx: ToolContext = {
      projectRoot: deps.projectRoot,
      agentId,
      memory,
      signal,
      shell: { sandbox: true, allowUnsandboxed: false },
      memoryActor: "reflection",
    };

    const maxSteps = deps.maxSteps ?? REFLECTION_MAX_STEPS;
    for (let step = 0; step < maxSteps; step++) {
      if (signal.aborted) break;
      const turn = await deps.model.complete({ messages, tools: tools().schemas, signal });
      const u = turn.usage ?? {
        promptTokens: approxTokens(JSON.stringify(messages)),
        completionTokens: approxTokens(turn.text + JSON.stringify(turn.toolCalls)),
        totalTokens: 0,
      };
      usage.promptTokens += u.promptTokens;
      usage.completionTokens += u.completionTokens;
      usage.totalTokens = usage.promptTokens + usage.completionTokens;
      // Counted per call, so tokens spent before an interrupt or a failure still count against the cap.
      store.reflection.addUsage(agentId, day, u.promptTokens + u.completionTokens);
      if (turn.toolCalls.length === 0) break;
      messages.push({
        role: "assistant",
        content: turn.text || null,
        tool_calls: turn.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: c.arguments } })),
      });
      for (const call of turn.toolCalls) {
        reason = reasonOf(call.arguments);
        const outcome = await runToolCall(call, { registry: tools(), gate: memoryOnlyGate, ctx, emit: () => undefined });
        if (call.name === "archival_memory_insert" && outcome.state === "done" && /^Stored/.test(outcome.content)) {
          // Archival has no change listener of its own; it is still something learned.
          const text = argOf(call.arguments, "content");
          changes.push({ label: "archival", action: "insert", before: "", after: text, reason });
          emit({ type: "memory_update", label: "archival", action: "insert", before: "", after: text, actor: "reflection", reason });
        }
        messages.push({ role: "tool", content: outcome.content, tool_call_id: call.id });
      }
      reason = undefined;
    }
    if (signal.aborted) {
      release();
      return finish("interrupted", 0, true, "Reflection was interrupted; the messages will be reflected on next time.");
    }
    release(range.lastId);
    return finish("done", range.shown, more);
  } catch (err) {
    release();
    if (deps.signal?.aborted || (err instanceof ModelError && err.aborted)) {
      return finish("interrupted", 0, true, "Reflection was interrupted; the messages will be reflected on next time.");
    }
    const what = err instanceof Error ? err.message : String(err);
    return finish("failed", 0, true, `Reflection failed: ${what}. No watermark was moved; these messages will be reflected on next time.`);
  } finally {
    // A throw between claim and the try's own release must not leave the lease to expire.
    release();
  }
}

function parseArgs(raw: string): Record<string, unknown> {
  try {
    const v = JSON.parse(raw || "{}") as unknown;
    return v && typeof v === "object" ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function argOf(raw: string, key: string): string {
  const v = parseArgs(raw)[key];
  return typeof v === "string" ? v : "";
}

function reasonOf(raw: string): string | undefined {
  return argOf(raw, "reason").trim() || undefined;
}
