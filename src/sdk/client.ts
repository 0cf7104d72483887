import type { Agent } from "../agent/agent.js";
import type { AgentEvent } from "../agent/events.js";
import { Project } from "../agent/open-project.js";
import { listConversations } from "../agent/conversations.js";
import type { Approver, PermissionMode } from "../agent/session.js";
import type { Block, MessageSearchOptions, Passage, PassageSearchOptions, RecallMessage } from "../memory/access.js";
import type { LoadProgress } from "../embeddings/types.js";
import type { MemoryEvent } from "../memory/history-event.js";
import type { ConfigLayer } from "../config/config.js";
import type { PublicEvent, Usage } from "../protocol/schema.js";
import { ProtocolStream } from "../protocol/translate.js";

/** Model settings default to the CLI's sources (LETTA_CODE_MODEL, OPENAI_BASE_URL, OPENAI_API_KEY, config files). */
export interface ClientOptions
  extends Pick<ConfigLayer, "model" | "baseURL" | "apiKey" | "contextWindow" | "maxSteps" | "maxRetries" | "embeddings" | "reflection"> {
  /** An explicit `.letta` directory (absolute path). Default: `<project root>/.letta` of `cwd`. */
  dir?: string;
  /** Where to find the project when `dir` is not given (default: process.cwd()). */
  cwd?: string;
  /** Default "ask": without an `approve` callback, writes and commands are refused and the model is told. */
  permissionMode?: PermissionMode;
  /**
   * Apply the project's own elevating settings (its permission mode, allow rules, endpoint…) as if
   * the user had run `letta-code trust`. Default: the user's trust record decides.
   */
  trustProject?: boolean;
  onNotice?: (message: string) => void;
  onEmbeddingProgress?: (p: LoadProgress) => void;
}

export interface AgentInfo {
  id: string;
  name: string;
  createdAt: string;
}

export type TurnMessage =
  | { messageType: "assistant_message"; content: string }
  | { messageType: "tool_call_message"; toolCallId: string; name: string; arguments: unknown }
  | { messageType: "tool_return_message"; toolCallId: string; name: string; status: "success" | "error"; content: string };

export interface TurnResult {
  /** The conversation the turn ran in (a fork's new id with `fork`). */
  sessionId: string;
  messages: TurnMessage[];
  usage: Usage;
  stopReason: "answer" | "step_limit" | "loop_detected" | "interrupted";
}

export interface UserMessageOptions {
  signal?: AbortSignal;
  /** Every event of the turn as it happens (deltas, tool calls, memory updates...), in the public protocol (see schema/events.schema.json). */
  onEvent?: (e: PublicEvent) => void;
  /** Answer approval requests; without it, writes and commands are refused in "ask" mode. */
  approve?: Approver;
  /** Continue this conversation (an id from `listSessions` or a result's `sessionId`); default: the current one. */
  sessionId?: string;
  /** Continue in a new conversation that starts with a copy of the chosen one's history; the original is untouched. */
  fork?: boolean;
}

export interface SessionSummary {
  id: string;
  startedAt: string;
  lastActiveAt: string;
  messageCount: number;
  firstUserMessage: string;
}

/** The TypeScript API: the same agents and memory as the CLI, for building stateful apps. */
export class LettaClient {
  private project: Project;
  private sessions = new Map<string, Agent>();
  /** One numbered event stream per live session, so seq keeps rising across its turns. */
  private streams = new WeakMap<Agent, ProtocolStream>();

  constructor(private opts: ClientOptions = {}) {
    this.project = Project.open({
      cwd: opts.cwd,
      lettaDir: opts.dir,
      flags: {
        model: opts.model,
        baseURL: opts.baseURL,
        apiKey: opts.apiKey,
        contextWindow: opts.contextWindow,
        maxSteps: opts.maxSteps,
        maxRetries: opts.maxRetries,
        embeddings: opts.embeddings,
        reflection: opts.reflection,
      },
      onNotice: opts.onNotice,
      trusted: opts.trustProject,
      onEmbeddingProgress: opts.onEmbeddingProgress,
    });
  }

  /** The project directory this client works in. */
  get projectRoot(): string {
    return this.project.root;
  }

  createAgent(opts: { name?: string; memory?: Record<string, string> } = {}): AgentInfo {
    const row = this.project.createAgent(opts.name ?? `agent-${Date.now().toString(36)}`, opts.memory ?? {});
    return { id: row.id, name: row.name, createdAt: row.createdAt };
  }

  listAgents(): AgentInfo[] {
    return this.project.store.agents.list().map((a) => ({ id: a.id, name: a.name, createdAt: a.createdAt }));
  }

  /** By id or name; undefined when there is none. */
  getAgent(idOrName: string): AgentInfo | undefined {
    const a = this.project.store.agents.get(idOrName) ?? this.project.store.agents.byName(idOrName);
    return a && { id: a.id, name: a.name, createdAt: a.createdAt };
  }

  /** Send a message and resolve with this turn's assistant and tool messages. Rejects when the model fails. */
  async userMessage(agentId: string, text: string, opts: UserMessageOptions = {}): Promise<TurnResult> {
    const session = this.session(agentId);
    if (opts.sessionId && opts.sessionId !== session.info().conversationId) session.resume(opts.sessionId);
    if (opts.fork) session.fork();
    const messages: TurnMessage[] = [];
    const names = new Map<string, string>();
    let done: Extract<AgentEvent, { type: "done" }> | undefined;
    const stream = this.streamOf(session);
    for await (const e of session.send(text, { signal: opts.signal, approve: opts.approve })) {
      opts.onEvent?.(stream.event(e));
      if (e.type === "assistant_message") messages.push({ messageType: "assistant_message", content: e.text });
      if (e.type === "tool_call") {
        names.set(e.id, e.name);
        messages.push({ messageType: "tool_call_message", toolCallId: e.id, name: e.name, arguments: e.args });
      }
      if (e.type === "tool_result")
        messages.push({
          messageType: "tool_return_message",
          toolCallId: e.id,
          name: names.get(e.id) ?? e.name,
          status: e.state === "done" ? "success" : "error",
          content: e.content,
        });
      if (e.type === "done") done = e;
    }
    if (!done || done.reason === "error") throw new Error(done?.result ?? "the turn ended without a result");
    return { sessionId: session.info().conversationId, messages, usage: done.usage, stopReason: done.reason };
  }

