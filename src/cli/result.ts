import type { AgentEvent, Usage } from "../agent/events.js";
import type { ResultLine } from "../protocol/schema.js";
import { SCHEMA_VERSION } from "../protocol/version.js";

/** The final object of `--output-format json` and a turn's last line in `stream-json` (before ProtocolStream stamps it). */
export type HeadlessResult = Omit<ResultLine, "turn_id" | "seq" | "ts">;

const SUBTYPE: Record<Extract<AgentEvent, { type: "done" }>["reason"], HeadlessResult["subtype"]> = {
  answer: "success",
  step_limit: "error_max_steps",
  loop_detected: "error_loop",
  error: "error_during_execution",
  interrupted: "interrupted",
};

/** Collects what a result needs while events stream past. */
export class ResultCollector {
  private calls = new Map<string, HeadlessResult["tool_calls"][number]>();
  private apiMs = 0;
  private requestStart = 0;
  done?: Extract<AgentEvent, { type: "done" }>;
  errors: string[] = [];
  reflectionUsage?: Usage;

  constructor(private started: number) {}

  requestBegan(): void {
    this.requestStart = Date.now();
  }

  observe(e: AgentEvent): void {
    if (e.type === "tool_call") this.calls.set(e.id, { id: e.id, name: e.name, input: e.args, is_error: false });
    if (e.type === "tool_result") {
      const c = this.calls.get(e.id);
      if (c) c.is_error = e.state !== "done";
      // The next model request starts once the (last) tool result is in.
      this.requestStart = Date.now();
    }
    if (e.type === "usage" && this.requestStart) {
      this.apiMs += Date.now() - this.requestStart;
      this.requestStart = 0;
    }
    if (e.type === "error") this.errors.push(e.message);
    if (e.type === "done") this.done = e;
  }

  result(info: { agentId: string; conversationId: string; model: string }): HeadlessResult {
    const d = this.done;
    const usage: Usage = d?.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    const reason = d?.reason ?? "error";
    return {
      type: "result",
      subtype: SUBTYPE[reason],
      is_error: reason !== "answer",
      result: d?.result ?? this.errors.join("\n"),
      agent_id: info.agentId,
      session_id: info.conversationId,
      model: info.model,
      num_steps: d?.numSteps ?? 0,
      num_turns: d?.numSteps ?? 0,
      duration_ms: Date.now() - this.started,
      duration_api_ms: this.apiMs,
      usage: {
        prompt_tokens: usage.promptTokens,
        completion_tokens: usage.completionTokens,
        input_tokens: usage.promptTokens,
        output_tokens: usage.completionTokens,
        total_tokens: usage.promptTokens + usage.completionTokens,
      },
      tool_calls: [...this.calls.values()],
      schema_version: SCHEMA_VERSION,
      ...(this.reflectionUsage
        ? {
            reflection_usage: {
              prompt_tokens: this.reflectionUsage.promptTokens,
              completion_tokens: this.reflectionUsage.completionTokens,
              total_tokens: this.reflectionUsage.totalTokens,
            },
          }
        : {}),
    };
  }
}
