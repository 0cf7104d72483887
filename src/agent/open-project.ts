import { customBasePrompt } from "./prompts.js";
import { dirname, join, resolve } from "node:path";
import { Agent } from "./agent.js";
import type { AgentEvent } from "./events.js";
import type { PermissionMode } from "./session.js";
import { ensureLettaDir, findProjectRoot, LETTA_DIR } from "../config/project.js";
import { refusePlantedLinks } from "../config/letta-dir-links.js";
import { ConfigError, resolveConfig, type ConfigLayer, type ResolvedConfig } from "../config/config.js";
import { Store } from "../store/store.js";
import type { AgentProfile, AgentRow } from "../store/agents.js";
import { AgentCoreMemory } from "../memory/core-memory.js";
import { DEFAULT_AGENT_NAME, seedAgent, type BlockSeed } from "./agent-seeding.js";
import { TurnSinks, type TurnSink } from "./turn-sinks.js";
import { AgentArchivalMemory } from "../memory/archival.js";
import { AgentRecallMemory } from "../memory/recall.js";
import { agentBlocks, layeredBlocks } from "../memory/block-source.js";
import { UserMemory, userLettaDir } from "../memory/user-memory.js";
import { userCacheDir } from "../config/user-dirs.js";
import type { MemoryAccess } from "../memory/access.js";
import { MemoryHistory } from "../memory/history.js";
import type { MemoryChangeListener } from "./reflection.js";
import { EmbedderProvider } from "../embeddings/provider.js";
import { VectorIndex } from "../embeddings/vector-index.js";
import { archivalIndexFile } from "../embeddings/index-file.js";
import { bufferToVector, vectorToBuffer } from "../embeddings/vector-codec.js";
import type { LoadProgress } from "../embeddings/types.js";
import { createOpenAIClient } from "../llm/openai-client.js";
import { baseURLProblem } from "../llm/endpoint-url.js";
import type { ModelClient } from "../llm/types.js";
import type { ShellSettings } from "../tools/types.js";
import { memoryTools } from "../tools/memory.js";
import { codingTools, type AnyTool } from "../tools/index.js";
import { PermissionGateImpl } from "../permissions/gate.js";
import { rememberAllowRule } from "../trust/record.js";
import { ignoredNotice } from "../trust/project-settings.js";
import { InstructionFiles, type InstructionFile } from "./instructions.js";
import { loadExtensions, type Extensions } from "../extensions/extensions.js";
import { createLoadSkillTool } from "../extensions/load-skill-tool.js";
import { Checkpoints } from "../checkpoints/checkpoints.js";
import { forkConversation, resolveConversation } from "./conversations.js";
import { loadMcpPlan, type McpFlags } from "../mcp/plan.js";
import { McpManager } from "../mcp/manager.js";
import { recordApproval } from "../mcp/approvals.js";
import type { ApprovalDecision, PlannedServer } from "../mcp/merge.js";
import { configuredEndpoint, lastEndpoint, rememberEndpoint, type Endpoint } from "../config/last-endpoint.js";
import { firstOnThisMachine } from "../config/once-marker.js";
import { discoverSubagents, type SubagentDefinition } from "../agents/definitions.js";
import { teamLink } from "../team/project-team.js";
import { TeamSessionSync } from "../team/session-sync.js";
import { teamStatusLines } from "../team/status.js";

export { DEFAULT_AGENT_NAME, DEFAULT_PERSONA } from "./agent-seeding.js";

export interface OpenProjectOptions {
  /** Where to look for the project (default: the working directory). */
  cwd?: string;
  /** An explicit `.letta` directory; its parent is the project root. */
  lettaDir?: string;
  flags?: ConfigLayer;
  env?: NodeJS.ProcessEnv;
  /** One-time notices for the user (embedding fallback, sandbox missing). */
  onNotice?: (message: string) => void;
  onEmbeddingProgress?: (p: LoadProgress) => void;
  /**
   * Notices a CLI shows only with --verbose: the project's ignored settings (the user already
   * answered) and, after its first time on this machine, the embedding model being offline.
   * Default (the SDK, the TUI): every notice.
   */
  quietNotices?: { ignoredSettings?: boolean; embeddingOffline?: boolean };
  /**
   * Whether the project's own elevating settings apply. Default: the user's trust record decides
   * (`letta-code trust`); the SDK may pass true for a project its program vouches for.
   */
  trusted?: boolean;
  /** Open the store read-only and create nothing: for commands that only read memory. */
  readonly?: boolean;
  /** --mcp-config / --strict-mcp-config. */
  mcp?: McpFlags;
  /** Test seam: replace the OpenAI-compatible client. */
  createModel?: (model: string, config: ResolvedConfig) => ModelClient;
}

