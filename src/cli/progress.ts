import type { AgentEvent } from "../agent/events.js";

/** Human-readable progress lines for stderr in headless mode (only when asked or on a terminal). */
export function progressLine(e: AgentEvent): string | null {
  switch (e.type) {
    case "tool_call":
      return e.name === "task" ? `→ task ${taskArg(e.args)}`.trimEnd() : `→ ${e.name} ${keyArg(e.args)}`.trimEnd();
    case "tool_result":
      return e.state === "done" ? null : `  ${e.name} ${e.state}: ${firstLine(e.content)}`;
    case "retry":
      return `model request failed (${e.reason}); retry ${e.attempt} in ${Math.round(e.delayMs / 100) / 10}s`;
    case "compaction":
      return `context compacted: ${e.evicted} messages summarised (${e.tokensBefore} → ${e.tokensAfter} tokens)`;
    case "memory_update":
      return `✎ memory ${e.action} in "${e.label}"`;
    case "memory_pressure":
      return `context ${Math.round((e.tokens / e.window) * 100)}% full: agent warned to save memory`;
    case "notice":
      return `note: ${e.message}`;
    case "progress":
      return null; // the download printer draws these on stderr already
    case "error":
      return `error: ${e.message}`;
    case "subagent": {
      // A subagent's tool calls and failures, indented under the task call they belong to.
      if (e.event.type !== "tool_call" && e.event.type !== "tool_result" && e.event.type !== "error") return null;
      const inner = progressLine(e.event);
      return inner ? `  [${e.agent}] ${inner.trimStart()}` : null;
    }
    case "reflection":
      return e.phase === "start" ? `✻ reflecting on ${e.messages} messages` : e.status === "done" ? `✻ reflected: ${e.changes} change(s)` : null;
    default:
      return null;
  }
}

function taskArg(args: unknown): string {
  const a = (args ?? {}) as Record<string, unknown>;
  const who = a.agent ?? a.subagent_type;
  return `${typeof who === "string" ? who : "?"}${typeof a.description === "string" ? `: ${a.description}` : ""}`;
}

function keyArg(args: unknown): string {
  if (!args || typeof args !== "object") return "";
  const a = args as Record<string, unknown>;
  const v = a.command ?? a.path ?? a.pattern ?? a.query ?? a.label;
  return typeof v === "string" ? firstLine(v).slice(0, 120) : "";
}

function firstLine(s: string): string {
  return s.split("\n", 1)[0];
}

/**
 * Download progress of the embedding model on stderr: redrawn in place on a terminal,
 * a line per 25% otherwise (logs stay short).
 */
export function embeddingProgressPrinter(stream: NodeJS.WriteStream = process.stderr) {
  const lastStep = new Map<string, number>();
  return (p: { file: string; loaded: number; total: number; progress: number }) => {
    const pct = Math.max(0, Math.min(100, Math.round(p.progress)));
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    const text = `downloading embedding model: ${p.file} ${pct}% (${mb(p.loaded)}/${mb(p.total)} MB)`;
    if (stream.isTTY) {
      const width = 20;
      const bar = "█".repeat(Math.round((pct / 100) * width)).padEnd(width, "░");
      stream.write(`\r${bar} ${text}\u001b[K${pct >= 100 ? "\n" : ""}`);
      return;
    }
    const step = Math.floor(pct / 25);
    if (lastStep.get(p.file) === step) return;
    lastStep.set(p.file, step);
    stream.write(`${text}\n`);
  };
}
