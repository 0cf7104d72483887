/**
 * A scripted AgentSession for TUI tests and the TUI benchmark. Each send() plays the next
 * script: a list of events (with small pauses between them, like a real stream) or an async
 * generator function that can wait for approvals or the abort signal.
 */
import type { AgentEvent, Usage } from "../../src/agent/events.js";
import type {
  AgentSession,
  PermissionMode,
  SendOptions,
  SessionInfo,
  SessionStats,
  TranscriptEntry,
} from "../../src/agent/session.js";
import type { Block, MemoryAccess, Passage } from "../../src/memory/access.js";
import type { InstructionFile } from "../../src/agent/instructions.js";
import { expandInput, type InputSources } from "../../src/agent/input-expansion.js";

export type Script = AgentEvent[] | ((text: string, opts: SendOptions) => AsyncIterable<AgentEvent>);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ZERO: Usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

export function done(reason: Extract<AgentEvent, { type: "done" }>["reason"] = "answer", result = ""): AgentEvent {
  return { type: "done", reason, result, numSteps: 1, usage: ZERO };
}

/** An answer streamed in chunks of `size` characters, then the final message and done. */
export function streamed(text: string, size = 8): AgentEvent[] {
  const out: AgentEvent[] = [{ type: "turn_start", agentId: "agent-1", conversationId: "c1" }];
  for (let i = 0; i < text.length; i += size) out.push({ type: "assistant_delta", text: text.slice(i, i + size) });
  out.push({ type: "assistant_message", text, messageId: "m1" }, done("answer", text));
  return out;
}