const BASE_URL_FROM: Record<ResolvedConfig["baseURLSource"], string> = {
  default: "default",
  user: "from your config.json",
  project: "from .letta/config.json",
  env: "from OPENAI_BASE_URL",
  flag: "--base-url",
};

/** A read-only open found no agent to read: the first writable open creates one. */
export class NoAgentYetError extends Error {}


export class NoModelError extends Error {
  constructor(detail?: string) {
    super(
      "No model configured. Set one with --model NAME, the LETTA_CODE_MODEL environment variable, " +
        'or "model" in .letta/config.json (project) or ~/.config/letta-code/config.json (user). ' +
        "For a local server also set --base-url / OPENAI_BASE_URL (e.g. http://localhost:11434/v1 for Ollama)." +
        (detail ? ` ${detail}` : ""),
    );
    this.name = "NoModelError";
  }
}

/**
 * The composition root: one project's store, config and embedder, from which agents and their
 * sessions are made. The CLI, the TUI and the SDK all start here.
 */
export class Project {
  readonly store: Store;
  readonly config: ResolvedConfig;
  /** Hooks, custom commands and skills found at open (project hooks only when trusted). */
  readonly extensions: Extensions;
  /** The subagents the `task` tool may start: built-ins, the user's, and a trusted project's. */
  readonly subagents: SubagentDefinition[];
  private embedder: EmbedderProvider;
  /**
   * Each live session's running turn, for events raised outside the loop (downloads, notices, memory
   * edits from outside the turn). A session's own memory edits go to its own sink only: two sessions
   * of one agent never see each other's events.
   */
  private sinks = new TurnSinks();
  private memories = new Map<string, MemoryAccess>();
  private user: UserMemory;
  private instructions: InstructionFiles;
  private checkpointStore?: Checkpoints;
  /** Made on the first session (undefined: not yet; null: no servers configured). */
  private mcpManager?: McpManager | null;
  private mcpPending: PlannedServer[] = [];
  private lastSession?: Agent;

  private constructor(
    readonly root: string,
    readonly lettaDir: string,
    private opts: OpenProjectOptions,
  ) {
    const env = opts.env ?? process.env;
    this.config = resolveConfig({ projectRoot: root, flags: opts.flags, env, trusted: opts.trusted, mcp: opts.mcp, cwd: opts.cwd });
    refusePlantedLinks(root, lettaDir);
    if (!opts.readonly) ensureLettaDir(lettaDir);
    this.store = Store.open(lettaDir, { readonly: opts.readonly });
    this.instructions = new InstructionFiles(root, opts.env ?? process.env, (m) => this.notice(m));
    this.user = new UserMemory(userLettaDir(opts.env ?? process.env), lettaDir, (m) => this.notice(m));
    // Paths in a project's config are relative to the project, whatever the working directory.
    const emb = { ...this.config.embeddings };
    if (emb.localPath) emb.localPath = resolve(root, emb.localPath);
    if (emb.cacheDir) emb.cacheDir = resolve(root, emb.cacheDir);
    this.embedder = new EmbedderProvider(emb, {
      onProgress: (p) => {
        opts.onEmbeddingProgress?.(p);
        // A download happens inside a turn (the first archival search): show it in that turn's stream too.
        const event: AgentEvent = { type: "progress", what: "embedding model", percent: Math.round(p.progress), detail: p.file };
        this.sinks.toAll(event);
      },
      onNotice: (m) => {
        if (!opts.quietNotices?.embeddingOffline || firstOnThisMachine(userCacheDir(env), "embedding-offline-noticed")) this.notice(m);
      },
    });
    // Named once per run: what the repository asked for and did not get, and what was malformed.
    if (!this.config.trust.trusted && this.config.trust.elevating.length && !opts.quietNotices?.ignoredSettings) {
      this.notice(ignoredNotice(this.config.trust.elevating));
    }
    for (const w of this.config.warnings) this.notice(w);
    this.extensions = loadExtensions({ projectRoot: root, env, hooks: this.config.hooks });
    for (const w of this.extensions.warnings) this.notice(w);
    const subagents = discoverSubagents(root, { env, trusted: this.config.trust.trusted });
    this.subagents = subagents.agents;
    for (const w of subagents.warnings) this.notice(w);
  }

