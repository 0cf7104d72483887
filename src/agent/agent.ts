import type { AgentEvent, Usage } from "./events.js";
import type {
  AgentSession,
  PermissionMode,
  SendOptions,
  SessionInfo,
  SessionStats,
  TranscriptEntry,
} from "./session.js";
import { ContextManager, isPressureNotice } from "./context.js";
import { EventQueue } from "./event-queue.js";
import { runTurn } from "./loop.js";
import type { PermissionGate } from "./tool-runner.js";
import type { ModelClient } from "../llm/types.js";
import { contextWindowFor } from "../llm/context-windows.js";
import type { Store } from "../store/store.js";
import type { AgentRow } from "../store/agents.js";
import type { MemoryAccess } from "../memory/access.js";
import { ToolRegistry } from "../tools/registry.js";
import type { ShellSettings, Tool } from "../tools/types.js";
import type { InstructionFile } from "./instructions.js";

export interface ModeGate extends PermissionGate {
  mode: PermissionMode;
  readonly allow: readonly string[];
  readonly deny: readonly string[];
}

export interface AgentDeps {
  store: Store;
  agent: AgentRow;
  projectRoot: string;
  memory: MemoryAccess;
  /** Subscribe to memory changes (core memory edits) so they can be shown as events. */
  onMemoryChange: (listener: ((e: AgentEvent) => void) | null) => void;
  createModel: (model: string) => ModelClient;
  model: string;
  contextWindowOverride?: number;
  maxSteps: number;
  tools: Tool[];
  gate: ModeGate;
  shell: ShellSettings;
  notify: (message: string) => void;
  /** Set when a (trusted) project's own config moved the endpoint: the faces show it. */
  endpointFromProject?: boolean;
  /** The instruction files in use (AGENTS.md …), re-read when they change. */
  instructions?: () => InstructionFile[];
  /** Called by close(): the store belongs to the project, which decides whether to close it. */
  onClose?: () => void;
}

/** The one agent core behind the TUI, the headless runner and the SDK. */
export class Agent implements AgentSession {
  readonly memory: MemoryAccess;
  private model: ModelClient;
  private conversationId: string;
  private registry: ToolRegistry;
  private context: ContextManager;
  private sessionUsage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  private lastContextTokens: number | null = null;
  private busy = false;

  constructor(private deps: AgentDeps) {
    this.memory = deps.memory;
    this.model = deps.createModel(deps.model);
    this.conversationId = deps.agent.conversationId;
    this.registry = new ToolRegistry(deps.tools);
    this.context = new ContextManager({
      store: deps.store,
      agentId: deps.agent.id,
      blocks: () => this.memory.core.list(),
      conversationId: () => this.conversationId,
      tools: this.registry.schemas,
      contextWindow: () => this.contextWindow(),
      model: () => this.model,
      instructions: deps.instructions,
    });
  }

  instructionFiles(): InstructionFile[] {
    return this.deps.instructions?.() ?? [];
  }

  info(): SessionInfo {
    return {
      agentId: this.deps.agent.id,
      agentName: this.deps.agent.name,
      model: this.model.model,
      baseURL: this.model.baseURL,
      projectRoot: this.deps.projectRoot,
      contextWindow: this.contextWindow(),
      permissionMode: this.deps.gate.mode,
      conversationId: this.conversationId,
      ...(this.deps.endpointFromProject ? { endpointFromProject: true } : {}),
    };
  }

  stats(): SessionStats {
    const blocks = this.memory.core.list();
    if (this.lastContextTokens === null) this.lastContextTokens = this.context.measure().tokens;
    return {
      contextTokens: this.lastContextTokens,
      contextWindow: this.contextWindow(),
      coreChars: blocks.reduce((s, b) => s + b.value.length, 0),
      coreLimit: blocks.reduce((s, b) => s + b.limit, 0),
      archivalCount: this.memory.archival.count(),
      recallCount: this.memory.recall.count(),
      sessionUsage: { ...this.sessionUsage },
    };
  }

