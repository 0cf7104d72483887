import type { AgentEvent, ApprovalRequest, ReflectionTrigger, Usage } from "./events.js";
import type { MemoryAccess } from "../memory/access.js";
import type { InstructionFile } from "./instructions.js";
import type { RestorePlan, RewindOptions, RewindResult, TurnSummary } from "../checkpoints/types.js";
import type { ConversationSummary } from "../store/conversations.js";
import type { FileAccess, ToolServerStatus } from "../tools/types.js";
import type { PermissionMode } from "../permissions/types.js";
import type { ExpandedInput } from "./input-types.js";
import type { SubagentDefinition } from "../agents/definitions.js";

export { PERMISSION_MODES, type PermissionMode } from "../permissions/types.js";

/** The user's answer to an approval_request. */
export type ApprovalDecision =
  | { decision: "yes" }
  /** Yes, and widen for good: remember the suggested rule, or for an escalation stop sandboxing the session (approval.ts alwaysEffect). */
  | { decision: "always" }
  | { decision: "no"; reason?: string };

export type Approver = (request: ApprovalRequest) => Promise<ApprovalDecision>;

export interface SendOptions {
  signal?: AbortSignal;
  /** Absent in headless mode: anything that would ask is refused and the model is told so. */
  approve?: Approver;
  /** Allow rules for this turn only (a custom command's `allowed-tools`); deny rules still win. */
  allowTools?: string[];
  /** Another model for this turn only (a custom command's `model`). */
  model?: string;
  /** Read and write files through the host (an ACP client's fs methods) during this turn. */
  files?: FileAccess;
  /** The input already expanded (the TUI expands first to show what was attached); otherwise send expands it. */
  input?: ExpandedInput;
  /** Called with the expanded input before the turn waits for its lease (a face shows the user's message then). */
  onInput?: (input: ExpandedInput) => void;
}

export interface SessionInfo {
  agentId: string;
  agentName: string;
  model: string;
  baseURL: string;
  projectRoot: string;
  contextWindow: number;
  permissionMode: PermissionMode;
  conversationId: string;
  /** The endpoint comes from the project's own config (a trusted project): shown, so a move is never silent. */
  endpointFromProject?: boolean;
}

export interface SessionStats {
  contextTokens: number;
  contextWindow: number;
  coreChars: number;
  coreLimit: number;
  archivalCount: number;
  recallCount: number;
  /** Tokens used by this process's session so far. */
  sessionUsage: Usage;
  /** Tokens the reflection pass used in this process, counted apart from the session's. */
  reflectionUsage?: Usage;
  /** Tokens reflection used today for this agent (all processes), against `reflectionCap` (0 = no cap). */
  reflectionToday?: number;
  reflectionCap?: number;
}

/** When the host should start reflection on its own. */
export interface ReflectionSchedule {
  mode: "auto" | "manual" | "off";
  everyTurns: number;
}

export interface TranscriptEntry {
  /** "error": a turn's model request failed here (`content` is the reason); never part of the model's history. */
  role: "user" | "assistant" | "tool" | "error";
  content: string;
  toolName?: string;
  /** A tool entry's arguments, as the call gave them (parsed JSON, or the raw text when it was not JSON). */
  toolArgs?: unknown;
  createdAt: string;
}

/** What the TUI, the headless runner and the SDK drive. One implementation: agent/agent.ts. */
export interface AgentSession {
  info(): SessionInfo;
  stats(): SessionStats;
  memory: MemoryAccess;
  /** The instruction files (AGENTS.md …) in the system prompt now; absent where a session has none. */
  instructionFiles?(): InstructionFile[];
  /** Run one user turn; events arrive as they happen and the iterator ends after `done`. */
  /** Notices raised before any turn (ignored project settings, a malformed rule): a face shows them at start. */
  takeNotices?(): string[];
  /** Team memory: joined or not, server (password masked), last sync, pending changes, last error (the TUI's /team). */
  teamStatus?(): string[];
  send(text: string, opts?: SendOptions): AsyncIterable<AgentEvent>;
  /** Summarise now, whatever the window usage (the /compact command). */
  compact(signal?: AbortSignal): Promise<Extract<AgentEvent, { type: "compaction" }> | null>;
  /** Start a fresh conversation; memory is kept. */
  newConversation(): void;
  /** The last `limit` user/assistant exchanges of the current conversation, oldest first (resume view). */
  recentTranscript(limit: number): TranscriptEntry[];
  setModel(model: string): void;
  /**
   * One reflection pass over the messages not yet reflected on: memory_update events for each
   * change, ending with a reflection "end" event. Reads stored messages only, so it may overlap a turn.
   */
  reflect?(opts?: { trigger?: ReflectionTrigger; signal?: AbortSignal }): AsyncIterable<AgentEvent>;
  reflectionSchedule?(): ReflectionSchedule;
  setPermissionMode(mode: PermissionMode): void;
  /** End the session: wait for its turns, let reflection save what was learned (bounded), run SessionEnd hooks. Once. */
  /** `warn`: where the SessionEnd hooks' warnings go (a face that has printed its last event says them itself); default: the project's notices. */
  endSession?(reason: string, opts?: { signal?: AbortSignal; warn?: (message: string, code?: "hook_failed") => void }): Promise<void>;
  /** Events of reflection the session scheduled itself, between and after turns; returns an unsubscribe. */
  onBackground?(listener: (e: AgentEvent) => void): () => void;
  /** A reflection pass is running, or ending the session now would start one. */
  reflectionPending?(): boolean;
  /** Start a background pass now (events to onBackground's listeners); resolves when it ends. */
  reflectInBackground?(trigger?: ReflectionTrigger): Promise<void>;
  /** The `/name` commands input may start with (custom commands and skills), for a face's menu. */
  inputCommands?(): { name: string; description: string; hint?: string; kind: "command" | "skill" }[];
  /** What input becomes before the model reads it (custom command, skill, `@file`, `@server:uri`). */
  expandInput?(raw: string, signal?: AbortSignal): Promise<ExpandedInput>;
  close(): void;
  // Checkpoints and sessions: optional so a face can run on a session without them.
  /** This conversation's turns (oldest first) with the files each changed. */
  turns?(): TurnSummary[];
  /** What restoring the code to before `turnId` would do, conflicts (hand edits) included. */
  planRewind?(turnId: number): RestorePlan;
  rewind?(turnId: number, opts: RewindOptions): RewindResult;
  /** The agent's conversations, newest first. */
  sessions?(): ConversationSummary[];
  /** Continue another conversation (an id or a unique prefix); returns its full id. */
  resume?(conversationId: string): string;
  /** Continue in a new conversation that starts with a copy of this one's history; returns its id. */
  fork?(): string;
  /** MCP servers of this session and their state (empty without any configured). */
  mcpServers?(): ToolServerStatus[];
  /** Wait until MCP servers connected or gave up (bounded by their start-up timeouts). */
  waitForTools?(signal?: AbortSignal): Promise<void>;
  /** The subagents its `task` tool can start (built-ins, the user's, a trusted project's). */
  subagents?(): readonly SubagentDefinition[];
}