  static open(opts: OpenProjectOptions = {}): Project {
    if (opts.lettaDir) return new Project(join(opts.lettaDir, ".."), opts.lettaDir, opts);
    const root = findProjectRoot(opts.cwd);
    return new Project(root, join(root, LETTA_DIR), opts);
  }

  /** The named agent, or the project's default one (created on first use). */
  resolveAgent(name?: string, create = true): AgentRow {
    const wanted = name ?? this.config.agent;
    if (wanted) {
      const found = this.store.agents.byName(wanted) ?? this.store.agents.get(wanted);
      if (found) return found;
      if (!create) throw new Error(`No agent named "${wanted}" in ${this.lettaDir}. Agents: ${this.agentNames()}.`);
      return this.createOrFind(wanted);
    }
    const first = this.store.agents.list()[0];
    if (!first && this.opts.readonly) throw new NoAgentYetError(`No agent in ${this.lettaDir} yet; it is created on the first run.`);
    return first ?? this.createOrFind(DEFAULT_AGENT_NAME);
  }

  createAgent(
    name: string,
    memory: Record<string, string> = {},
    opts: { blocks?: BlockSeed[]; profile?: AgentProfile; model?: string } = {},
  ): AgentRow {
    return seedAgent(this.store, name, { model: opts.model ?? this.config.model, memory, blocks: opts.blocks, profile: opts.profile });
  }

  /** Delete an agent and everything it owns (blocks, messages, passages); its memory history stays. */
  deleteAgent(agentId: string): boolean {
    this.memories.delete(agentId);
    return this.store.agents.delete(agentId);
  }

  /** First runs started together in a new project race to create the agent: the loser takes the winner's. */
  private createOrFind(name: string): AgentRow {
    try {
      return this.createAgent(name);
    } catch (err) {
      // Whatever the failure said, an agent of that name now there is the one to use.
      const found = this.store.agents.byName(name);
      if (found) return found;
      throw err;
    }
  }

  agentNames(): string {
    return this.store.agents.list().map((a) => a.name).join(", ") || "(none)";
  }

  /**
   * Memory of one agent, usable without any model (the `memory` command, the SDK). One instance
   * per agent, shared by its sessions, so the in-memory vector index is built once.
   */
  memory(agentId: string): MemoryAccess {
    let memory = this.memories.get(agentId);
    if (!memory) this.memories.set(agentId, (memory = this.createMemory(agentId)));
    return memory;
  }

  /** Team sync applied other machines' passages on this process's connection: searches re-sync their vector index. */
  noticePassageWrites(): void {
    for (const m of this.memories.values()) m.archival.noticeWrites?.();
  }