  send(text: string, opts: SendOptions = {}): AsyncIterable<AgentEvent> {
    const queue = new EventQueue<AgentEvent>();
    if (this.busy) {
      queue.push({ type: "error", message: "A turn is already running; wait for it or interrupt it first.", fatal: true });
      queue.close();
      return queue;
    }
    this.busy = true;
    const emit = (e: AgentEvent) => {
      if (e.type === "usage") this.lastContextTokens = e.contextTokens;
      if (e.type === "compaction") this.lastContextTokens = e.tokensAfter;
      if (e.type === "done") this.addUsage(e.usage);
      queue.push(e);
    };
    this.deps.onMemoryChange(emit);
    const deps = {
      store: this.deps.store,
      agentId: this.deps.agent.id,
      conversationId: this.conversationId,
      model: this.model,
      context: this.context,
      registry: this.registry,
      gate: this.deps.gate,
      toolContext: {
        projectRoot: this.deps.projectRoot,
        agentId: this.deps.agent.id,
        memory: this.memory,
        shell: this.deps.shell,
        // The project forwards notices into this turn's stream (and to the host's callback).
        notify: (message: string) => this.deps.notify(message),
      },
      maxSteps: this.deps.maxSteps,
      contextWindow: this.contextWindow(),
    };
    runTurn(deps, text, opts, emit)
      .catch((err: unknown) => {
        // A bug or a store failure mid-turn: report it as an event instead of an unhandled rejection.
        const message = err instanceof Error ? err.message : String(err);
        emit({ type: "error", message, fatal: true });
        emit({ type: "done", reason: "error", result: message, numSteps: 0, usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 } });
      })
      .finally(() => {
        this.deps.onMemoryChange(null);
        this.busy = false;
        queue.close();
        // After the turn, never during it: embed its messages for recall search (if a model is loaded).
        void this.memory.recall.embedPending?.().catch(() => {});
      });
    return queue;
  }

  async compact(signal?: AbortSignal) {
    const events: AgentEvent[] = [];
    const result = await this.context.compact((e) => events.push(e), signal, true);
    if (result) this.lastContextTokens = result.tokensAfter;
    for (const e of events) if (e.type === "notice") this.deps.notify(e.message);
    return result;
  }

  newConversation(): void {
    this.conversationId = this.deps.store.agents.newConversation(this.deps.agent.id);
    this.lastContextTokens = null;
  }

  /** The last `limit` exchanges (a user message and everything after it), oldest first. */
  recentTranscript(limit: number): TranscriptEntry[] {
    const rows = this.deps.store.messages.tail(this.deps.agent.id, this.conversationId, Math.max(40, limit * 12));
    const entries: TranscriptEntry[] = rows
      .filter((r) => r.role !== "system" && !isPressureNotice(r) && !(r.role === "assistant" && !r.content))
      .map((r) => ({
        role: r.role as TranscriptEntry["role"],
        content: r.content,
        toolName: r.toolName,
        createdAt: r.createdAt,
      }));
    // Start at a user message so the view never opens on an orphaned tool result.
    let start = entries.length;
    for (let seen = 0; start > 0 && seen < limit; ) if (entries[--start].role === "user") seen++;
    while (start < entries.length && entries[start].role !== "user") start++;
    return entries.slice(start);
  }

  setModel(model: string): void {
    this.model = this.deps.createModel(model);
    this.deps.store.agents.updateSettings(this.deps.agent.id, { ...this.deps.agent.settings, model });
    this.lastContextTokens = null;
  }

  permissionRules(): { mode: PermissionMode; allow: string[]; deny: string[] } {
    return { mode: this.deps.gate.mode, allow: [...this.deps.gate.allow], deny: [...this.deps.gate.deny] };
  }

  setPermissionMode(mode: PermissionMode): void {
    this.deps.gate.mode = mode;
  }

  close(): void {
    this.deps.onClose?.();
  }

  private contextWindow(): number {
    return contextWindowFor(this.model.model, this.deps.contextWindowOverride);
  }

  private addUsage(u: Usage): void {
    this.sessionUsage.promptTokens += u.promptTokens;
    this.sessionUsage.completionTokens += u.completionTokens;
    this.sessionUsage.totalTokens += u.totalTokens;
  }
}
