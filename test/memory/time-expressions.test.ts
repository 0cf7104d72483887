import { describe, expect, it } from "vitest";
import { resolveTimeExpressions } from "../../src/memory/time-expressions.js";

// Wednesday 18 March 2026, 15:00 local time.
const now = new Date(2026, 2, 18, 15, 0, 0);
const day = (y: number, m: number, d: number) => new Date(y, m - 1, d).toISOString();
const endOfDay = (y: number, m: number, d: number) => new Date(new Date(y, m - 1, d + 1).getTime() - 1).toISOString();

describe("relative dates in a question", () => {
  it("turns yesterday, N days ago and a weekday into that day", () => {
    expect(resolveTimeExpressions("what did we try yesterday for the flaky test", now)).toEqual({
      query: "what did we try for the flaky test",
      from: day(2026, 3, 17),
      to: endOfDay(2026, 3, 17),
    });
    expect(resolveTimeExpressions("the error from 3 days ago", now)).toMatchObject({ from: day(2026, 3, 15), to: endOfDay(2026, 3, 15) });
    // "last Tuesday" and "on Tuesday" both look back to the most recent Tuesday.
    expect(resolveTimeExpressions("what did we try last Tuesday", now)).toMatchObject({ query: "what did we try", from: day(2026, 3, 17) });
    expect(resolveTimeExpressions("what did we decide on Wednesday", now)).toMatchObject({ from: day(2026, 3, 11), to: endOfDay(2026, 3, 11) });
  });

  it("turns weeks and months into periods", () => {
    expect(resolveTimeExpressions("what broke last week", now)).toMatchObject({ from: day(2026, 3, 9), to: endOfDay(2026, 3, 15) });
    expect(resolveTimeExpressions("decisions in February", now)).toMatchObject({ query: "decisions", from: day(2026, 2, 1), to: endOfDay(2026, 2, 28) });
    expect(resolveTimeExpressions("the deploy in the first week of March", now)).toMatchObject({ from: day(2026, 3, 1), to: endOfDay(2026, 3, 7) });
    expect(resolveTimeExpressions("what happened on March 3", now)).toMatchObject({ from: day(2026, 3, 3), to: endOfDay(2026, 3, 3) });
    // A month later in the year than now means last year's.
    expect(resolveTimeExpressions("the outage in November", now)).toMatchObject({ from: day(2025, 11, 1) });
  });

  it("reads 'before/after <event>' as an anchor to look up, not a date", () => {
    expect(resolveTimeExpressions("what did we use for the queue before we switched to NATS", now)).toEqual({
      query: "what did we use for the queue",
      anchor: { direction: "before", text: "switched to NATS" },
    });
    expect(resolveTimeExpressions("errors since the migration", now)).toMatchObject({ anchor: { direction: "after", text: "the migration" } });
  });

  it("leaves present-tense questions and dateless ones alone; 'recently' is a preference, not a filter", () => {
    expect(resolveTimeExpressions("what do we use for data access today", now)).toEqual({ query: "what do we use for data access today" });
    expect(resolveTimeExpressions("which port does the dev server use", now)).toEqual({ query: "which port does the dev server use" });
    expect(resolveTimeExpressions("what did we change recently", now)).toEqual({ query: "what did we change", recent: true });
  });

  it("still reads every kind of phrase once questions without a time word are passed over", () => {
    const read = [
      "what broke earlier today", "the crash last night", "the day before yesterday", "a week ago", "two weeks ago",
      "in the last 5 days", "earlier this week", "the past month", "this month", "on Friday", "the second week of feb",
      "on sept 5", "on dec. 3", "the 3rd of march", "on 2026-03-01", "back in jan",
      "prior to the move", "until the release", "after we split the repo", "the other day", "a while ago", "the latest build", "lately",
    ];
    for (const q of read) expect(resolveTimeExpressions(`what did we try ${q}`, now), q).not.toEqual({ query: `what did we try ${q}` });
    expect(resolveTimeExpressions("why does yesterday_job fail", now)).toEqual({ query: "why does yesterday_job fail" });
  });
});