  private createMemory(agentId: string): MemoryAccess {
    // Edits through the shared memory (the SDK, /memory) show in every live turn of this agent.
    const core = this.coreMemory(agentId, (e) => this.sinks.toAgent(agentId, e));
    const archival = new AgentArchivalMemory({
      passages: this.store.passages,
      agentId,
      getEmbedder: () => this.embedder.get(),
      createIndex: (dim, capacity) => new VectorIndex(dim, { initialCapacity: capacity }),
      encode: vectorToBuffer,
      decode: (b) => bufferToVector(b),
      events: this.store.memoryEvents,
      indexFile: archivalIndexFile(join(dirname(this.store.file), `archival-${agentId}.vectors`)),
    });
    const history = new MemoryHistory({
      project: { events: this.store.memoryEvents, agentId },
      user: () => this.user.history(),
      core,
      archival,
    });
    const recall = new AgentRecallMemory({
      messages: this.store.messages,
      agentId,
      getEmbedder: () => this.embedder.get(),
      loadedEmbedder: () => this.embedder.loaded(),
      createIndex: (dim, capacity) => new VectorIndex(dim, { initialCapacity: capacity }),
      encode: vectorToBuffer,
      decode: (b) => bufferToVector(b),
      onEmbeddingProgress: (done, total) => {
        const percent = Math.round((done / total) * 100);
        this.opts.onEmbeddingProgress?.({ file: "recall messages", loaded: done, total, progress: percent });
        const event: AgentEvent = { type: "progress", what: "embedding past messages", percent, detail: `${done}/${total} messages` };
        this.sinks.toAgent(agentId, event);
      },
    });
    return { core, archival, recall, history };
  }

  private coreMemory(agentId: string, emit: (e: AgentEvent) => void): AgentCoreMemory {
    const own = agentBlocks(this.store.blocks, agentId, this.store);
    // The agent's own blocks, with the blocks the user shares across projects layered over them.
    return new AgentCoreMemory(
      layeredBlocks(own, () => this.user.blocks()),
      (label, action, before, after, event) =>
        emit({
          type: "memory_update",
          label,
          action,
          before,
          after,
          ...(event ? { eventId: event.id, actor: event.actor, ...(event.reason ? { reason: event.reason } : {}) } : {}),
        }),
      { share: (label) => this.user.share(own, label), unshare: (label) => this.user.unshare(own, label) },
    );
  }

  /** One session's memory: shared archival, recall and history, core edits reported to that session's turn only. */
  private sessionMemory(agentId: string, sink: TurnSink): MemoryAccess {
    const shared = this.memory(agentId);
    return { ...shared, core: this.coreMemory(agentId, (e) => sink.emit?.(e)) };
  }

  /**
   * The agent's memory as reflection sees it: the same blocks, archival and recall, but core edits
   * reported to `onChange` only, so a reflection overlapping a turn does not show up in that turn's stream.
   */
  reflectionMemory(agentId: string, onChange: MemoryChangeListener): MemoryAccess {
    const shared = this.memory(agentId);
    // Recorded like every other change (actor "reflection", from the tool context), in the change's transaction.
    const own = agentBlocks(this.store.blocks, agentId, this.store);
    return {
      core: new AgentCoreMemory(layeredBlocks(own, () => this.user.blocks()), onChange),
      archival: shared.archival,
      recall: shared.recall,
      history: shared.history,
    };
  }

  /**
   * Which model, at which endpoint: a configured model (flag, env, config) at the configured base URL;
   * else the pair this project last ran with (src/config/last-endpoint.ts), never its model alone.
   */
  endpointFor(_agent?: AgentRow): Endpoint {
    const c = this.config;
    const env = this.opts.env ?? process.env;
    const found = configuredEndpoint(c, this.root, env);
    if (found) return found;
    const last = lastEndpoint(this.root, env);
    throw new NoModelError(last ? `(${last.model} was last used here at ${last.baseURL}, not at ${c.baseURL}.)` : undefined);
  }

  modelFor(agent: AgentRow): string {
    return this.endpointFor(agent).model;
  }

  /** The project's checkpoints, opened (and pruned) on first use. */
  checkpoints(): Checkpoints {
    this.checkpointStore ??= new Checkpoints(this.store, this.root, this.lettaDir, this.config.checkpoints, (m) =>
      this.notice(m),
    );
    return this.checkpointStore;
  }

  /**
   * Which conversation a session opens: the agent's current one (`--continue`, the default), a new
   * one (`--new`), a given one (`--resume ID`); `fork` continues in a copy of that one instead.
   */
  conversationFor(agent: AgentRow, opts: { newConversation?: boolean; resume?: string; fork?: boolean }): string {
    if (opts.newConversation) return this.store.agents.newConversation(agent.id);
    let id = agent.conversationId;
    if (opts.resume !== undefined) {
      id = resolveConversation(this.store, agent.id, opts.resume, agent.conversationId);
      this.store.conversations.setCurrent(agent.id, id);
    }
    return opts.fork ? forkConversation(this.store, agent.id, id) : id;
  }

