import type { ChatMessage, ModelClient, ToolSchema } from "../llm/types.js";
import { approxTokens, countMessageTokens } from "../llm/tokens.js";
import type { Store } from "../store/store.js";
import type { StoredMessage } from "../store/messages.js";
import { renderMemory } from "../memory/render.js";
import type { Block } from "../memory/access.js";
import type { AgentEvent } from "./events.js";
import {
  SUMMARY_SYSTEM_PROMPT,
  SUMMARY_UNAVAILABLE,
  SYSTEM_NOTICE_PREFIX,
  SYSTEM_PROMPT,
  instructionsSection,
  memoryPressureNotice,
  skillsSection,
  todaySection,
  summaryRequest,
  summarySection,
} from "./prompts.js";
import { INSTRUCTION_FILE_CAP, type InstructionFile } from "./instructions.js";
import { capToolArguments, evictionPlan, toChatMessages, truncateMiddle } from "./window.js";

export const WARN_RATIO = 0.75;
const UNNAMED_TOOL = "unnamed_tool";
export const FLUSH_RATIO = 0.9;
/** A token is at least one UTF-8 byte and the estimate is bytes / 3: real counts are at most 3x the estimate. */
const MAX_TOKENS_PER_ESTIMATE = 3;
/** No tokenizer averages more than ~20 bytes a token on real text: a lower reported ratio is a bogus usage figure. */
const MIN_RATIO = 0.15;
/**
 * How far the calibrated count of already-counted rows may be off: rows evicted since, summary and
 * date changes, tools counted differently. Thresholds inside this band get an exact count.
 */
const CALIBRATION_SLACK = 0.02;
/** Rough chars-per-token used only to size truncations; the real counts come from the tokenizer. */
const CHARS_PER_TOKEN = 3;

export interface ContextDeps {
  store: Store;
  agentId: string;
  /** The agent's core memory blocks as the model sees them (shared blocks included). */
  blocks: () => Block[];
  conversationId: () => string;
  /** The tool schemas sent with each request (they may change between steps: MCP servers). */
  tools: () => ToolSchema[];
  contextWindow: () => number;
  model: () => ModelClient;
  /** The user's and the project's instruction files (AGENTS.md …), read fresh for every step. */
  instructions?: () => InstructionFile[];
  /** Skills (name and description only: load_skill brings the rest). */
  skills?: () => { name: string; description: string }[];
  /** The agent's own base instructions (a Letta API agent's `system`), read fresh for every step; else letta-code's. */
  basePrompt?: () => string | undefined;
  /** false: no memory section at all (a subagent with `memory: none`); default: the blocks and counts. */
  memory?: false;
  /** PreCompact hooks, before any summary is made. */
  beforeCompact?: (trigger: "manual" | "auto", emit: (e: AgentEvent) => void) => Promise<void>;
}

/** What a request's size was estimated from, so the endpoint's count of it can calibrate the next estimate. */
export interface EstimateBasis {
  estimate: number;
  fixed: number;
}

export interface Measure {
  tokens: number;
  rows: StoredMessage[];
  fixed: number;
  system: string;
  messages?: ChatMessage[];
  basis: EstimateBasis;
}

export interface PreparedRequest {
  messages: ChatMessage[];
  tokens: number;
  basis: EstimateBasis & { throughId: number };
}

export type CompactionEvent = Extract<AgentEvent, { type: "compaction" }>;

/**
 * Builds each request as a view: system prompt + core memory + summary of evicted history +
 * as many recent messages as fit. Owns memory-pressure warnings and compaction.
 */
export class ContextManager {
  private toolTokensFor?: { tools: ToolSchema[]; tokens: number };

  constructor(private deps: ContextDeps) {}

  private get toolTokens(): number {
    const tools = this.deps.tools();
    if (this.toolTokensFor?.tools !== tools) this.toolTokensFor = { tools, tokens: approxTokens(JSON.stringify(tools)) };
    return this.toolTokensFor.tokens;
  }

  /** Tokens the request may use, leaving room for the model's answer. */
  limit(): number {
    const w = this.deps.contextWindow();
    return w - Math.min(4096, Math.floor(w * 0.15));
  }

  systemPrompt(): string {
    const { store, agentId } = this.deps;
    const conv = this.deps.conversationId();
    const summary = store.summaries.get(agentId, conv);
    const memory = renderMemory(this.deps.blocks(), {
      archival: store.passages.count(agentId),
      recall: store.messages.count(agentId),
      evicted: summary?.evictedCount,
    });
    const instructions = instructionsSection(this.deps.instructions?.() ?? [], INSTRUCTION_FILE_CAP);
    const skills = skillsSection(this.deps.skills?.() ?? []);
    const parts = [
      this.deps.basePrompt?.() || SYSTEM_PROMPT,
      todaySection(new Date()),
      ...(instructions ? [instructions] : []),
      ...(skills ? [skills] : []),
      ...(this.deps.memory === false ? [] : [memory]),
    ];
    if (summary) parts.push(summarySection(summary.summary, summary.evictedCount));
    return parts.join("\n\n");
  }

