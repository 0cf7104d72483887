import type { AgentEvent, ReflectionTrigger, Usage } from "./events.js";
import type {
  AgentSession,
  ReflectionSchedule,
  PermissionMode,
  SendOptions,
  SessionInfo,
  SessionStats,
  TranscriptEntry,
} from "./session.js";
import { ContextManager } from "./context.js";
import { EventQueue } from "./event-queue.js";
import { runTurn } from "./loop.js";
import { transcriptEntries } from "./transcript.js";
import { runReflection, utcDay, type MemoryChangeListener } from "./reflection.js";
import type { ReflectionSettings } from "../config/config.js";
import type { ModelClient } from "../llm/types.js";
import { contextWindowFor } from "../llm/context-windows.js";
import type { Store } from "../store/store.js";
import { storeFailureMessage } from "../store/db.js";
import type { AgentRow } from "../store/agents.js";
import type { MemoryAccess } from "../memory/access.js";
import { ToolRegistry } from "../tools/registry.js";
import type { ShellSettings, Tool, ToolServerStatus, ToolSource } from "../tools/types.js";
import type { InstructionFile } from "./instructions.js";
import { decide } from "../permissions/policy.js";
import { HookRunner, type HookWarn } from "../extensions/hook-runner.js";
import type { HookSpec } from "../extensions/hook-config.js";
import { turnHooks } from "../extensions/turn-hooks.js";
import type { Checkpoints } from "../checkpoints/checkpoints.js";
import { rewind as rewindTurn, findTurn } from "../checkpoints/rewind.js";
import type { RewindOptions } from "../checkpoints/types.js";
import { forkConversation, listConversations, resolveConversation } from "./conversations.js";
import { ShellProcesses } from "../tools/shell-processes.js";
import { acquireTurnLease } from "./turn-lease.js";
import { expandInput, type InputSources } from "./input-expansion.js";
import type { ExpandedInput } from "./input-types.js";
import { ReflectionScheduler } from "./reflection-scheduler.js";
import type { SubagentDefinition } from "../agents/definitions.js";
import { createTaskTool } from "../agents/task-tool.js";
import type { SubagentHost } from "../agents/runner.js";
import type { LoopDeps } from "./loop.js";
import type { BackgroundSync } from "../team/session-sync.js";

import type { ModeGate } from "../permissions/types.js";

export type { ModeGate } from "../permissions/types.js";

/** What reflection needs from the project: its settings, a memory view of its own, its model. */
export interface ReflectionHost {
  settings: ReflectionSettings;
  memoryFor(onChange: MemoryChangeListener): MemoryAccess;
  /** The reflection model (config "reflection.model", else the session's current model). */
  createModel(sessionModel: string, opts?: { maxRetries?: number }): ModelClient;
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
  /** Tools that arrive later (MCP servers); the first request waits for them, bounded by their timeouts. */
  toolSource?: ToolSource;
  gate: ModeGate;
  shell: ShellSettings;
  notify: (message: string) => void;
  /** Set when a (trusted) project's own config moved the endpoint: the faces show it. */
  endpointFromProject?: boolean;
  /** The instruction files in use (AGENTS.md …), re-read when they change. */
  instructions?: () => InstructionFile[];
  /** Notices the project holds for the next turn, for a face that shows them at start instead. */
  takeNotices?: () => string[];
  /** The user's (and a trusted project's) hooks. */
  hooks?: HookSpec[];
  /** The agent's own base instructions in place of letta-code's (an agent made through the Letta API). */
  basePrompt?: () => string | undefined;
  /** Skill names and descriptions for the system prompt. */
  skills?: () => { name: string; description: string }[];
  /** Folders outside the project read_file may read (user-level skills). */
  readRoots?: () => readonly string[];
  /** --add-dir folders, read and written like the project. */
  addDirs?: readonly string[];
  reflection?: ReflectionHost;
  /** The project's checkpoints (opened on first use); absent: turns are not checkpointed. */
  checkpoints?: () => Checkpoints;
  /** Called by close(): the store belongs to the project, which decides whether to close it. */
  onClose?: () => void;
  /** Custom commands, skills and MCP resources a user's input may name (see input-expansion.ts). */
  input?: Omit<InputSources, "projectRoot" | "shell">;
  /**
   * Reflect when the session ends on turns of its own not yet reflected on (default true). A one-shot
   * run (-p) sets false: its turns count towards `everyTurns` across runs instead.
   */
  reflectOnEnd?: boolean;
  /** Longest wait at the session's end for reflection to save what was learned (default 3000 ms). */
  endReflectionMs?: number;
  /** Subagents the `task` tool may start (absent: no task tool), and how many run at once. */
  subagents?: { agents: () => readonly SubagentDefinition[]; concurrency: number };
  /** Team memory sync (a project that joined a team): started with the session, after each turn, never awaited by one. */
  team?: BackgroundSync;
  /** Lines for /team: the project's team status, from local state. */
  teamStatus?: () => string[];
}

