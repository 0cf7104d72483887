/**
 * The public protocol's version. Adding an optional field or a new event type keeps it (consumers
 * ignore what they do not know); removing, renaming or retyping anything bumps it. Kept apart from
 * the zod definitions so the printers can stamp lines without building the schemas at start-up.
 */
// 2: turn_start lost its numeric turnId (the envelope's string turn_id is the one name), and the
// json/stream-json result carries the finished turn's id instead of null.
export const SCHEMA_VERSION = 2;
