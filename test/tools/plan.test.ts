import { describe, expect, it } from "vitest";
import { PLAN_LABEL, updatePlanTool } from "../../src/tools/plan.js";
import { call, fakeMemory, makeCtx } from "./helpers.js";

describe("update_plan", () => {
  it("writes the plan as readable text into the core memory block `plan`", async () => {
    const memory = fakeMemory();
    const ctx = makeCtx("/tmp", { memory });
    const steps = [
      { step: "Read the failing test", status: "done" },
      { step: "Fix the parser", status: "in_progress" },
      { step: "Run the suite", status: "pending" },
    ];
    const r = await call(updatePlanTool, { steps }, ctx);
    const block = memory.core.get(PLAN_LABEL);
    expect(block?.value).toBe("[x] 1. Read the failing test\n[>] 2. Fix the parser\n[ ] 3. Run the suite");
    expect(block?.description).toBe("The current task's plan (update_plan)");
    expect(r.content).toContain("3 steps (1 done, 1 in progress, 1 pending)");
    expect(r.display).toEqual({ kind: "plan", steps });
    expect(updatePlanTool.kind).toBe("memory");
  });

  it("replaces the previous plan, warns about several in-progress steps, and clears on an empty list", async () => {
    const memory = fakeMemory();
    const ctx = makeCtx("/tmp", { memory });
    await call(updatePlanTool, { steps: [{ step: "old", status: "pending" }] }, ctx);
    const r = await call(updatePlanTool, { steps: [{ step: "a", status: "in_progress" }, { step: "b", status: "in_progress" }] }, ctx);
    expect(memory.core.get(PLAN_LABEL)?.value).toBe("[>] 1. a\n[>] 2. b");
    expect(r.content).toMatch(/2 steps are in_progress/);
    const cleared = await call(updatePlanTool, { steps: [] }, ctx);
    expect(cleared.content).toBe("Plan cleared");
    expect(memory.core.get(PLAN_LABEL)).toBeUndefined();
  });

  it("rejects unknown statuses at validation and reports memory failures as tool errors", async () => {
    expect(updatePlanTool.parameters.safeParse({ steps: [{ step: "x", status: "blocked" }] }).success).toBe(false);
    const memory = fakeMemory();
    memory.core.set = () => {
      throw new Error("block plan is over its 2000 character limit");
    };
    const r = await call(updatePlanTool, { steps: [{ step: "x", status: "pending" }] }, makeCtx("/tmp", { memory }));
    expect(r.error).toMatch(/Could not save the plan: block plan is over/);
  });
});