  /**
   * Tokens of the request as it would be sent now. The byte estimate, scaled by what the endpoint reported
   * for this conversation's last request, is used whenever no decision (warn, compact, trim) could go the
   * other way within its error; only then is the tokenizer loaded (~40 ms from its cache file, ~0.2 s
   * when that must be built; see llm/rank-cache.ts).
   */
  measure(): Measure {
    const { store, agentId } = this.deps;
    const rows = this.window();
    const system = this.systemPrompt();
    const fixed = approxTokens(system) + this.toolTokens + 4;
    const estimate = this.estimateOf(fixed, rows);
    const limit = this.limit();
    const thresholds = [FLUSH_RATIO * limit, limit, ...(rows.some(isPressureNotice) ? [] : [WARN_RATIO * limit])];
    const basis = { estimate, fixed };
    const cal = store.tokenCalibration.get(agentId, this.deps.conversationId());
    if (cal) {
      // Rows (and system prompt growth) the endpoint has not counted yet may be anywhere from 0 to 3x their estimate.
      let fresh = Math.max(0, fixed - cal.fixedEstimate);
      for (const r of rows) if (r.id > cal.throughId) fresh += Math.min(r.tokens, this.messageCap());
      const known = (estimate - fresh) * cal.ratio;
      const low = known * (1 - CALIBRATION_SLACK);
      const high = known * (1 + CALIBRATION_SLACK) + MAX_TOKENS_PER_ESTIMATE * fresh;
      if (!thresholds.some((t) => t >= low && t <= high)) {
        return { tokens: Math.round(known + fresh * cal.ratio), rows, fixed: Math.round(fixed * cal.ratio), system, basis };
      }
    } else if (MAX_TOKENS_PER_ESTIMATE * estimate <= Math.min(...thresholds)) {
      return { tokens: estimate, rows, fixed, system, basis };
    }
    const messages = this.render(system, rows);
    const exact = countMessageTokens(messages, this.deps.tools());
    const exactFixed = countMessageTokens([{ role: "system", content: system }], this.deps.tools());
    return { tokens: exact, rows, fixed: exactFixed, system, messages, basis };
  }

  /**
   * Get the window ready for the next request: warn once under pressure, compact past the
   * flush threshold, then return the exact messages to send.
   */
  async prepare(
    emit: (e: AgentEvent) => void,
    signal?: AbortSignal,
    /** The running turn's user message: it stays in the window whatever is evicted. */
    pinnedId?: number,
  ): Promise<PreparedRequest> {
    let m = this.measure();
    const limit = this.limit();
    if (m.tokens > FLUSH_RATIO * limit) {
      await this.compact(emit, signal, false, pinnedId);
      m = this.measure();
    } else if (m.tokens > WARN_RATIO * limit && !m.rows.some(isPressureNotice)) {
      emit({ type: "memory_pressure", tokens: m.tokens, window: this.deps.contextWindow() });
      this.appendNotice(memoryPressureNotice(m.tokens, limit));
      m = this.measure();
    }
    // Whatever compaction achieved, never send more than the limit: leave the oldest rows out of this request.
    let rows = m.rows;
    let messages = m.messages ?? this.render(m.system, rows);
    let tokens = m.tokens;
    while (tokens > limit) {
      const { evicted, kept } = evictionPlan(rows, Math.max(1, tokens - limit), pinnedId);
      if (evicted.length === 0) break;
      rows = kept;
      messages = this.render(m.system, rows);
      tokens = countMessageTokens(messages, this.deps.tools());
    }
    const throughId = rows.reduce((max, r) => Math.max(max, r.id), 0);
    return { messages, tokens, basis: { estimate: this.estimateOf(m.basis.fixed, rows), fixed: m.basis.fixed, throughId } };
  }

  /**
   * Remember how the endpoint counted a request we prepared, so the next measure can trust the estimate.
   * A ratio no tokenizer could produce (a server reporting zeros or nonsense) is ignored.
   */
  calibrate(request: PreparedRequest, promptTokens: number): void {
    const { estimate, fixed, throughId } = request.basis;
    if (!(promptTokens > 0) || estimate <= 0) return;
    const ratio = promptTokens / estimate;
    if (ratio < MIN_RATIO || ratio > MAX_TOKENS_PER_ESTIMATE) return;
    this.deps.store.tokenCalibration.set(this.deps.agentId, this.deps.conversationId(), { ratio, throughId, fixedEstimate: fixed });
  }

  private estimateOf(fixed: number, rows: StoredMessage[]): number {
    const cap = this.messageCap();
    return fixed + rows.reduce((s, r) => s + Math.min(r.tokens, cap), 0);
  }

  private render(system: string, rows: StoredMessage[]): ChatMessage[] {
    return [
      { role: "system", content: system },
      ...toChatMessages(rows, (r) => this.capContent(r), (calls) => this.callsForRequest(calls)),
    ];
  }

