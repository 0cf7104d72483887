import { describe, expect, it } from "vitest";
import { expansionTerms, markSuperseded, suppressNearDuplicates, withNeighbours } from "../../src/memory/ranking.js";

describe("neighbour scoring", () => {
  it("lifts the answer that follows the question naming it, even when the answer shares no word", () => {
    // 1: "Which port does the dev server listen on?"  2: "It listens on 5173."  3: unrelated
    const scores = new Map([[1, 1], [7, 0.5]]);
    const out = withNeighbours(scores, new Map([[1, [{ id: 2, join: true }]], [7, [{ id: 8, join: true }]]]));
    expect(out.get(2)).toBeCloseTo(0.6);
    expect(out.get(2)!).toBeGreaterThan(out.get(7)!);
    expect(out.get(1)).toBe(1);
  });

  it("counts only the best neighbour, and lets a non-joining neighbour strengthen but not enter", () => {
    const scores = new Map([[1, 1], [3, 0.8], [5, 1]]);
    const out = withNeighbours(
      scores,
      new Map([
        [1, [{ id: 2, join: true }]],
        [3, [{ id: 2, join: true }]],
        [5, [{ id: 6, join: false }, { id: 3, join: false }]],
      ]),
    );
    expect(out.get(2)).toBeCloseTo(0.6); // from 1, not 0.6 + 0.48
    expect(out.has(6)).toBe(false);
    expect(out.get(3)).toBeCloseTo(0.8 + 0.6);
  });
});

describe("superseded facts", () => {
  const p = (id: number, text: string, createdAt: string): { id: number; text: string; createdAt: string; supersededBy?: number } => ({ id, text, createdAt });

  it("ranks the newer of two contradicting facts first and marks the older one", () => {
    const out = markSuperseded([
      p(1, "Background jobs go through RabbitMQ for now.", "2026-02-03T10:00:00Z"),
      p(2, "Unrelated: the staging box is qa-box-3.lan", "2026-02-10T10:00:00Z"),
      p(3, "We're moving off RabbitMQ; from now on the background jobs go through NATS.", "2026-03-01T10:00:00Z"),
    ]);
    expect(out.map((x) => x.id)).toEqual([3, 1, 2]);
    expect(out.find((x) => x.id === 1)!.supersededBy).toBe(3);
    expect(out.find((x) => x.id === 3)!.supersededBy).toBeUndefined();
    expect(out.find((x) => x.id === 2)!.supersededBy).toBeUndefined();
  });

  it("does not mark facts from the same day, on other subjects, or without a sign of change", () => {
    expect(
      markSuperseded([
        p(1, "The upstream request timeout is 30 seconds.", "2026-02-03T10:00:00Z"),
        p(2, "OK, upstream request timeout set to 30 seconds now.", "2026-02-03T10:05:00Z"),
      ]).every((x) => x.supersededBy === undefined),
    ).toBe(true);
    expect(
      markSuperseded([
        p(1, "Lint with eslint before committing.", "2026-02-03T10:00:00Z"),
        p(2, "We switched the deploy target to Fly.io.", "2026-03-03T10:00:00Z"),
      ]).every((x) => x.supersededBy === undefined),
    ).toBe(true);
    expect(
      markSuperseded([
        p(1, "Ran the test suite: all green in src/db/pool.ts", "2026-02-03T10:00:00Z"),
        p(2, "Ran the test suite: all green in src/api/routes.ts", "2026-03-03T10:00:00Z"),
      ]).every((x) => x.supersededBy === undefined),
    ).toBe(true);
  });
});

describe("near-duplicate suppression", () => {
  it("keeps the best-ranked of results that say the same thing", () => {
    const out = suppressNearDuplicates([
      { id: 1, text: "Ran the suite: all green except one slow test in src/db/pool.ts, which passes on retry." },
      { id: 2, text: "Ran the suite:  all green except one slow test in src/db/pool.ts which passes on retry" },
      { id: 3, text: "Fixed createPool in src/db/pool.ts and added a regression test." },
    ]);
    expect(out.map((x) => x.id)).toEqual([1, 3]);
  });
});

describe("query expansion", () => {
  it("picks the rare word the best results share (the function a bug was traced to)", () => {
    const feedback = [
      "Something's wrong: the nightly export times out on large accounts.",
      "Found it: retryWithBackoff gives up after three attempts with no delay between them.",
    ];
    const df: Record<string, number> = { retrywithbackoff: 4, attempts: 40, nightly: 2 };
    const words = expansionTerms(feedback, "which file got the fix for the nightly export timeout", (w) => df[w] ?? 500, 2000);
    expect(words[0]).toBe("retrywithbackoff");
    expect(words).not.toContain("nightly"); // already asked
  });
});
