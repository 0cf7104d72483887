/** letta-code's public TypeScript API. */
export { createClient, LettaClient } from "./sdk/client.js";
export type { ClientOptions, AgentInfo, TurnMessage, TurnResult, UserMessageOptions, SessionSummary } from "./sdk/client.js";
export type { AgentEvent, Usage, ToolDisplay } from "./agent/events.js";
export { SCHEMA_VERSION as EVENT_SCHEMA_VERSION } from "./protocol/version.js";
export type { PublicEvent, InitLine, ResultLine, OutputLine, InputLine } from "./protocol/schema.js";
export type { AgentSession, ApprovalDecision, PermissionMode } from "./agent/session.js";
export type { Block, Passage, RecallMessage, PassageSearchOptions, MessageSearchOptions } from "./memory/access.js";
export type { MemoryEvent } from "./memory/history-event.js";
export type { MemoryActor, MemoryOrigin } from "./memory/origin.js";
export { StoreError } from "./store/db.js";
export { MemoryError } from "./memory/errors.js";
