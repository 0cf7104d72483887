import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { Store } from "../../src/store/store.js";
import { AgentCoreMemory } from "../../src/memory/core-memory.js";
import { agentBlocks } from "../../src/memory/block-source.js";
import { renderMemory } from "../../src/memory/render.js";
import { tempDir } from "../helpers/temp.js";

describe("core memory", () => {
  let store: Store;
  let core: AgentCoreMemory;
  const changes: string[] = [];

  beforeEach(() => {
    store = Store.open(join(tempDir(), ".letta"));
    const agent = store.agents.create("a");
    core = new AgentCoreMemory(agentBlocks(store.blocks, agent.id), (label, action) => changes.push(`${action}:${label}`));
    core.set("human", "Name: Ana", { limit: 60 });
    core.set("project", "", { limit: 200 });
    core.set("policy", "Never push to main", { readOnly: true });
    changes.length = 0;
  });

  it("appends on a new line and reports the change", () => {
    core.append("human", "Prefers pnpm");
    expect(core.get("human")?.value).toBe("Name: Ana\nPrefers pnpm");
    expect(changes).toEqual(["append:human"]);
  });

  it("replaces exact text", () => {
    core.replace("human", "Ana", "Ana Lima");
    expect(core.get("human")?.value).toBe("Name: Ana Lima");
  });

  it("names the existing labels when the label is unknown", () => {
    expect(() => core.append("humans", "x")).toThrowError(/no core memory block "humans".*human, project, policy/);
  });

  it("says old_content was not found and shows the block", () => {
    expect(() => core.replace("human", "Bob", "Carl")).toThrowError(/old_content not found.*\n.*Name: Ana/s);
  });

  it("refuses a write over the limit, saying by how much, and writes nothing", () => {
    expect(() => core.append("human", "x".repeat(60))).toThrowError(/over its limit of 60/);
    try {
      core.append("human", "x".repeat(60));
    } catch (e) {
      // "Name: Ana" (9) + newline + 60 = 70 -> 10 over
      expect((e as Error).message).toContain("70 characters, 10 over");
    }
    expect(core.get("human")?.value).toBe("Name: Ana");
    expect(changes).toEqual([]);
  });

  it("refuses edits to a read-only block", () => {
    expect(() => core.rethink("policy", "anything goes")).toThrowError(/read-only/);
    expect(() => core.append("policy", "x")).toThrowError(/read-only/);
    expect(core.get("policy")?.value).toBe("Never push to main");
  });

  it("rethink rewrites a block, and creates a new one for a new label", () => {
    core.rethink("project", "Uses SQLAlchemy 2.0");
    expect(core.get("project")?.value).toBe("Uses SQLAlchemy 2.0");
    core.rethink("debugging", "flaky test in auth");
    expect(core.get("debugging")?.value).toBe("flaky test in auth");
    expect(() => core.rethink("Bad Label!", "x")).toThrowError(/not a valid block label/);
  });

  it("renders each block with its usage and the memory counts", () => {
    const text = renderMemory(core.list(), { archival: 12, recall: 340 });
    expect(text).toContain('label="human" chars="9/60"');
    expect(text).toContain("Name: Ana");
    expect(text).toContain('read_only="true"');
    expect(text).toContain("archival_memory_passages: 12");
    expect(text).toContain("recall_memory_messages: 340");
  });
});