  session(
    agent: AgentRow,
    opts: {
      mode?: PermissionMode;
      newConversation?: boolean;
      resume?: string;
      fork?: boolean;
      /** A one-shot run (-p): reflection counts its turn towards `everyTurns` instead of reflecting at its end. */
      oneShot?: boolean;
      /** Which built-in tools the session offers (default all); `serve` offers read and memory tools unless told more. */
      tools?: (tool: AnyTool) => boolean;
      /** Offer the project's MCP servers' tools (default true). */
      mcp?: boolean;
    } = {},
  ): Agent {
    const endpoint = this.endpointFor(agent);
    const model = endpoint.model;
    const config: ResolvedConfig = endpoint.baseURL === this.config.baseURL ? this.config : { ...this.config, baseURL: endpoint.baseURL };
    // A URL that can never work is a configuration problem (exit 2), not a failed request after retries.
    const urlProblem = this.opts.createModel ? undefined : baseURLProblem(config.baseURL);
    if (urlProblem) throw new ConfigError(`the model endpoint (${BASE_URL_FROM[config.baseURLSource]}) ${urlProblem}`);
    const createModel =
      this.opts.createModel ??
      ((m: string, c: ResolvedConfig) => createOpenAIClient({
          baseURL: c.baseURL,
          apiKey: c.apiKey,
          model: m,
          maxRetries: c.maxRetries,
          timeoutMs: c.requestTimeoutMs,
        }));
    const gate = new PermissionGateImpl({
      mode: opts.mode ?? config.permissions.mode ?? "ask",
      allow: config.permissions.allow,
      deny: config.permissions.deny,
      projectRoot: this.root,
      persist: (rule) => rememberAllowRule(this.root, rule, this.opts.env ?? process.env),
    });
    const skills = this.extensions.skills;
    const userSkillDirs = skills.filter((s) => s.scope === "user").map((s) => s.dir);
    const agentRow = { ...agent, conversationId: this.conversationFor(agent, opts) };
    const sink = this.sinks.add(agent.id);
    const custom = customBasePrompt(config);
    const session = new Agent({
      store: this.store,
      agent: agentRow,
      projectRoot: this.root,
      memory: this.sessionMemory(agent.id, sink),
      onMemoryChange: (listener) => {
        this.sinks.attach(sink, listener);
      },
      createModel: (m) => createModel(m, config),
      model,
      contextWindowOverride: config.contextWindow,
      maxSteps: config.maxSteps,
      tools: [...memoryTools, ...codingTools, ...(skills.length ? [createLoadSkillTool(() => skills)] : [])].filter(opts.tools ?? (() => true)),
      toolSource: opts.mcp === false ? undefined : (this.mcp() ?? undefined),
      // --system-prompt wins over an API agent's own `system`; without flags, that or letta-code's.
      basePrompt: () => (config.systemPrompt !== undefined ? custom : (this.store.agents.get(agent.id)?.profile.system ?? custom)),
      gate,
      shell: this.shellSettings(),
      notify: (m) => this.notice(m),
      endpointFromProject: config.baseURLSource === "project",
      takeNotices: () => this.sinks.takePending(),
      instructions: () => this.instructions.list(),
      hooks: this.extensions.hooks,
      skills: () => skills,
      // A user-level skill lives outside the project: read_file may read inside its folder, nothing else.
      readRoots: () => userSkillDirs,
      addDirs: config.addDirs,
      reflection: {
        settings: config.reflection,
        memoryFor: (onChange) => this.reflectionMemory(agent.id, onChange),
        createModel: (sessionModel, o) =>
          createModel(config.reflection.model ?? sessionModel, o?.maxRetries === undefined ? config : { ...config, maxRetries: o.maxRetries }),
      },
      checkpoints: () => this.checkpoints(),
      input: {
        trusted: config.commands.projectElevated,
        commands: () => this.extensions.commands,
        skills: () => skills,
        resources: this.mcp() ?? undefined,
      },
      reflectOnEnd: !opts.oneShot,
      subagents: { agents: () => this.subagents, concurrency: config.subagentConcurrency },
      team: this.teamSync(!opts.oneShot),
      teamStatus: () => teamStatusLines(this),
    });
    this.lastSession = session;
    return session;
  }

