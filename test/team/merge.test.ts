import { describe, expect, it } from "vitest";
import { MAX_MERGE_EDITS, mergeBlock } from "../../src/team/merge.js";

describe("three-way merge of a block edited on two machines", () => {
  const base = "Build: npm run build\nTest: npm test\nDeploy: friday";

  it("applies both sides' changes to different lines", () => {
    const ours = "Build: pnpm build\nTest: npm test\nDeploy: friday";
    const theirs = "Build: npm run build\nTest: npm test\nDeploy: thursday";
    expect(mergeBlock(base, ours, theirs, true)).toEqual({ text: "Build: pnpm build\nTest: npm test\nDeploy: thursday", conflict: false });
  });

  it("keeps two appends at the same place, the earlier first, on either machine", () => {
    const a = `${base}\nA's line`;
    const b = `${base}\nB's line`;
    // On B, A's edit (the earlier one) arrives; on A, B's (the later one) does: both end the same.
    const onB = mergeBlock(base, b, a, false);
    const onA = mergeBlock(base, a, b, true);
    expect(onB).toEqual({ text: `${base}\nA's line\nB's line`, conflict: false });
    expect(onA).toEqual(onB);
  });

  it("on overlapping changes keeps the later edit and says there was a conflict", () => {
    const ours = "Build: npm run build\nTest: vitest\nDeploy: friday";
    const theirs = "Build: npm run build\nTest: jest\nDeploy: friday";
    expect(mergeBlock(base, ours, theirs, true)).toEqual({ text: theirs, conflict: true });
    expect(mergeBlock(base, ours, theirs, false)).toEqual({ text: ours, conflict: true });
  });

  it("takes the other side whole when ours did not change, and nothing when both agree", () => {
    expect(mergeBlock(base, base, "x", false)).toEqual({ text: "x", conflict: false });
    expect(mergeBlock(base, "same", "same", true)).toEqual({ text: "same", conflict: false });
  });

  it("a side that changes more lines than MAX_MERGE_EDITS is one conflict over the whole block: the later edit wins, on either machine", () => {
    const lines = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i)).join("\n");
    const big = lines(MAX_MERGE_EDITS + 10, (i) => `line ${i}`);
    const ours = big.replace("line 0", "line zero");
    const theirs = lines(MAX_MERGE_EDITS + 10, (i) => (i === 0 ? "line 0" : `rewritten ${i}`));
    expect(mergeBlock(big, ours, theirs, true)).toEqual({ text: theirs, conflict: true });
    expect(mergeBlock(big, theirs, ours, false)).toEqual({ text: theirs, conflict: true });
  });
});