/** Resolves when the signal aborts (immediately if it already has). */
export function aborted(signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (!signal || signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
}

export class FakeMemory implements MemoryAccess {
  blocks = new Map<string, Block>();
  passages: Passage[] = [];
  nextId = 1;
  recallCount = 0;

  constructor() {
    this.setBlock("persona", "I am a careful coding agent.", 2000);
    this.setBlock("human", "", 2000);
    this.setBlock("project", "TypeScript CLI. Tests: npx vitest run.", 5000);
  }

  setBlock(label: string, value: string, limit = 2000): Block {
    const b: Block = { label, value, limit, description: `the ${label} block`, readOnly: false, updatedAt: "2025-01-01T00:00:00Z" };
    this.blocks.set(label, b);
    return b;
  }

  core = {
    list: () => [...this.blocks.values()],
    get: (label: string) => this.blocks.get(label),
    append: (label: string, content: string) => {
      const b = this.blocks.get(label) ?? this.setBlock(label, "");
      return this.setBlock(label, b.value ? `${b.value}\n${content}` : content, b.limit);
    },
    replace: (label: string, oldContent: string, newContent: string) => {
      const b = this.blocks.get(label)!;
      return this.setBlock(label, b.value.replace(oldContent, newContent), b.limit);
    },
    rethink: (label: string, v: string) => this.setBlock(label, v, this.blocks.get(label)?.limit),
    set: (label: string, value: string, opts?: { limit?: number }) => this.setBlock(label, value, opts?.limit ?? this.blocks.get(label)?.limit),
    remove: (label: string) => this.blocks.delete(label),
    share: (label: string) => {
      const b = this.blocks.get(label);
      if (!b) throw new Error(`There is no block "${label}" to share.`);
      this.blocks.set(label, { ...b, shared: true });
    },
    unshare: (label: string) => {
      const b = this.blocks.get(label);
      if (!b?.shared) throw new Error(`"${label}" is not shared.`);
      this.blocks.set(label, { ...b, shared: false });
    },
  };

  archival = {
    insert: async (text: string, opts?: { tags?: string[] }) => {
      const p: Passage = { id: this.nextId++, text, tags: opts?.tags ?? [], createdAt: "2025-01-02T10:00:00Z" };
      this.passages.push(p);
      return { ids: [p.id], stored: [p.id], alreadyStored: [], pieces: 1, duplicate: false };
    },
    search: async (query: string) => {
      const words = query.toLowerCase().split(/\s+/);
      return this.passages
        .filter((p) => words.some((w) => p.text.toLowerCase().includes(w)))
        .map((p) => ({ ...p, score: 0.5 }));
    },
    list: (opts?: { limit?: number }) => [...this.passages].reverse().slice(0, opts?.limit ?? 20),
    delete: (id: number) => {
      const i = this.passages.findIndex((p) => p.id === id);
      if (i < 0) return false;
      this.passages.splice(i, 1);
      return true;
    },
    count: () => this.passages.length,
  };

  recall = {
    search: async () => [],
    add: () => [],
    count: () => this.recallCount,
  };
}

export class FakeSession implements AgentSession {
  memory = new FakeMemory();
  scripts: Script[] = [];
  sent: { text: string; opts?: SendOptions }[] = [];
  transcript: TranscriptEntry[] = [];
  model = "fake-model";
  mode: PermissionMode = "ask";
  contextTokens = 1200;
  contextWindow = 8000;
  newConversations = 0;
  compactions = 0;
  usage: Usage = { promptTokens: 1000, completionTokens: 234, totalTokens: 1234 };
  /** Delay between scripted events (ms). */
  pace = 1;
  instructions: InstructionFile[] = [];

  /** What input may name (custom commands, skills); expanded by the real input expansion, as the Agent does. */
  input: Omit<InputSources, "projectRoot" | "shell"> = { trusted: false, commands: () => [], skills: () => [] };

  constructor(init: Partial<Pick<FakeSession, "transcript" | "model" | "mode" | "scripts" | "pace" | "input">> = {}) {
    Object.assign(this, init);
  }

  instructionFiles(): InstructionFile[] {
    return this.instructions;
  }

  info(): SessionInfo {
    return {
      agentId: "agent-1",
      agentName: "fake-agent",
      model: this.model,
      baseURL: "http://127.0.0.1:9/v1",
      projectRoot: "/tmp/project",
      contextWindow: this.contextWindow,
      permissionMode: this.mode,
      conversationId: "c1",
    };
  }

  stats(): SessionStats {
    const blocks = this.memory.core.list();
    return {
      contextTokens: this.contextTokens,
      contextWindow: this.contextWindow,
      coreChars: blocks.reduce((a, b) => a + b.value.length, 0),
      coreLimit: blocks.reduce((a, b) => a + b.limit, 0),
      archivalCount: this.memory.archival.count(),
      recallCount: 0,
      sessionUsage: this.usage,
    };
  }

  /** Queue the next turn's script. */
  script(s: Script): this {
    this.scripts.push(s);
    return this;
  }

  get lastSignal(): AbortSignal | undefined {
    return this.sent[this.sent.length - 1]?.opts?.signal;
  }

  expandInput(raw: string) {
    return expandInput(raw, { ...this.input, projectRoot: this.info().projectRoot, shell: { sandbox: false, allowUnsandboxed: true } });
  }

  /** Records what the model would receive: the input as the session layer expands it. */
  send(raw: string, opts?: SendOptions): AsyncIterable<AgentEvent> {
    const self = this;
    return (async function* () {
      const input = opts?.input ?? (await self.expandInput(raw));
      opts?.onInput?.(input);
      for (const message of input.notices) yield { type: "notice", message } as AgentEvent;
      const text = input.text;
      self.sent.push({ text, opts });
      const s = self.scripts.shift() ?? streamed(`echo: ${raw}`);
      if (typeof s === "function") {
        yield* s(text, opts ?? {});
        return;
      }
      for (const ev of s) {
        if (opts?.signal?.aborted) {
          yield done("interrupted");
          return;
        }
        await sleep(self.pace);
        yield ev;
      }
    })();
  }

  async compact() {
    this.compactions++;
    return { type: "compaction" as const, evicted: 12, summaryChars: 800, tokensBefore: 7000, tokensAfter: 2100 };
  }

  newConversation(): void {
    this.newConversations++;
    this.transcript = [];
  }

  recentTranscript(limit: number): TranscriptEntry[] {
    return this.transcript.slice(-limit * 2);
  }

  setModel(model: string): void {
    this.model = model;
  }

  setPermissionMode(mode: PermissionMode): void {
    this.mode = mode;
  }

  close(): void {}
}