  /** Team memory for a session, when this project joined a team (the user's config says so; never the repository). */
  private teamSync(listen: boolean): TeamSessionSync | undefined {
    if (this.opts.readonly) return undefined;
    const link = teamLink(this);
    return link ? new TeamSessionSync(this, link, { listen }) : undefined;
  }

  /** How shell commands (run_shell, hooks, command snippets) run in this project. */
  shellSettings(): ShellSettings {
    const c = this.config;
    return { sandbox: c.sandbox !== false, allowUnsandboxed: c.sandbox === "auto", network: c.sandboxNetwork, environment: c.shellEnvironmentPolicy, addDirs: c.addDirs };
  }

  /** A notice for the user, shown in the running turn (or the next one). */
  notify(message: string): void {
    this.notice(message);
  }

  /** The instruction files (AGENTS.md …) every session of this project reads into its prompt. */
  instructionFiles(): InstructionFile[] {
    return this.instructions.list();
  }

  /**
   * The project's MCP servers, shared by all its sessions; started in the background on first use.
   * Without configured servers nothing MCP-related is loaded (start-up time stays as it was).
   */
  mcp(): McpManager | null {
    if (this.mcpManager !== undefined) return this.mcpManager;
    const env = this.opts.env ?? process.env;
    // A trusted project's servers start without a question each (the trust prompt listed them); an
    // untrusted project's only once the user approved that server.
    const plan = loadMcpPlan({ mcp: this.config.mcp, projectRoot: this.root, env });
    this.mcpPending = plan.skipped.flatMap((s) => (s.needsApproval ? [s.needsApproval] : []));
    if (plan.start.length === 0 && plan.skipped.length === 0) return (this.mcpManager = null);
    return (this.mcpManager = new McpManager(plan, {
      projectRoot: this.root,
      env,
      environment: this.config.shellEnvironmentPolicy,
      startupTimeoutMs: this.config.mcpStartupTimeoutMs,
      toolTimeoutMs: this.config.mcpToolTimeoutMs,
      notice: (m) => this.notice(m),
    }));
  }

  /** Project servers nobody decided on yet (the TUI asks about each once). */
  mcpAwaitingApproval(): PlannedServer[] {
    this.mcp();
    return [...this.mcpPending];
  }

  /** Record the user's decision (outside the project) and start the server if approved. */
  decideMcpServer(server: PlannedServer, decision: ApprovalDecision): void {
    recordApproval(this.root, server.name, decision, server.fingerprint, this.opts.env ?? process.env);
    this.mcpPending = this.mcpPending.filter((s) => s.name !== server.name);
    if (decision === "approved") this.mcp()?.add(server);
    else this.mcp()?.denied(server.name);
  }

  close(): void {
    this.rememberEndpoint();
    this.checkpointStore?.close();
    void this.mcpManager?.close();
    this.store.close();
    this.user.close();
  }

  /** close(), then give MCP servers a moment to exit on their own (children never outlive us). */
  async shutdown(): Promise<void> {
    const mcp = this.mcpManager;
    this.mcpManager = null;
    const closing = mcp?.close();
    this.close();
    await closing;
  }

  /**
   * The pair the last session ended with (after a /model switch too), so a plain next run goes to the
   * same place. An endpoint a project's own config chose is that config's to repeat, not ours.
   */
  private rememberEndpoint(): void {
    const info = this.lastSession?.info();
    this.lastSession = undefined;
    if (!info || this.opts.createModel || this.config.baseURLSource === "project") return;
    try {
      rememberEndpoint(this.root, { model: info.model, baseURL: info.baseURL }, this.opts.env ?? process.env);
    } catch {
      // Only a convenience for the next run; an unwritable config dir must not fail this one.
    }
  }

  /** To the host's callback, and into the running turn's event stream (or the next turn's). */
  private notice(message: string): void {
    this.opts.onNotice?.(message);
    this.sinks.notice(message);
  }
}
