import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempProject } from "../helpers/cli.js";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";

interface Ev { id: string; at: string; actor: string; kind: string; op: string; label: string | null; passage_id: string | null; before: string | null; after: string | null; reason: string | null; undoes: string | null }

describe("letta-code memory log / diff / undo", () => {
  let server: ScriptedServer;
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(() => server.close());

  it("shows what the agent remembered and why, diffs it, and undoes it (the undo undoable too)", async () => {
    const p = tempProject();
    const cli = (...args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });
    server.enqueue(
      {
        toolCalls: [
          { name: "core_memory_append", arguments: { label: "human", content: "Prefers pnpm", reason: "stated preference" } },
        ],
      },
      { text: "Noted." },
    );
    const turn = await cli("-p", "I prefer pnpm", "--model", "scripted-model", "--base-url", server.url);
    expect(turn.code).toBe(0);
    // The model was told to give a reason.
    const tools = server.requests[0].body.tools as { function: { name: string; parameters: { properties: Record<string, unknown> } } }[];
    expect(Object.keys(tools.find((t) => t.function.name === "core_memory_append")!.function.parameters.properties)).toContain("reason");

    expect((await cli("memory", "add", "Deploys go out on Friday", "--tag", "ops")).code).toBe(0);
    let r = await cli("memory", "log", "--json");
    expect(r.code).toBe(0);
    const events = JSON.parse(r.stdout) as Ev[];
    expect(events.map((e) => [e.actor, e.kind, e.op])).toEqual([
      ["user", "passage", "insert"],
      ["agent", "block", "append"],
    ]);
    const append = events[1];
    expect(append).toMatchObject({ label: "human", before: "", after: "Prefers pnpm", reason: "stated preference" });
    expect(events[0].passage_id).toMatch(/^[0-9a-f]{64}$/);

    r = await cli("memory", "log", "human");
    expect(r.stdout).toContain(append.id);
    expect(r.stdout).toContain("stated preference");
    expect(r.stdout).not.toContain("Friday");

    r = await cli("memory", "diff", append.id);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("+Prefers pnpm");
    expect(r.stdout).not.toMatch(/\u001b\[/); // not a TTY: plain

    r = await cli("memory", "undo", append.id);
    expect(r.code).toBe(0);
    expect((await cli("memory", "show", "human")).stdout).toContain("(empty)");
    const undo = (JSON.parse((await cli("memory", "log", "--json", "--limit", "1")).stdout) as Ev[])[0];
    expect(undo).toMatchObject({ op: "undo", actor: "user", undoes: append.id, before: "Prefers pnpm", after: "" });

    // The block moved on since the append: refused, unless forced.
    r = await cli("memory", "undo", append.id);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/has changed since .*--force/s);
    r = await cli("memory", "undo", undo.id);
    expect(r.code).toBe(0);
    expect((await cli("memory", "show", "human")).stdout).toContain("Prefers pnpm");

    // Undo the passage insert: it leaves archival memory.
    r = await cli("memory", "undo", events[0].id.slice(0, 6));
    expect(r.code).toBe(0);
    expect((await cli("memory", "list")).stdout).toContain("no archival passages");

    r = await cli("memory", "undo", "nosuchid");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No memory event "nosuchid"');
    r = await cli("memory", "diff", "nosuchid");
    expect(r.code).toBe(1);
    r = await cli("memory", "log", "--limit", "zero");
    expect(r.code).toBe(2);
  });
});
