import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { protocolJsonSchema, SCHEMA_VERSION } from "../../src/protocol/schema.js";
import { ProtocolStream } from "../../src/protocol/translate.js";
import { checkStreamJson, inputLineProblem, outputLineProblem } from "../helpers/protocol.js";

describe("the published event schema", () => {
  it("is what the zod definitions generate (run `npm run schema` after changing them)", () => {
    const committed = JSON.parse(readFileSync(new URL("../../schema/events.schema.json", import.meta.url), "utf8"));
    expect(committed).toEqual(protocolJsonSchema());
  });

  it("accepts stamped events and rejects lines without their envelope or with unknown fields", () => {
    const s = new ProtocolStream("conv-1");
    const start = s.event({ type: "turn_start", agentId: "a", conversationId: "conv-1", turnId: 7 });
    const delta = s.event({ type: "assistant_delta", text: "hi" });
    expect(start).toMatchObject({ schema_version: SCHEMA_VERSION, session_id: "conv-1", turn_id: "7", seq: 0 });
    // One name and one type for a turn's id: the envelope's string turn_id, no numeric turnId beside it.
    expect(start).not.toHaveProperty("turnId");
    expect(outputLineProblem(start)).toBeUndefined();
    expect(delta).toMatchObject({ turn_id: "7", seq: 1 });
    expect(outputLineProblem(delta)).toBeUndefined();
    const { seq: _seq, ...noSeq } = delta;
    expect(outputLineProblem(noSeq)).toMatch(/seq/);
    expect(outputLineProblem({ ...delta, surprise: 1 })).toBeDefined();
    expect(outputLineProblem({ ...delta, type: "made_up" })).toBeDefined();
    const done = s.event({ type: "done", reason: "answer", result: "hi", numSteps: 1, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 } });
    expect(done.turn_id).toBe("7");
    // After the turn, events belong to no turn; a hook-blocked turn (no stored message) still gets an id.
    expect(s.event({ type: "notice", message: "x" }).turn_id).toBeNull();
    expect(s.event({ type: "turn_start", agentId: "a", conversationId: "conv-1" }).turn_id).toMatch(/^local-/);
  });

  it("the e2e check catches seq going backwards", () => {
    const s = new ProtocolStream("c");
    const a = s.event({ type: "notice", message: "a" });
    const b = s.event({ type: "notice", message: "b" });
    expect(() => checkStreamJson(`${JSON.stringify(a)}\n${JSON.stringify(b)}\n`)).not.toThrow();
    expect(() => checkStreamJson(`${JSON.stringify(b)}\n${JSON.stringify(a)}\n`)).toThrow(/seq/);
  });

  it("describes the input lines of --input-format stream-json", () => {
    expect(inputLineProblem({ type: "user", message: { role: "user", content: "hi" } })).toBeUndefined();
    expect(inputLineProblem({ type: "user", message: { role: "user", content: [{ type: "text", text: "hi" }] } })).toBeUndefined();
    expect(inputLineProblem({ type: "control", subtype: "interrupt" })).toBeUndefined();
    expect(inputLineProblem({ type: "control", subtype: "approval", id: "c1", decision: "always" })).toBeUndefined();
    expect(inputLineProblem({ type: "control", subtype: "approval", id: "c1", decision: "maybe" })).toBeDefined();
    expect(inputLineProblem({ type: "user", message: "hi" })).toBeDefined();
  });
});
