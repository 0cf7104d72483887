import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import type { AgentEvent, ReflectionTrigger } from "../../src/agent/events.js";
import type { ReflectionSchedule, SendOptions } from "../../src/agent/session.js";
import { ReflectionScheduler } from "../../src/agent/reflection-scheduler.js";
import { aborted, FakeSession, sleep } from "./fake-session.js";
import { renderApp, strip } from "./helpers.js";

afterEach(() => cleanup());

const ZERO = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
type Pass = (signal?: AbortSignal) => AsyncIterable<AgentEvent>;

/**
 * A session whose reflect() plays scripted passes (the default pass learns one fact), scheduled by the
 * real session-layer scheduler as the Agent does; every turn counts as unreflected until a pass ran.
 */
class ReflectingSession extends FakeSession {
  passes: Pass[] = [];
  triggers: ReflectionTrigger[] = [];
  signals: AbortSignal[] = [];
  schedule: ReflectionSchedule = { mode: "auto", everyTurns: 3 };
  endMs = 3000;
  private unreflected = 0;
  private scheduler = new ReflectionScheduler(
    {
      schedule: () => this.schedule,
      pendingTurns: () => this.unreflected,
      reflect: (o) => {
        this.unreflected = 0;
        return this.reflect(o);
      },
    },
    { reflectOnEnd: true },
  );

  send(raw: string, opts?: SendOptions): AsyncIterable<AgentEvent> {
    const events = super.send(raw, opts);
    const self = this;
    return (async function* () {
      let compacted = false;
      for await (const e of events) {
        if (e.type === "compaction") compacted = true;
        yield e;
      }
      self.unreflected++;
      self.scheduler.afterTurn(compacted);
    })();
  }

  onBackground(listener: (e: AgentEvent) => void) {
    return this.scheduler.subscribe(listener);
  }

  reflectionPending() {
    return this.scheduler.pendingAtEnd();
  }

  reflectInBackground(trigger: ReflectionTrigger = "manual") {
    return this.scheduler.start(trigger);
  }

  async endSession(_reason: string, opts: { signal?: AbortSignal } = {}) {
    await this.scheduler.end(this.endMs, opts.signal);
  }

  reflectionSchedule(): ReflectionSchedule {
    return this.schedule;
  }

  reflect(opts: { trigger?: ReflectionTrigger; signal?: AbortSignal } = {}): AsyncIterable<AgentEvent> {
    this.triggers.push(opts.trigger ?? "manual");
    if (opts.signal) this.signals.push(opts.signal);
    return (this.passes.shift() ?? learns("Tests run with make check, never npm test."))(opts.signal);
  }
}

function learns(text: string, delayMs = 5): Pass {
  return async function* () {
    yield { type: "reflection", phase: "start", trigger: "manual", messages: 4 };
    await sleep(delayMs);
    yield { type: "memory_update", label: "project", action: "append", before: "TypeScript CLI.", after: `TypeScript CLI.\n${text}`, actor: "reflection" };
    yield { type: "reflection", phase: "end", status: "done", messagesReflected: 4, changes: 1, usage: ZERO };
  };
}

const ends = (status: "capped" | "nothing", message: string): Pass =>
  async function* () {
    yield { type: "reflection", phase: "end", status, messagesReflected: 0, changes: 0, usage: ZERO, message };
  };