  /** The agent's conversations, newest first. */
  listSessions(agentId: string): SessionSummary[] {
    return listConversations(this.project.store, this.agentRow(agentId).id);
  }

  getBlocks(agentId: string): Omit<Block, "updatedAt">[] {
    return this.memory(agentId).core.list().map(({ label, value, limit, description, readOnly }) => ({ label, value, limit, description, readOnly }));
  }

  /** Set a block's text (creating the block if needed); throws when over the block's limit. */
  setBlock(agentId: string, label: string, value: string, opts?: { limit?: number; description?: string }): void {
    this.memory(agentId).core.set(label, value, opts);
  }

  /** Make a block follow the user into every project (kept in ~/.letta); `unshareBlock` brings it back. */
  shareBlock(agentId: string, label: string): void {
    this.memory(agentId).core.share!(label);
  }

  unshareBlock(agentId: string, label: string): void {
    this.memory(agentId).core.unshare!(label);
  }

  async insertPassage(agentId: string, text: string, opts: { tags?: string[]; createdAt?: string | Date } = {}) {
    const createdAt = opts.createdAt instanceof Date ? opts.createdAt.toISOString() : opts.createdAt;
    const r = await this.memory(agentId).archival.insert(text, { tags: opts.tags, createdAt });
    return { id: r.ids[0], ids: r.ids, duplicate: r.duplicate };
  }

  async searchPassages(
    agentId: string,
    query: string,
    opts: Omit<PassageSearchOptions, "from" | "to" | "now"> & { from?: string | Date; to?: string | Date; now?: string | Date } = {},
  ): Promise<Passage[]> {
    return this.memory(agentId).archival.search(query, { ...opts, from: iso(opts.from), to: iso(opts.to), now: iso(opts.now) });
  }

  listPassages(agentId: string, opts?: { limit?: number; offset?: number; tags?: string[] }): Passage[] {
    return this.memory(agentId).archival.list(opts);
  }

  deletePassage(agentId: string, id: number): boolean {
    return this.memory(agentId).archival.delete(id);
  }

  /** Memory changes (core blocks and archival passages), newest first, with who made them and why. */
  getMemoryHistory(agentId: string, opts: { label?: string; limit?: number } = {}): MemoryEvent[] {
    return this.history(agentId).log(opts);
  }

  /**
   * Revert one memory change; resolves with the undo's own event (undo that to redo). Rejects when
   * the id is unknown, or when the block or passage changed since and `force` is not set.
   */
  undoMemoryEvent(agentId: string, eventId: string, opts: { force?: boolean } = {}): Promise<MemoryEvent> {
    return this.history(agentId).undo(eventId, opts);
  }

  async searchMessages(
    agentId: string,
    query: string,
    opts: Omit<MessageSearchOptions, "from" | "to" | "now"> & { from?: string | Date; to?: string | Date; now?: string | Date } = {},
  ): Promise<RecallMessage[]> {
    return this.memory(agentId).recall.search(query, { ...opts, from: iso(opts.from), to: iso(opts.to), now: iso(opts.now) });
  }

  /**
   * Store past messages in an agent's recall memory, e.g. a conversation imported from elsewhere.
   * `conversationId` defaults to the agent's current conversation; `createdAt` to now.
   */
  addMessages(
    agentId: string,
    messages: { role: RecallMessage["role"]; content: string; createdAt?: string | Date; conversationId?: string }[],
  ): { ids: number[] } {
    const row = this.agentRow(agentId);
    const ids = this.memory(row.id).recall.add(
      messages.map((m) => ({ ...m, createdAt: iso(m.createdAt), conversationId: m.conversationId ?? row.conversationId })),
    );
    return { ids };
  }

  /**
   * End every session as the CLI does (turns in flight finish, reflection gets its bounded moment to
   * save what was learned, SessionEnd hooks run), then close. `close()` stops at once instead.
   */
  async shutdown(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.endSession("exit")));
    this.close();
  }

  close(): void {
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
    this.project.close();
  }

  private memory(agentId: string) {
    return this.project.memory(this.agentRow(agentId).id);
  }

  private history(agentId: string) {
    return this.memory(agentId).history!;
  }

  private agentRow(agentId: string) {
    const row = this.project.store.agents.get(agentId) ?? this.project.store.agents.byName(agentId);
    if (!row) throw new Error(`No agent "${agentId}" in ${this.project.lettaDir}.`);
    return row;
  }

  private streamOf(session: Agent): ProtocolStream {
    let s = this.streams.get(session);
    if (!s) this.streams.set(session, (s = new ProtocolStream(session.info().conversationId)));
    return s;
  }

  private session(agentId: string): Agent {
    const row = this.agentRow(agentId);
    let s = this.sessions.get(row.id);
    if (!s) {
      s = this.project.session(row, { mode: this.opts.permissionMode ?? "ask" });
      this.sessions.set(row.id, s);
    }
    return s;
  }
}

function iso(d: string | Date | undefined): string | undefined {
  return d instanceof Date ? d.toISOString() : d;
}

export function createClient(opts?: ClientOptions): LettaClient {
  return new LettaClient(opts);
}
