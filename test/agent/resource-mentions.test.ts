import { describe, expect, it } from "vitest";
import { expandResources, mentionedResources } from "../../src/agent/resource-mentions.js";

const reader = (texts: Record<string, string>) => ({
  serverNames: () => ["docs", "db"],
  async readResource(server: string, uri: string) {
    const text = texts[`${server}:${uri}`];
    if (text === undefined) throw new Error("Resource not found");
    return { text, bytes: text.length };
  },
});

describe("@server:uri resources", () => {
  it("only mentions of a configured server count: e-mail addresses and paths stay text", () => {
    expect(mentionedResources("see @docs:guide://intro, and mail me@example.com or @src/a.ts or @other:x://y", ["docs"])).toEqual([
      { server: "docs", uri: "guide://intro" },
    ]);
  });

  it("attaches each resource in a fence, caps it, and reports the ones that failed", async () => {
    const r = await expandResources("compare @docs:a://1 with @db:b://2 and @docs:missing://x", reader({ "docs:a://1": "one", "db:b://2": "x".repeat(50) }), 10);
    expect(r.text).toBe(
      "compare @docs:a://1 with @db:b://2 and @docs:missing://x\n\nAttached resources:\n\n```docs:a://1\none\n```\n\n```db:b://2\nxxxxxxxxxx\n```\n(truncated to 0 KB)",
    );
    expect(r.attachments.map((a) => [a.path, a.truncated])).toEqual([["docs:a://1", false], ["db:b://2", true]]);
    expect(r.failed).toEqual(["docs:missing://x (Resource not found)"]);
  });
});