/** The one agent core behind the TUI, the headless runner and the SDK. */
export class Agent implements AgentSession {
  readonly memory: MemoryAccess;
  /** This session's running shell commands and the notices it gave. */
  private processes = new ShellProcesses();
  private model: ModelClient;
  private conversationId: string;
  private registry: ToolRegistry;
  private context: ContextManager;
  private sessionUsage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  private lastContextTokens: number | null = null;
  private busy = false;
  private hooks?: HookRunner;
  /** SessionStart runs with the first turn of a conversation ("startup", or "clear" after /clear). */
  private sessionStart: "startup" | "clear" | undefined = "startup";
  private reflecting = false;
  private scheduler: ReflectionScheduler;
  /** Turns of this session run one after another; other sessions and processes wait on the store's lease. */
  private turnChain: Promise<void> = Promise.resolve();
  /** The newest message of the conversation this session has seen: anything after it came from another writer. */
  private seenThrough = 0;
  private ended = false;
  /** The running turn's loop wiring, which a subagent started in it borrows. */
  private turnLoop?: LoopDeps;
  private reflectionUsage: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

  constructor(private deps: AgentDeps) {
    this.memory = deps.memory;
    this.model = deps.createModel(deps.model);
    this.conversationId = deps.agent.conversationId;
    const subagents = deps.subagents;
    const tools = subagents
      ? [...deps.tools, createTaskTool({ agents: subagents.agents, host: () => this.subagentHost(), concurrency: subagents.concurrency })]
      : deps.tools;
    this.registry = new ToolRegistry(tools);
    this.context = new ContextManager({
      store: deps.store,
      agentId: deps.agent.id,
      blocks: () => this.memory.core.list(),
      conversationId: () => this.conversationId,
      tools: () => this.registry.schemas,
      contextWindow: () => this.contextWindow(),
      model: () => this.model,
      instructions: deps.instructions,
      skills: deps.skills,
      basePrompt: deps.basePrompt,
      beforeCompact: (trigger, emit) => this.preCompact(trigger, emit),
    });
    this.seenThrough = deps.store.messages.newestIn(deps.agent.id, this.conversationId);
    this.scheduler = new ReflectionScheduler(
      {
        schedule: () => this.reflectionSchedule(),
        pendingTurns: () => this.deps.store.reflection.pendingUserTurns(this.deps.agent.id),
        reflect: (o) => this.reflect(o),
      },
      { reflectOnEnd: deps.reflectOnEnd ?? true },
    );
    deps.team?.start();
    if (deps.hooks?.length) {
      this.hooks = new HookRunner(deps.hooks, {
        projectRoot: deps.projectRoot,
        shell: deps.shell,
        sessionId: () => this.conversationId,
        permissionMode: () => this.deps.gate.mode,
      });
    }
  }

  teamStatus(): string[] {
    return this.deps.teamStatus?.() ?? ["Team memory is not available in this session."];
  }

  /** The hooks in force, for /hooks. */
  hookList(): readonly HookSpec[] {
    return this.hooks?.list() ?? [];
  }

