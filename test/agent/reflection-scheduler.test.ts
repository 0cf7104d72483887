import { describe, expect, it } from "vitest";
import type { AgentEvent, ReflectionTrigger } from "../../src/agent/events.js";
import { ReflectionScheduler } from "../../src/agent/reflection-scheduler.js";
import type { ReflectionSchedule } from "../../src/agent/session.js";

const ZERO = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

/** A store-like count of unreflected turns that a pass clears, and passes that take `ms`. */
function host(opts: { schedule?: ReflectionSchedule; pending?: number; ms?: number; fail?: boolean } = {}) {
  const h = {
    schedule: opts.schedule ?? { mode: "auto" as const, everyTurns: 3 },
    pending: opts.pending ?? 0,
    triggers: [] as ReflectionTrigger[],
    aborted: 0,
  };
  return {
    h,
    scheduler: (reflectOnEnd = true) =>
      new ReflectionScheduler(
        {
          schedule: () => h.schedule,
          pendingTurns: () => h.pending,
          reflect: ({ trigger, signal }) => {
            h.triggers.push(trigger);
            return (async function* (): AsyncGenerator<AgentEvent> {
              await new Promise((r) => {
                const t = setTimeout(r, opts.ms ?? 1);
                signal.addEventListener("abort", () => {
                  h.aborted++;
                  clearTimeout(t);
                  r(undefined);
                });
              });
              if (!opts.fail && !signal.aborted) h.pending = 0;
              yield { type: "reflection", phase: "end", status: opts.fail ? "failed" : "done", messagesReflected: 1, changes: 0, usage: ZERO };
            })();
          },
        },
        { reflectOnEnd },
      ),
  };
}

const turn = (x: { h: { pending: number } }, s: ReflectionScheduler, compacted = false) => {
  x.h.pending++;
  s.afterTurn(compacted);
};
const settle = () => new Promise((r) => setTimeout(r, 20));

describe("the session's reflection schedule", () => {
  it("counts unreflected turns from the store: a new session whose first turn makes 3 reflects at once", async () => {
    const x = host({ pending: 2 });
    const s = x.scheduler(false);
    turn(x, s);
    await settle();
    expect(x.h.triggers).toEqual(["turns"]);
  });

  it("reflects every N turns, not before, and never in manual mode", async () => {
    const x = host();
    const s = x.scheduler();
    turn(x, s);
    turn(x, s);
    await settle();
    expect(x.h.triggers).toEqual([]);
    turn(x, s);
    await settle();
    expect(x.h.triggers).toEqual(["turns"]);
    const m = host({ schedule: { mode: "manual", everyTurns: 1 } });
    const ms = m.scheduler();
    turn(m, ms);
    await settle();
    expect(m.h.triggers).toEqual([]);
  });

  it("a failing pass is not retried on every turn: it waits everyTurns more", async () => {
    const x = host({ fail: true, pending: 2 });
    const s = x.scheduler();
    turn(x, s);
    await settle();
    turn(x, s);
    turn(x, s);
    await settle();
    expect(x.h.triggers).toEqual(["turns"]);
    turn(x, s);
    await settle();
    expect(x.h.triggers).toEqual(["turns", "turns"]);
  });

  it("a compaction that evicted messages reflects whatever the count", async () => {
    const x = host({ schedule: { mode: "auto", everyTurns: 10 } });
    const s = x.scheduler();
    turn(x, s, true);
    await settle();
    expect(x.h.triggers).toEqual(["compaction"]);
  });

  it("ending reflects on the session's own unreflected turns; a one-shot session does not", async () => {
    const x = host();
    const s = x.scheduler();
    expect(s.pendingAtEnd()).toBe(false);
    turn(x, s);
    expect(s.pendingAtEnd()).toBe(true);
    await s.end(1000);
    expect(x.h.triggers).toEqual(["exit"]);

    const y = host();
    const once = y.scheduler(false);
    turn(y, once);
    await once.end(1000);
    expect(y.h.triggers).toEqual([]);
  });

  it("ending waits at most its limit, then stops the pass; an aborted end stops it at once", async () => {
    const x = host({ ms: 5000 });
    const s = x.scheduler();
    turn(x, s);
    const t = Date.now();
    await s.end(100);
    expect(Date.now() - t).toBeLessThan(1000);
    expect(x.h.aborted).toBe(1);

    const y = host({ ms: 5000, pending: 2 });
    const s2 = y.scheduler();
    turn(y, s2);
    await settle();
    const ac = new AbortController();
    ac.abort();
    await s2.end(10_000, ac.signal);
    await settle();
    expect(y.h.aborted).toBe(1);
  });
});
