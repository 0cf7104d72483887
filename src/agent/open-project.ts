import { join, resolve } from "node:path";
import { Agent } from "./agent.js";
import type { AgentEvent } from "./events.js";
import type { PermissionMode } from "./session.js";
import { ensureLettaDir, findProjectRoot, LETTA_DIR } from "../config/project.js";
import { resolveConfig, type ConfigLayer, type ResolvedConfig } from "../config/config.js";
import { Store } from "../store/store.js";
import type { AgentRow } from "../store/agents.js";
import { AgentCoreMemory, DEFAULT_BLOCKS, DEFAULT_BLOCK_LIMIT } from "../memory/core-memory.js";
import { AgentArchivalMemory } from "../memory/archival.js";
import { AgentRecallMemory } from "../memory/recall.js";
import { agentBlocks, layeredBlocks } from "../memory/block-source.js";
import { UserMemory, userLettaDir } from "../memory/user-memory.js";
import type { MemoryAccess } from "../memory/access.js";
import { EmbedderProvider } from "../embeddings/provider.js";
import { VectorIndex } from "../embeddings/vector-index.js";
import { bufferToVector, vectorToBuffer } from "../embeddings/vector-codec.js";
import type { LoadProgress } from "../embeddings/types.js";
import { createOpenAIClient } from "../llm/openai-client.js";
import type { ModelClient } from "../llm/types.js";
import { memoryTools } from "../tools/memory.js";
import { codingTools } from "../tools/index.js";
import { PermissionGateImpl } from "../permissions/gate.js";
import { projectRecord, rememberAllowRule } from "../trust/record.js";
import { ignoredNotice } from "../trust/project-settings.js";
import { InstructionFiles, type InstructionFile } from "./instructions.js";

export const DEFAULT_AGENT_NAME = "default";
export const DEFAULT_PERSONA =
  "I am letta-code, a coding agent with persistent memory. I keep my notes about this project and its user up to date, " +
  "verify before I claim, and prefer small, tested changes.";

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
   * Whether the project's own elevating settings apply. Default: the user's trust record decides
   * (`letta-code trust`); the SDK may pass true for a project its program vouches for.
   */
  trusted?: boolean;
  /** Test seam: replace the OpenAI-compatible client. */
  createModel?: (model: string, config: ResolvedConfig) => ModelClient;
}

