import { z } from "zod";
import { SUBAGENT_FAILED, SUBAGENT_NOT_STARTED, SUBAGENT_OUTSIDE_TURN, taskToolDescription, UNKNOWN_SUBAGENT } from "../agent/prompts.js";
import { defineTool, lazySchema, ToolError, type Tool } from "../tools/types.js";
import type { SubagentDefinition } from "./definitions.js";
import { runSubagent, type SubagentHost } from "./runner.js";
import { TASK_TOOL } from "./tool-names.js";

export const DEFAULT_SUBAGENT_CONCURRENCY = 4;

/** At most `limit` holders at once; the rest wait in order (or give up when their signal aborts). */
export class Limiter {
  private active = 0;
  private waiting: (() => void)[] = [];
  constructor(private limit: number) {}

  async acquire(signal: AbortSignal): Promise<boolean> {
    if (this.active < this.limit) {
      this.active++;
      return true;
    }
    return new Promise<boolean>((resolve) => {
      const go = () => {
        signal.removeEventListener("abort", stop);
        this.active++;
        resolve(true);
      };
      const stop = () => {
        this.waiting = this.waiting.filter((w) => w !== go);
        resolve(false);
      };
      this.waiting.push(go);
      signal.addEventListener("abort", stop, { once: true });
    });
  }

  release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}

const params = lazySchema(() =>
  z
    .object({
      agent: z.string().optional().describe("Which subagent to start (one of the names listed)"),
      subagent_type: z.string().optional().describe("Same as agent (Claude Code's name for it)"),
      description: z.string().describe("A short (3-5 word) description of the task, shown to the user"),
      prompt: z.string().min(1).describe("The full task for the subagent: it sees nothing else of this conversation"),
    })
    .refine((a) => a.agent !== undefined || a.subagent_type !== undefined, { message: "give agent (the subagent's name)" }),
);

/**
 * The `task` tool: one call starts one subagent (runner.ts) and returns its final answer. Calls in one
 * step run at the same time, at most `concurrency` of them; a failing one is its own call's error only.
 */
export function createTaskTool(opts: { agents: () => readonly SubagentDefinition[]; host: () => SubagentHost; concurrency: number }): Tool {
  const limiter = new Limiter(Math.max(1, opts.concurrency));
  // Faces hold one question at a time (the TUI's prompt, a stdio program's answer by id): subagents
  // running side by side take turns at the user, each question announced only when it is asked.
  let asking: Promise<unknown> = Promise.resolve();
  const oneAtATime = <T>(ask: () => Promise<T>): Promise<T> => {
    const answer = asking.then(ask);
    asking = answer.catch(() => undefined);
    return answer;
  };
  return defineTool({
    name: TASK_TOOL,
    description: taskToolDescription([...opts.agents()]),
    runtimeDescription: true,
    // The subagent's own calls are asked about one by one, through the parent's gate: starting it needs no question.
    kind: "read",
    concurrent: true,
    parameters: params,
    ruleSubject: (a) => a.agent ?? a.subagent_type,
    async run(args, ctx) {
      const name = (args.agent ?? args.subagent_type)!;
      const agents = opts.agents();
      // Claude Code's model may say "Explore" for our "explore".
      const def = agents.find((d) => d.name === name) ?? agents.find((d) => d.name.toLowerCase() === name.toLowerCase());
      if (!def) throw new ToolError(UNKNOWN_SUBAGENT(name, agents.map((d) => d.name)));
      if (!ctx.call) throw new ToolError(SUBAGENT_OUTSIDE_TURN);
      if (!(await limiter.acquire(ctx.signal))) return { content: SUBAGENT_NOT_STARTED };
      try {
        const run = await runSubagent(opts.host(), def, args.prompt, {
          parentCallId: ctx.call.id,
          signal: ctx.signal,
          emit: ctx.call.emit,
          approve: ctx.call.approve,
          oneAtATime,
          turnAllows: ctx.call.turnAllows,
          checkpoint: ctx.checkpoint,
        });
        const link = `[subagent ${def.name}, conversation ${run.conversationId}]`;
        const failed = run.reason === "error" || run.reason === "step_limit" || run.reason === "loop_detected";
        const content = failed ? `${SUBAGENT_FAILED(def.name, run.answer)}\n${link}` : `${run.answer}\n\n${link}`;
        return { content, isError: failed, usage: run.usage, display: { kind: "text", text: run.answer } };
      } finally {
        limiter.release();
      }
    },
  });
}
