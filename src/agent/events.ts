import type { EventPayload } from "../protocol/events.js";

/*
 * The agent's event stream: the public events before src/protocol stamps them with session, turn
 * and order. Derived (type-only) from the one definition in src/protocol/events.ts, so a field
 * added there is emitted here and a mismatch between the two is a compile error. Every event is
 * public today; one the core needs but the protocol must not carry would be its own type here,
 * joined to AgentEvent, and ProtocolStream would have to decide what to print for it.
 */
export type AgentEvent = EventPayload;

export type AgentEventType = AgentEvent["type"];

export type { ApprovalRequest, NoticeCode, ReflectionStatus, ReflectionTrigger, ToolCallState, ToolDisplay, Usage } from "../protocol/events.js";
