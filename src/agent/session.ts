import type { AgentEvent, Usage } from "./events.js";
import type { MemoryAccess } from "../memory/access.js";
import type { ToolServerStatus } from "../tools/types.js";

export type PermissionMode = "ask" | "accept-edits" | "yolo" | "read-only";
export const PERMISSION_MODES: PermissionMode[] = ["ask", "accept-edits", "yolo", "read-only"];

/** The user's answer to an approval_request. */
export type ApprovalDecision =
  | { decision: "yes" }
  /** Yes, and add the suggested rule to the project's allow rules so it is not asked again. */
  | { decision: "always" }
  | { decision: "no"; reason?: string };

export type Approver = (request: Extract<AgentEvent, { type: "approval_request" }>) => Promise<ApprovalDecision>;

export interface SendOptions {
  signal?: AbortSignal;
  /** Absent in headless mode: anything that would ask is refused and the model is told so. */
  approve?: Approver;
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
}

export interface TranscriptEntry {
  role: "user" | "assistant" | "tool";
  content: string;
  toolName?: string;
  createdAt: string;
}

/** What the TUI, the headless runner and the SDK drive. One implementation: agent/agent.ts. */
export interface AgentSession {
  info(): SessionInfo;
  stats(): SessionStats;
  memory: MemoryAccess;
  /** Run one user turn; events arrive as they happen and the iterator ends after `done`. */
  send(text: string, opts?: SendOptions): AsyncIterable<AgentEvent>;
  /** Summarise now, whatever the window usage (the /compact command). */
  compact(signal?: AbortSignal): Promise<Extract<AgentEvent, { type: "compaction" }> | null>;
  /** Start a fresh conversation; memory is kept. */
  newConversation(): void;
  /** The last `limit` user/assistant exchanges of the current conversation, oldest first (resume view). */
  recentTranscript(limit: number): TranscriptEntry[];
  setModel(model: string): void;
  setPermissionMode(mode: PermissionMode): void;
  close(): void;
  /** MCP servers of this session and their state (empty without any configured). */
  mcpServers?(): ToolServerStatus[];
  /** Wait until MCP servers connected or gave up (bounded by their start-up timeouts). */
  waitForTools?(signal?: AbortSignal): Promise<void>;
}
