import { describe, expect, expectTypeOf, it } from "vitest";
import type * as api from "../../src/index.js";
import type { EventPayload } from "../../src/protocol/events.js";

// Checked by the typecheck (tsc covers test/): the public API names only protocol types, so the
// core's own event stream may change without a SCHEMA_VERSION bump.
describe("the public TypeScript API", () => {
  it("exports the public protocol's types, not the agent core's", () => {
    // @ts-expect-error AgentEvent is the core's unstamped stream, not public
    type _internalEvent = api.AgentEvent;
    // @ts-expect-error AgentSession streams AgentEvent and no public call hands one out
    type _internalSession = api.AgentSession;
    expectTypeOf<Parameters<NonNullable<api.UserMessageOptions["onEvent"]>>[0]>().toEqualTypeOf<api.PublicEvent>();
    expectTypeOf<Parameters<api.Approver>[0]>().toEqualTypeOf<api.ApprovalRequest>();
    // A public event is a payload plus the envelope, field for field.
    type Stamped = Extract<EventPayload, { type: "done" }> & Pick<api.InitLine, "schema_version" | "session_id" | "turn_id" | "seq" | "ts">;
    expectTypeOf<Extract<api.PublicEvent, { type: "done" }>>().toExtend<Stamped>();
    expectTypeOf<Stamped>().toExtend<Extract<api.PublicEvent, { type: "done" }>>();
    expect(true).toBe(true);
  });
});
