import { readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import type { SessionUpdate, StopReason, ToolCallContent, ToolCallStatus, ToolKind } from "@agentclientprotocol/sdk";
import type { PublicEvent } from "../protocol/schema.js";

/** What a face knows of a tool by its name: ACP's kinds are for icons and grouping in the editor. */
export function toolKind(name: string): ToolKind {
  if (name === "read_file") return "read";
  if (name === "list_files" || name === "grep") return "search";
  if (name === "write_file" || name === "edit_file") return "edit";
  if (name === "run_shell") return "execute";
  if (/memory|conversation_search|update_plan|load_skill/.test(name)) return "think";
  return "other";
}

const STATUS: Record<Extract<PublicEvent, { type: "tool_update" }>["state"], ToolCallStatus> = {
  validating: "pending",
  awaiting_approval: "pending",
  running: "in_progress",
  done: "completed",
  error: "failed",
  denied: "failed",
  cancelled: "failed",
};

export const STOP: Record<Extract<PublicEvent, { type: "done" }>["reason"], StopReason> = {
  answer: "end_turn",
  step_limit: "max_turn_requests",
  loop_detected: "end_turn",
  interrupted: "cancelled",
  error: "end_turn",
};

function argPath(args: unknown): string | undefined {
  const p = (args as { path?: unknown } | null)?.path;
  return typeof p === "string" && p ? p : undefined;
}

export function title(name: string, args: unknown): string {
  const a = (args ?? {}) as Record<string, unknown>;
  if (name === "task") {
    const who = typeof a.agent === "string" ? a.agent : typeof a.subagent_type === "string" ? a.subagent_type : "subagent";
    return `Task ${who}${typeof a.description === "string" && a.description ? `: ${a.description}` : ""}`;
  }
  if (name === "run_shell" && typeof a.command === "string") return `Run ${a.command}`;
  const path = argPath(args);
  if (name === "read_file" && path) return `Read ${path}`;
  if (name === "write_file" && path) return `Write ${path}`;
  if (name === "edit_file" && path) return `Edit ${path}`;
  if (name === "grep" && typeof a.pattern === "string") return `Search for ${a.pattern}`;
  return name;
}

const text = (t: string) => ({ type: "content" as const, content: { type: "text" as const, text: t } });

/**
 * Public events of one session -> ACP session updates. Keeps what a later update needs: a file's
 * text before an edit, so the editor gets a real old/new diff rather than our unified one.
 */
export class AcpUpdates {
  private calls = new Map<string, { name: string; title: string; abs?: string; oldText?: string | null }>();
  /** Each running task call's subagent: its tool calls so far, the content of the parent's tool call. */
  private subagents = new Map<string, { id: string; title: string; state: string }[]>();

  constructor(private projectRoot: string) {}

  toolCallFields(id: string): { title: string; kind: ToolKind; locations?: { path: string }[] } {
    const c = this.calls.get(id);
    return { title: c?.title ?? id, kind: toolKind(c?.name ?? ""), ...(c?.abs ? { locations: [{ path: c.abs }] } : {}) };
  }

  updates(e: PublicEvent): SessionUpdate[] {
    switch (e.type) {
      case "assistant_delta":
        return e.text ? [{ sessionUpdate: "agent_message_chunk", content: { type: "text", text: e.text } }] : [];
      case "tool_call": {
        const path = argPath(e.args);
        const abs = path ? (isAbsolute(path) ? path : resolve(this.projectRoot, path)) : undefined;
        let oldText: string | null | undefined;
        if (abs && toolKind(e.name) === "edit") {
          try {
            oldText = readFileSync(abs, "utf8");
          } catch {
            oldText = null;
          }
        }
        this.calls.set(e.id, { name: e.name, title: title(e.name, e.args), abs, oldText });
        return [
          {
            sessionUpdate: "tool_call",
            toolCallId: e.id,
            title: title(e.name, e.args),
            kind: toolKind(e.name),
            status: "pending",
            rawInput: e.args,
            ...(abs ? { locations: [{ path: abs }] } : {}),
          },
        ];
      }
      case "tool_update":
        return [{ sessionUpdate: "tool_call_update", toolCallId: e.id, status: STATUS[e.state] }];
      case "tool_result": {
        const out: SessionUpdate[] = [{ sessionUpdate: "tool_call_update", toolCallId: e.id, content: this.resultContent(e), rawOutput: { content: e.content } }];
        const plan = this.plan(e);
        return plan ? [...out, plan] : out;
      }
      case "subagent":
        return this.subagentUpdate(e);
      case "memory_update":
        return [
          {
            sessionUpdate: "agent_thought_chunk",
            content: { type: "text", text: `Memory ${e.action} in block "${e.label}"${e.reason ? `: ${e.reason}` : ""}\n` },
          },
        ];
      case "notice":
        return [{ sessionUpdate: "agent_thought_chunk", content: { type: "text", text: `${e.message}\n` } }];
      case "error":
        return [{ sessionUpdate: "agent_message_chunk", content: { type: "text", text: `\n\nError: ${e.message}\n` } }];
      default:
        return [];
    }
  }

  private resultContent(e: Extract<PublicEvent, { type: "tool_result" }>): ToolCallContent[] {
    const d = e.display;
    const call = this.calls.get(e.id);
    if (d?.kind === "diff" && e.state === "done" && call?.abs) {
      let newText: string | undefined;
      try {
        newText = readFileSync(call.abs, "utf8");
      } catch {
        /* gone again: fall back to the unified diff */
      }
      if (newText !== undefined) return [{ type: "diff", path: call.abs, oldText: call.oldText ?? null, newText }];
    }
    if (d?.kind === "shell") {
      const status = d.timedOut ? "timed out" : `exit ${d.exitCode ?? "?"}`;
      return [text(`\`\`\`\n$ ${d.command}\n${d.output}${d.output.endsWith("\n") || !d.output ? "" : "\n"}\`\`\`\n${status}`)];
    }
    if (d?.kind === "diff") return [text(`\`\`\`diff\n${d.diff}\n\`\`\``)];
    if (d?.kind === "text") return [text(d.text)];
    return [text(e.content)];
  }

  /**
   * A subagent's work is the content of its task call (ACP has no nested tool calls): one line per
   * call it made, with its state, re-sent whole as it changes.
   */
  private subagentUpdate(e: Extract<PublicEvent, { type: "subagent" }>): SessionUpdate[] {
    const steps = this.subagents.get(e.parent_tool_use_id) ?? [];
    this.subagents.set(e.parent_tool_use_id, steps);
    const inner = e.event;
    if (inner.type === "tool_call") steps.push({ id: inner.id, title: title(inner.name, inner.args), state: "running" });
    else if (inner.type === "tool_result" || inner.type === "tool_update") {
      const step = steps.find((s) => s.id === inner.id);
      if (!step || step.state === inner.state) return [];
      step.state = inner.state;
    } else return [];
    const mark: Record<string, string> = { done: "✓", error: "✗", denied: "✗", cancelled: "⊘", awaiting_approval: "?" };
    const lines = steps.map((s) => `${mark[s.state] ?? "…"} ${s.title}`).join("\n");
    return [{ sessionUpdate: "tool_call_update", toolCallId: e.parent_tool_use_id, status: "in_progress", content: [text(`${e.agent}:\n${lines}`)] }];
  }

  /** An update_plan result as ACP's own plan view. */
  private plan(e: PublicEvent): SessionUpdate | undefined {
    if (e.type !== "tool_result" || e.display?.kind !== "plan") return undefined;
    return {
      sessionUpdate: "plan",
      entries: e.display.steps.map((s) => ({
        content: s.step,
        priority: "medium" as const,
        status: s.status === "done" ? ("completed" as const) : s.status,
      })),
    };
  }
}