  /**
   * End the session once (later calls do nothing): wait for the turns in flight, give reflection a
   * bounded moment to save what was learned, then run the SessionEnd hooks.
   */
  async endSession(reason: string, opts: { signal?: AbortSignal; warn?: HookWarn } = {}): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await this.turnChain;
    await this.scheduler.end(this.deps.endReflectionMs ?? 3000, opts.signal);
    // The session's last memory changes go out, a bounded moment (the outbox keeps them otherwise).
    await this.deps.team?.end(opts.signal?.aborted ? 0 : 2000);
    if (!this.hooks?.has("SessionEnd")) return;
    await this.hooks.run("SessionEnd", { reason }, { warn: opts.warn ?? ((m) => this.deps.notify(m)) });
  }

  /** Events of the background reflection the session schedules itself (memory_update, reflection). */
  onBackground(listener: (e: AgentEvent) => void): () => void {
    const off = [this.scheduler.subscribe(listener), this.deps.team?.subscribe(listener)];
    return () => off.forEach((f) => f?.());
  }

  /** A reflection pass is running, or ending now would start one. */
  reflectionPending(): boolean {
    return this.scheduler.pendingAtEnd();
  }

  /** Reflect now in the background (the TUI's /reflect); events reach onBackground's listeners. */
  reflectInBackground(trigger: ReflectionTrigger = "manual"): Promise<void> {
    return this.scheduler.start(trigger);
  }

  get reflectionRunning(): boolean {
    return this.scheduler.active;
  }

  /** The `/name` commands input may start with: custom commands, then skills not shadowed by one. */
  inputCommands(): { name: string; description: string; hint?: string; kind: "command" | "skill" }[] {
    const src = this.deps.input;
    if (!src) return [];
    const commands = src.commands().map((c) => ({ name: c.name, description: c.description, hint: c.argumentHint, kind: "command" as const }));
    const taken = new Set(commands.map((c) => c.name));
    const skills = src.skills().filter((s) => !taken.has(s.name)).map((s) => ({ name: s.name, description: s.description, kind: "skill" as const }));
    return [...commands, ...skills];
  }

  /** What `raw` becomes before the model sees it (custom command, skill, `@file`, `@server:uri`). */
  expandInput(raw: string, signal?: AbortSignal): Promise<ExpandedInput> {
    const src = this.deps.input;
    if (!src) return Promise.resolve({ text: raw, attachments: [], notices: [] });
    return expandInput(raw, { ...src, projectRoot: this.deps.projectRoot, shell: this.deps.shell }, signal);
  }

  private async preCompact(trigger: "manual" | "auto", emit: (e: AgentEvent) => void): Promise<void> {
    if (!this.hooks?.has("PreCompact")) return;
    await this.hooks.run("PreCompact", { trigger, custom_instructions: "" }, { warn: (message, code) => emit({ type: "notice", message, ...(code ? { code } : {}) }) });
  }

  instructionFiles(): InstructionFile[] {
    return this.deps.instructions?.() ?? [];
  }

  takeNotices(): string[] {
    return this.deps.takeNotices?.() ?? [];
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
      reflectionUsage: { ...this.reflectionUsage },
      reflectionToday: this.deps.store.reflection.usageOn(this.deps.agent.id, utcDay()),
      reflectionCap: this.deps.reflection?.settings.dailyTokenCap,
    };
  }

  reflectionSchedule(): ReflectionSchedule {
    const s = this.deps.reflection?.settings;
    return { mode: s?.mode ?? "off", everyTurns: s?.everyTurns ?? 3 };
  }

  reflect(opts: { trigger?: ReflectionTrigger; signal?: AbortSignal } = {}): AsyncIterable<AgentEvent> {
    const queue = new EventQueue<AgentEvent>();
    const host = this.deps.reflection;
    const zero = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    const refuse = (status: "off" | "busy", message: string) => {
      queue.push({ type: "reflection", phase: "end", status, messagesReflected: 0, changes: 0, usage: zero, message });
      queue.close();
      return queue;
    };
    if (!host) return refuse("off", "Reflection is not available in this session.");
    // One pass at a time in this process; other processes are kept off by the store's lease.
    if (this.reflecting) return refuse("busy", "Reflection is already running.");
    this.reflecting = true;
    runReflection(
      {
        store: this.deps.store,
        agentId: this.deps.agent.id,
        projectRoot: this.deps.projectRoot,
        memoryFor: host.memoryFor,
        // At quit there are ~3 s: a retry's backoff would only use them up, so a failure ends the pass at once.
        model: host.createModel(this.model.model, opts.trigger === "exit" ? { maxRetries: 0 } : undefined),
        settings: host.settings,
        trigger: opts.trigger ?? "manual",
        signal: opts.signal,
      },
      (e) => queue.push(e),
    )
      .then((outcome) => {
        this.reflectionUsage.promptTokens += outcome.usage.promptTokens;
        this.reflectionUsage.completionTokens += outcome.usage.completionTokens;
        this.reflectionUsage.totalTokens += outcome.usage.totalTokens;
      })
      .catch((err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        queue.push({ type: "reflection", phase: "end", status: "failed", messagesReflected: 0, changes: 0, usage: zero, message });
      })
      .finally(() => {
        this.reflecting = false;
        queue.close();
      });
    return queue;
  }

  /**
   * One user turn, whatever the face: expand the input, wait for the conversation's turn lease (so two
   * writers never interleave), run the turn, then let the scheduler decide on reflection. A second
   * send while one runs waits its turn.
   */
  send(text: string, opts: SendOptions = {}): AsyncIterable<AgentEvent> {
    const queue = new EventQueue<AgentEvent>();
    const previous = this.turnChain;
    let finished!: () => void;
    this.turnChain = new Promise((r) => (finished = r));
    void previous.then(() => this.runSessionTurn(text, opts, queue)).finally(finished);
    return queue;
  }

  private async runSessionTurn(text: string, opts: SendOptions, queue: EventQueue<AgentEvent>): Promise<void> {
    this.busy = true;
    let compacted = false;
    const emit = (e: AgentEvent) => {
      if (e.type === "usage") this.lastContextTokens = e.contextTokens;
      if (e.type === "compaction") {
        this.lastContextTokens = e.tokensAfter;
        compacted ||= e.evicted > 0;
      }
      if (e.type === "done") this.addUsage(e.usage);
      queue.push(e);
    };
    const zero = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    const signal = opts.signal ?? new AbortController().signal;
    this.deps.onMemoryChange(emit);
    let ran = false;
    try {
      const input = opts.input ?? (await this.expandInput(text, signal));
      opts.onInput?.(input);
      for (const message of input.notices) emit({ type: "notice", message });
      const lease = await acquireTurnLease(this.deps.store, this.conversationId, this.deps.agent.id, {
        signal,
        onWaiting: (message) => emit({ type: "notice", message, code: "turn_waiting" }),
        onTakeOver: (message) => emit({ type: "notice", message, code: "turn_taken_over" }),
      });
      if (!lease) {
        emit({ type: "done", reason: "interrupted", result: "", numSteps: 0, usage: zero });
        return;
      }
      try {
        this.pickUpOtherWriters(emit);
        ran = true;
        await runTurn(this.loopDeps(emit, { ...opts, allowTools: input.allowTools ?? opts.allowTools, model: input.model ?? opts.model }), input.text, opts, emit);
      } finally {
        this.seenThrough = this.deps.store.messages.newestIn(this.deps.agent.id, this.conversationId);
        lease.release();
      }
    } catch (err: unknown) {
      // A bug or a store failure mid-turn: report it as an event instead of an unhandled rejection.
      const message = storeFailureMessage(err, this.deps.store.file);
      emit({ type: "error", message, fatal: true });
      emit({ type: "done", reason: "error", result: message, numSteps: 0, usage: zero });
    } finally {
      this.deps.onMemoryChange(null);
      this.busy = false;
      queue.close();
      // After the turn, never during it: embed its messages for recall search (if a model is loaded).
      void this.memory.recall.embedPending?.().catch(() => {});
      if (ran && !this.ended) this.scheduler.afterTurn(compacted);
      if (ran && !this.ended) this.deps.team?.afterTurn();
    }
  }

  /** Another session or process added to this conversation since our last turn: say so; the window reads them anyway. */
  private pickUpOtherWriters(emit: (e: AgentEvent) => void): void {
    const got = this.deps.store.messages.since(this.deps.agent.id, this.conversationId, this.seenThrough);
    if (got.count === 0) return;
    this.lastContextTokens = null;
    emit({ type: "notice", code: "picked_up", message: `Picked up ${got.count} message${got.count === 1 ? "" : "s"} another session added to this conversation since this session's last turn.` });
  }

  private loopDeps(emit: (e: AgentEvent) => void, opts: SendOptions) {
    const warn: HookWarn = (message, code) => emit({ type: "notice", message, ...(code ? { code } : {}) });
    const start = this.sessionStart;
    this.sessionStart = undefined;
    const hooks = this.hooks ? turnHooks(this.hooks, { projectRoot: this.deps.projectRoot, warn, sessionStart: () => start }) : undefined;
    const extra = opts.allowTools ?? [];
    const turnAllows = extra.length
      ? (tool: Tool, args: unknown) =>
          decide({ tool, args, mode: "ask", allow: extra, deny: [], projectRoot: this.deps.projectRoot }).action === "allow"
      : undefined;
    return (this.turnLoop = {
      store: this.deps.store,
      agentId: this.deps.agent.id,
      conversationId: this.conversationId,
      model: opts.model ? this.deps.createModel(opts.model) : this.model,
      context: this.context,
      hooks,
      turnAllows,
      registry: this.registry,
      toolSource: this.deps.toolSource,
      gate: this.deps.gate,
      toolContext: {
        projectRoot: this.deps.projectRoot,
        agentId: this.deps.agent.id,
        memory: this.memory,
        shell: this.deps.shell,
        readRoots: this.deps.readRoots,
        addDirs: this.deps.addDirs,
        files: opts.files,
        processes: this.processes,
        // The project forwards notices into this turn's stream (and to the host's callback).
        notify: (message: string) => this.deps.notify(message),
      },
      maxSteps: this.deps.maxSteps,
      contextWindow: this.contextWindow(),
      beginTurn: (turnId: number) => this.beginCheckpoint(turnId),
    });
  }

  /** What a subagent started in this turn borrows: the store, memory, model, tools, gate and hooks of its parent. */
  private subagentHost(): SubagentHost {
    const loop = this.turnLoop;
    if (!loop) throw new Error("a subagent starts only inside a turn");
    const { memory: _memory, ...toolContext } = loop.toolContext;
    return {
      store: this.deps.store,
      agentId: this.deps.agent.id,
      conversationId: this.conversationId,
      projectRoot: this.deps.projectRoot,
      memory: this.memory,
      model: () => loop.model,
      createModel: (m) => this.deps.createModel(m),
      contextWindow: (m) => contextWindowFor(m, this.deps.contextWindowOverride),
      tools: [...this.deps.tools],
      toolSource: this.deps.toolSource,
      gate: this.deps.gate,
      toolContext,
      hooks: loop.hooks?.tool,
      maxSteps: this.deps.maxSteps,
    };
  }

  async compact(signal?: AbortSignal) {
    const events: AgentEvent[] = [];
    // Compaction rewrites the window: another writer's turn must not run meanwhile.
    const lease = await acquireTurnLease(this.deps.store, this.conversationId, this.deps.agent.id, { signal, onWaiting: (m) => this.deps.notify(m) });
    if (!lease) return null;
    let result;
    try {
      result = await this.context.compact((e) => events.push(e), signal, true);
    } finally {
      lease.release();
    }
    if (result) this.lastContextTokens = result.tokensAfter;
    // What left the window is distilled into memory too (when reflection is automatic).
    if (result && result.evicted > 0) this.scheduler.afterCompaction();
    for (const e of events) if (e.type === "notice") this.deps.notify(e.message);
    return result;
  }

  newConversation(): void {
    this.conversationId = this.deps.store.agents.newConversation(this.deps.agent.id);
    this.seenThrough = 0;
    this.lastContextTokens = null;
    this.sessionStart = "clear";
  }

  /** The last `limit` exchanges (a user message and everything after it), oldest first. */
  recentTranscript(limit: number): TranscriptEntry[] {
    const { id: agentId } = this.deps.agent;
    const rows = this.deps.store.messages.tail(agentId, this.conversationId, Math.max(40, limit * 12));
    const failures = rows.length ? this.deps.store.turnFailures.between(agentId, this.conversationId, rows[0].id, Number.MAX_SAFE_INTEGER) : [];
    return transcriptEntries(rows, failures, this.rewoundFilter(), limit);
  }

  turns() {
    return this.requireCheckpoints().listTurns(this.deps.agent.id, this.conversationId);
  }

  planRewind(turnId: number) {
    findTurn(this.rewindDeps(), turnId);
    return this.requireCheckpoints().plan(this.deps.agent.id, this.conversationId, turnId);
  }

  rewind(turnId: number, opts: RewindOptions) {
    if (this.busy) throw new Error("A turn is running; wait for it or interrupt it before rewinding.");
    const result = rewindTurn(this.rewindDeps(), turnId, opts);
    if (opts.conversation && !result.needsConfirmation) this.lastContextTokens = null;
    return result;
  }

  sessions() {
    return listConversations(this.deps.store, this.deps.agent.id);
  }

  resume(conversationId: string): string {
    const id = resolveConversation(this.deps.store, this.deps.agent.id, conversationId, this.conversationId);
    this.deps.store.conversations.setCurrent(this.deps.agent.id, id);
    this.conversationId = id;
    this.seenThrough = this.deps.store.messages.newestIn(this.deps.agent.id, id);
    this.lastContextTokens = null;
    return id;
  }

  fork(): string {
    this.conversationId = forkConversation(this.deps.store, this.deps.agent.id, this.conversationId);
    this.seenThrough = this.deps.store.messages.newestIn(this.deps.agent.id, this.conversationId);
    this.lastContextTokens = null;
    return this.conversationId;
  }

  /** Checkpoints that cannot be opened (an unwritable .letta/checkpoints) cost the rewind, never the turn. */
  private beginCheckpoint(turnId: number) {
    try {
      return this.deps.checkpoints?.().beginTurn(this.deps.agent.id, this.conversationId, turnId, this.memory);
    } catch (e) {
      this.deps.notify(`Checkpoints unavailable (${(e as Error).message}); this turn's file changes cannot be rewound.`);
      return undefined;
    }
  }

  /** Messages of rewound turns: out of the view too (a message belongs to the latest turn at or before it). */
  private rewoundFilter(): (messageId: number) => boolean {
    const turns = this.deps.store.checkpoints.rewoundMarks(this.deps.agent.id, this.conversationId);
    if (!turns.some((t) => t.rewound)) return () => false;
    return (id) => {
      let owner: (typeof turns)[number] | undefined;
      for (const t of turns) if (t.turnId <= id) owner = t;
      return !!owner?.rewound;
    };
  }

  private requireCheckpoints(): Checkpoints {
    const cp = this.deps.checkpoints?.();
    if (!cp) throw new Error("Checkpoints are not available in this session.");
    return cp;
  }

  private rewindDeps() {
    return {
      store: this.deps.store,
      checkpoints: this.requireCheckpoints(),
      memory: this.memory,
      agentId: this.deps.agent.id,
      conversationId: this.conversationId,
    };
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
    this.scheduler.abort();
    this.processes.close();
    this.deps.onClose?.();
  }

  mcpServers(): ToolServerStatus[] {
    return this.deps.toolSource?.servers() ?? [];
  }

  subagents(): readonly SubagentDefinition[] {
    return this.deps.subagents?.agents() ?? [];
  }

  async waitForTools(signal?: AbortSignal): Promise<void> {
    await this.deps.toolSource?.ready(signal);
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