  /** Summarise the oldest half of the window into the running summary and evict it. */
  async compact(emit: (e: AgentEvent) => void, signal?: AbortSignal, force = false, pinnedId?: number): Promise<CompactionEvent | null> {
    const { store, agentId } = this.deps;
    const conv = this.deps.conversationId();
    const before = this.measure();
    const msgTokens = before.tokens - before.fixed;
    if (before.rows.length < 2 || (!force && msgTokens <= 0)) return null;
    await this.deps.beforeCompact?.(force ? "manual" : "auto", emit);
    // Evict about half, more if needed so that after compaction we sit under the warning line.
    const target = Math.max(msgTokens / 2, before.tokens - WARN_RATIO * this.limit() + 600);
    const { evicted } = evictionPlan(before.rows, target, pinnedId);
    if (evicted.length === 0) return null;
    const previous = store.summaries.get(agentId, conv);
    // Summarising is a model call of its own: show it as a wait, the compaction event closes it.
    emit({ type: "progress", what: "compacting context", percent: 0, detail: `summarising ${evicted.length} older messages` });
    const summary = await this.summarise(previous?.summary, evicted, emit, signal);
    const evictedCount = (previous?.evictedCount ?? 0) + evicted.length;
    store.transaction(() => {
      store.summaries.set(agentId, conv, summary, evictedCount);
      store.messages.evict(evicted.map((r) => r.id));
    });
    const after = this.measure();
    const event: CompactionEvent = {
      type: "compaction",
      evicted: evicted.length,
      summaryChars: summary.length,
      tokensBefore: before.tokens,
      tokensAfter: after.tokens,
    };
    emit(event);
    return event;
  }

  private async summarise(
    previous: string | undefined,
    rows: StoredMessage[],
    emit: (e: AgentEvent) => void,
    signal?: AbortSignal,
  ): Promise<string> {
    const budgetChars = Math.max(2000, (this.limit() * 0.5 - 800) * CHARS_PER_TOKEN);
    const perMessage = Math.max(200, Math.floor(budgetChars / rows.length));
    const transcript = rows.map((r) => `${describe(r)}: ${truncateMiddle(r.content, perMessage)}`).join("\n");
    try {
      const turn = await this.deps.model().complete({
        messages: [
          { role: "system", content: SUMMARY_SYSTEM_PROMPT },
          { role: "user", content: summaryRequest(previous, truncateMiddle(transcript, budgetChars)) },
        ],
        maxTokens: 800,
        signal,
      });
      const text = turn.text.trim();
      if (text) return text;
      throw new Error("the model returned an empty summary");
    } catch (err) {
      if (signal?.aborted) throw err;
      // Eviction still happens (nothing is lost: recall memory keeps every row); the gap is stated.
      const reason = (err as Error).message;
      emit({ type: "notice", message: `Could not summarise evicted messages: ${reason}` });
      return [previous, SUMMARY_UNAVAILABLE(rows.length, reason)].filter(Boolean).join("\n\n");
    }
  }

  private appendNotice(text: string): void {
    this.deps.store.messages.append(this.deps.agentId, {
      conversationId: this.deps.conversationId(),
      role: "user",
      content: text,
      tokens: approxTokens(text) + 4,
    });
  }

  private window(): StoredMessage[] {
    return this.deps.store.messages.window(this.deps.agentId, this.deps.conversationId());
  }

  /** No single message may take more than 40% of the request (a pasted log, a huge tool output). */
  private messageCap(): number {
    return Math.floor(this.limit() * 0.4);
  }

  /**
   * Arguments are capped like results: a 1 MB write_file must not push the user's message out of the
   * window. A call that came without a name is sent with a placeholder one: APIs reject an empty name.
   */
  private callsForRequest(calls: NonNullable<StoredMessage["toolCalls"]>): NonNullable<StoredMessage["toolCalls"]> {
    const each = Math.floor((this.messageCap() * CHARS_PER_TOKEN) / calls.length);
    return calls.map((c) => ({
      ...c,
      function: { name: c.function.name || UNNAMED_TOOL, arguments: capToolArguments(c.function.arguments, each) },
    }));
  }

  private capContent(r: StoredMessage): string {
    if (r.tokens <= this.messageCap()) return r.content;
    return truncateMiddle(r.content, this.messageCap() * CHARS_PER_TOKEN);
  }
}

function describe(r: StoredMessage): string {
  if (r.role === "tool") return `tool result (${r.toolName ?? "tool"})`;
  if (r.role === "assistant" && r.toolCalls?.length)
    return `assistant [calls ${r.toolCalls.map((c) => `${c.function.name}(${c.function.arguments.slice(0, 200)})`).join(", ")}]`;
  return r.role;
}

export function isPressureNotice(r: StoredMessage): boolean {
  return r.role === "user" && r.content.startsWith(SYSTEM_NOTICE_PREFIX);
}