describe("reflection in the TUI", () => {
  it("/reflect shows each change as it lands", async () => {
    const s = new ReflectingSession();
    const app = renderApp(s);
    await app.submit("/reflect");
    const f = await app.waitFor((f) => f.includes("✻ learned · project:"));
    expect(f).toContain("✻ learned · project: Tests run with make check, never npm test.");
    expect(s.triggers).toEqual(["manual"]);
  });

  it("runs on its own after every N user turns, not before, and never in manual mode", async () => {
    const s = new ReflectingSession();
    const app = renderApp(s);
    for (const t of ["one", "two"]) {
      await app.submit(t);
      await app.waitFor((f) => f.includes(`echo: ${t}`));
    }
    await sleep(50);
    expect(s.triggers).toEqual([]);
    await app.submit("three");
    await app.waitFor((f) => f.includes("✻ learned · project: Tests run with make check"));
    expect(s.triggers).toEqual(["turns"]);

    const manual = new ReflectingSession();
    manual.schedule = { mode: "manual", everyTurns: 1 };
    cleanup();
    const app2 = renderApp(manual);
    await app2.submit("hi");
    await app2.waitFor((f) => f.includes("echo: hi"));
    await sleep(50);
    expect(manual.triggers).toEqual([]);
  });

  it("runs after a turn in which compaction evicted messages, whatever the turn count", async () => {
    const s = new ReflectingSession();
    s.schedule = { mode: "auto", everyTurns: 10 };
    s.script([
      { type: "turn_start", agentId: "agent-1", conversationId: "c1" },
      { type: "compaction", evicted: 12, summaryChars: 800, tokensBefore: 7000, tokensAfter: 2100 },
      { type: "assistant_message", text: "compacted answer", messageId: "m1" },
      { type: "done", reason: "answer", result: "compacted answer", numSteps: 1, usage: ZERO },
    ]);
    const app = renderApp(s);
    await app.submit("go on");
    await app.waitFor((f) => f.includes("✻ learned · project:"));
    expect(s.triggers).toEqual(["compaction"]);
  });

  it("keeps the input live while a slow reflection runs, and shows it on the status line", async () => {
    const s = new ReflectingSession();
    s.passes.push(learns("Slow fact.", 400));
    const app = renderApp(s);
    await app.submit("/reflect");
    await app.waitFor((f) => f.includes("✻ reflecting"));
    await app.press("typing meanwhile");
    expect(app.frame()).toContain("> typing meanwhile");
    await app.waitFor((f) => f.includes("✻ learned · project: Slow fact."));
    await app.waitFor((f) => !f.includes("✻ reflecting"));
  });

  it("the daily cap pauses it with one notice", async () => {
    const s = new ReflectingSession();
    s.schedule = { mode: "auto", everyTurns: 1 };
    const msg = "Reflection paused: today's reflection used 210 tokens, at its daily cap of 200.";
    s.passes.push(ends("capped", msg), ends("capped", msg));
    const app = renderApp(s);
    for (const t of ["one", "two"]) {
      await app.submit(t);
      await app.waitFor((f) => f.includes(`echo: ${t}`));
      await sleep(40);
    }
    expect(s.triggers).toEqual(["turns", "turns"]);
    expect(app.frame().split("Reflection paused").length - 1).toBe(1);
  });

  it("quitting waits for reflection of the unreflected turns, at most the session's end limit", async () => {
    const s = new ReflectingSession();
    const app = renderApp(s);
    await app.submit("remember: we use pnpm");
    await app.waitFor((f) => f.includes("echo: remember"));
    await app.submit("/exit");
    await app.waitFor(() => app.exits.length === 1);
    expect(s.triggers).toEqual(["exit"]);
    // Shown before the app exits (its last frame, after exit, may already be cleared on a busy machine).
    expect(app.frames.some((f) => strip(f).includes("✻ learned · project:"))).toBe(true);

    cleanup();
    const slow = new ReflectingSession();
    slow.passes.push(async function* (signal) {
      yield { type: "reflection", phase: "start", trigger: "exit", messages: 2 };
      await aborted(signal);
      yield { type: "reflection", phase: "end", status: "interrupted", messagesReflected: 0, changes: 0, usage: ZERO };
    });
    slow.endMs = 200;
    const app2 = renderApp(slow);
    await app2.submit("hello");
    await app2.waitFor((f) => f.includes("echo: hello"));
    const started = Date.now();
    await app2.submit("/exit");
    await app2.waitFor((f) => f.includes("saving what was learned"));
    expect(app2.exits).toEqual([]);
    await app2.waitFor(() => app2.exits.length === 1);
    expect(Date.now() - started).toBeLessThan(1500);
    expect(slow.signals[0]!.aborted).toBe(true);
  });

  it("quits at once when nothing is unreflected", async () => {
    const s = new ReflectingSession();
    const app = renderApp(s);
    await app.submit("/exit");
    await app.waitFor(() => app.exits.length === 1);
    expect(s.triggers).toEqual([]);
  });

  it("/cost shows reflection tokens apart from the session's", async () => {
    const s = new ReflectingSession();
    const base = s.stats.bind(s);
    s.stats = () => ({ ...base(), reflectionUsage: { promptTokens: 900, completionTokens: 100, totalTokens: 1000 }, reflectionToday: 4200, reflectionCap: 200000 });
    const app = renderApp(s);
    await app.submit("/cost");
    const f = await app.waitFor((f) => f.includes("reflection"));
    expect(f).toMatch(/reflection\s+1,000 this session · 4,200 today of 200,000 \(daily cap\)/);
  });
});
