/** letta-code's public TypeScript API. */
export { createClient, LettaClient } from "./sdk/client.js";
export type { ClientOptions, AgentInfo, TurnMessage, TurnResult, UserMessageOptions, SessionSummary } from "./sdk/client.js";
export { SCHEMA_VERSION as EVENT_SCHEMA_VERSION } from "./protocol/version.js";
// Public types only: the agent core's own AgentEvent (unstamped) and AgentSession (which streams
// it, and which no public call hands out) stay internal so they may change without a version bump.
export type { PublicEvent, InitLine, ResultLine, OutputLine, InputLine, Usage, ToolDisplay, ToolCallState, ApprovalRequest } from "./protocol/schema.js";
export type { Approver, ApprovalDecision, PermissionMode } from "./agent/session.js";
export type { Block, Passage, RecallMessage, PassageSearchOptions, MessageSearchOptions } from "./memory/access.js";
export type { MemoryEvent } from "./memory/history-event.js";
export type { MemoryActor, MemoryOrigin } from "./memory/origin.js";
export { StoreError } from "./store/db.js";
export { MemoryError } from "./memory/errors.js";
