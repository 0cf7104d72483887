import { z } from "zod";
import { defineTool, lazySchema, ToolError } from "./types.js";

export const PLAN_LABEL = "plan";
export const PLAN_DESCRIPTION = "The current task's plan (update_plan)";

const stepSchema = () =>
  z.object({
    step: z.string().min(1).describe("What to do, in a few words"),
    status: z.enum(["pending", "in_progress", "done"]),
  });

const planSchema = lazySchema(() =>
  z.object({
    steps: z
      .array(stepSchema())
      .describe("The whole plan, in order (replaces the previous one); an empty list clears it"),
  }),
);

type Step = z.infer<ReturnType<typeof stepSchema>>;

const MARK: Record<Step["status"], string> = { done: "[x]", in_progress: "[>]", pending: "[ ]" };

/** The plan as it sits in core memory: one line a step, readable by the model on every turn. */
export function renderPlan(steps: Step[]): string {
  return steps.map((s, i) => `${MARK[s.status]} ${i + 1}. ${s.step.replace(/\s+/g, " ").trim()}`).join("\n");
}

export const updatePlanTool = defineTool({
  name: "update_plan",
  description:
    "Record the plan for a multi-step task, with each step's status. It is kept in core memory (block `plan`), " +
    "so it survives context compaction. Send the whole list each time; keep at most one step in_progress.",
  parameters: planSchema,
  kind: "memory",
  async run(args, ctx) {
    const steps = args.steps;
    if (steps.length === 0) {
      ctx.memory.core.remove(PLAN_LABEL, { actor: ctx.memoryActor ?? "agent", reason: "plan cleared" });
      return { content: "Plan cleared", display: { kind: "plan", steps: [] } };
    }
    const text = renderPlan(steps);
    try {
      ctx.memory.core.set(PLAN_LABEL, text, { description: PLAN_DESCRIPTION }, { actor: ctx.memoryActor ?? "agent", reason: "plan updated" });
    } catch (e) {
      throw new ToolError(`Could not save the plan: ${(e as Error).message}`);
    }
    const count = (s: Step["status"]) => steps.filter((x) => x.status === s).length;
    const active = count("in_progress");
    const warn = active > 1 ? ` Note: ${active} steps are in_progress; keep one at a time.` : "";
    return {
      content: `Plan updated: ${steps.length} steps (${count("done")} done, ${active} in progress, ${count("pending")} pending).${warn}`,
      display: { kind: "plan", steps: steps.map((s) => ({ step: s.step, status: s.status })) },
    };
  },
});
