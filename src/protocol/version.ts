/**
 * The public protocol's version. Adding an optional field or a new event type keeps it (consumers
 * ignore what they do not know); removing, renaming or retyping anything bumps it. Kept apart from
 * the zod definitions so the printers can stamp lines without building the schemas at start-up.
 */
export const SCHEMA_VERSION = 1;