export class NoModelError extends Error {
  constructor() {
    super(
      "No model configured. Set one with --model NAME, the LETTA_CODE_MODEL environment variable, " +
        'or "model" in .letta/config.json (project) or ~/.config/letta-code/config.json (user). ' +
        "For a local server also set --base-url / OPENAI_BASE_URL (e.g. http://localhost:11434/v1 for Ollama).",
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
  private embedder: EmbedderProvider;
  /** The event stream of each agent's running turn, for events raised outside the loop (memory edits, downloads, notices). */
  private turnListeners = new Map<string, ((e: AgentEvent) => void) | null>();
  private memories = new Map<string, MemoryAccess>();
  /** Notices raised while no turn was running, shown at the start of the next one. */
  private pendingNotices: string[] = [];
  private user: UserMemory;
  private instructions: InstructionFiles;

  private constructor(
    readonly root: string,
    readonly lettaDir: string,
    private opts: OpenProjectOptions,
  ) {
    const env = opts.env ?? process.env;
    const record = projectRecord(root, env);
    this.config = resolveConfig({
      projectRoot: root,
      flags: opts.flags,
      env,
      trusted: opts.trusted ?? record.trust === "trusted",
      remembered: record.allow,
    });
    ensureLettaDir(lettaDir);
    this.store = Store.open(lettaDir);
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
        for (const listener of this.turnListeners.values()) listener?.(event);
      },
      onNotice: (m) => this.notice(m),
    });
    // Named once per run: what the repository asked for and did not get, and what was malformed.
    if (!this.config.trust.trusted && this.config.trust.elevating.length) this.notice(ignoredNotice(this.config.trust.elevating));
    for (const w of this.config.warnings) this.notice(w);
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
      return this.createAgent(wanted);
    }
    return this.store.agents.list()[0] ?? this.createAgent(DEFAULT_AGENT_NAME);
  }

  createAgent(name: string, memory: Record<string, string> = {}): AgentRow {
    if (this.store.agents.byName(name)) throw new Error(`An agent named "${name}" already exists.`);
    return this.store.transaction(() => {
      const agent = this.store.agents.create(name, this.config.model ? { model: this.config.model } : {});
      const seeds: Record<string, string> = { persona: DEFAULT_PERSONA, human: "", project: "", ...memory };
      const descriptions = new Map(DEFAULT_BLOCKS.map((b) => [b.label, b.description]));
      for (const [label, value] of Object.entries(seeds)) {
        this.store.blocks.upsert(agent.id, {
          label,
          value,
          limit: Math.max(DEFAULT_BLOCK_LIMIT, value.length),
          description: descriptions.get(label) ?? "",
          readOnly: false,
        });
      }
      return agent;
    });
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

  private createMemory(agentId: string): MemoryAccess {
    const own = agentBlocks(this.store.blocks, agentId);
    return {
      // The agent's own blocks, with the blocks the user shares across projects layered over them.
      core: new AgentCoreMemory(
        layeredBlocks(own, () => this.user.blocks()),
        (label, action, before, after) =>
          this.turnListeners.get(agentId)?.({ type: "memory_update", label, action, before, after }),
        { share: (label) => this.user.share(own, label), unshare: (label) => this.user.unshare(own, label) },
      ),
      archival: new AgentArchivalMemory({
        passages: this.store.passages,
        agentId,
        getEmbedder: () => this.embedder.get(),
        createIndex: (dim, capacity) => new VectorIndex(dim, { initialCapacity: capacity }),
        encode: vectorToBuffer,
        decode: (b) => bufferToVector(b),
      }),
      recall: new AgentRecallMemory({
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
          this.turnListeners.get(agentId)?.(event);
        },
      }),
    };
  }

  /** Which model an agent runs: flag/env/config first, then what the agent last used. */
  modelFor(agent: AgentRow): string {
    const model = this.opts.flags?.model ?? this.config.model ?? agent.settings.model;
    if (!model) throw new NoModelError();
    return model;
  }

  session(agent: AgentRow, opts: { mode?: PermissionMode; newConversation?: boolean } = {}): Agent {
    const model = this.modelFor(agent);
    const config = this.config;
    const createModel =
      this.opts.createModel ??
      ((m: string) => createOpenAIClient({
          baseURL: config.baseURL,
          apiKey: config.apiKey,
          model: m,
          maxRetries: config.maxRetries,
          timeoutMs: config.requestTimeoutMs,
        }));
    const gate = new PermissionGateImpl({
      mode: opts.mode ?? config.permissions.mode ?? "ask",
      allow: config.permissions.allow,
      deny: config.permissions.deny,
      projectRoot: this.root,
      persist: (rule) => rememberAllowRule(this.root, rule, this.opts.env ?? process.env),
    });
    const agentRow = opts.newConversation
      ? { ...agent, conversationId: this.store.agents.newConversation(agent.id) }
      : agent;
    return new Agent({
      store: this.store,
      agent: agentRow,
      projectRoot: this.root,
      memory: this.memory(agent.id),
      onMemoryChange: (listener) => {
        this.turnListeners.set(agent.id, listener);
        if (listener) for (const message of this.pendingNotices.splice(0)) listener({ type: "notice", message });
      },
      createModel: (m) => createModel(m, config),
      model,
      contextWindowOverride: config.contextWindow,
      maxSteps: config.maxSteps,
      tools: [...memoryTools, ...codingTools],
      gate,
      shell: { sandbox: config.sandbox !== false, allowUnsandboxed: config.sandbox === "auto", network: config.sandboxNetwork },
      notify: (m) => this.notice(m),
      endpointFromProject: config.baseURLSource === "project",
      instructions: () => this.instructions.list(),
    });
  }

  /** The instruction files (AGENTS.md …) every session of this project reads into its prompt. */
  instructionFiles(): InstructionFile[] {
    return this.instructions.list();
  }

  close(): void {
    this.store.close();
    this.user.close();
  }

  /** To the host's callback, and into the running turn's event stream (or the next turn's). */
  private notice(message: string): void {
    this.opts.onNotice?.(message);
    const active = [...this.turnListeners.values()].filter((l) => l !== null);
    if (active.length === 0) this.pendingNotices.push(message);
    for (const listener of active) listener({ type: "notice", message });
  }
}
