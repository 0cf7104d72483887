import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const model = () => ["--model", "scripted-model", "--base-url", server.url];
type P = ReturnType<typeof tempProject>;
const cli = (p: P, args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });

interface ListJson {
  session_id: string;
  turns: { turn_id: number; text: string; files: { path: string; change: string; source: string; restorable: boolean }[] }[];
  pruned: { turns: number };
}

async function listTurns(p: P): Promise<ListJson> {
  // Global options before the subcommand are accepted, as with `memory`.
  const r = await cli(p, [...model(), "rewind", "--list", "--json"]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as ListJson;
}

describe("letta-code rewind", () => {
  it("lists a -p --yolo turn with both files, and --code-only --yes undoes them but leaves the conversation", async () => {
    const p = tempProject();
    server.enqueue(
      {
        toolCalls: [
          { name: "edit_file", arguments: { path: "README.md", old_string: "sample", new_string: "changed" } },
          { name: "write_file", arguments: { path: "src/created.ts", content: "export {};\n" } },
        ],
      },
      { text: "Edited." },
    );
    let r = await cli(p, ["-p", "edit the readme", "--yolo", ...model()]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(p.root, "README.md"), "utf8")).toBe("# changed project\n");

    const list = await listTurns(p);
    expect(list.turns).toHaveLength(1);
    expect(list.turns[0]!.text).toBe("edit the readme");
    expect(list.turns[0]!.files.map((f) => [f.path, f.change])).toEqual([
      ["README.md", "modified"],
      ["src/created.ts", "created"],
    ]);

    r = await cli(p, ["rewind", String(list.turns[0]!.turn_id), "--code-only", "--yes"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/restored README\.md; removed src\/created\.ts/);
    expect(readFileSync(join(p.root, "README.md"), "utf8")).toBe("# sample project\n");
    expect(existsSync(join(p.root, "src/created.ts"))).toBe(false);

    // The conversation is untouched: the next request still carries the turn.
    server.enqueue({ text: "next" });
    r = await cli(p, ["-p", "and now?", ...model()]);
    expect(r.code).toBe(0);
    expect(JSON.stringify(server.requests.at(-1)!.body.messages)).toContain("edit the readme");
  });

  it("a conversation rewind takes later messages out of the next request, but conversation_search still finds them", async () => {
    const p = tempProject();
    server.enqueue({ text: "first answer" });
    await cli(p, ["-p", "first question", ...model()]);
    server.enqueue({ text: "the zebra answer" });
    await cli(p, ["-p", "tell me about zebras", ...model()]);
    const turns = (await listTurns(p)).turns;
    expect(turns.map((t) => t.text)).toEqual(["first question", "tell me about zebras"]);

    let r = await cli(p, ["rewind", String(turns[1]!.turn_id), "--conversation-only"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("tell me about zebras"); // the message, for editing and resending
    expect((await listTurns(p)).turns.map((t) => t.text)).toEqual(["first question"]);

    server.enqueue({ toolCalls: [{ name: "conversation_search", arguments: { query: "zebra" } }] }, { text: "found it" });
    r = await cli(p, ["-p", "what did you say before?", ...model()]);
    expect(r.code).toBe(0);
    const firstRequest = JSON.stringify(server.requests.at(-2)!.body.messages);
    expect(firstRequest).toContain("first answer");
    expect(firstRequest).not.toContain("zebra");
    const toolResult = server.requests.at(-1)!.body.messages.find((m: { role: string }) => m.role === "tool");
    expect(toolResult.content).toContain("the zebra answer");
    expect(toolResult.content).toMatch(/\(conv-[0-9a-f-]+\)/);
  });

  it("does not overwrite a file changed by hand without --yes", async () => {
    const p = tempProject();
    server.enqueue({ toolCalls: [{ name: "write_file", arguments: { path: "notes.md", content: "agent notes\n" } }] }, { text: "ok" });
    await cli(p, ["-p", "write notes", "--yolo", ...model()]);
    writeFileSync(join(p.root, "notes.md"), "my own notes\n");
    const turn = String((await listTurns(p)).turns[0]!.turn_id);

    let r = await cli(p, ["rewind", turn, "--code-only"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/notes\.md changed since the agent wrote it.*--yes/);
    expect(readFileSync(join(p.root, "notes.md"), "utf8")).toBe("my own notes\n");

    r = await cli(p, ["rewind", turn, "--code-only", "--yes"]);
    expect(r.code).toBe(0);
    expect(existsSync(join(p.root, "notes.md"))).toBe(false);
  });

  it("refuses bad input with exit 2 and a message", async () => {
    const p = tempProject();
    server.enqueue({ text: "hi" });
    await cli(p, ["-p", "hello", ...model()]);
    const cases: [string[], RegExp][] = [
      [["rewind"], /which turn\?/],
      [["rewind", "abc"], /not a turn id/],
      [["rewind", "99999"], /No turn 99999/],
      [["rewind", "1", "--code-only", "--conversation-only"], /contradict/],
      [["rewind", "--list", "--session", "conv-nope"], /No session "conv-nope"/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(p, args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it("rewinding a turn already rewound says so (exit 2) instead of reporting success again", async () => {
    const p = tempProject();
    server.enqueue({ text: "first" }, { text: "second" });
    await cli(p, ["-p", "one", ...model()]);
    await cli(p, ["-p", "two", ...model()]);
    const turn = String((await listTurns(p)).turns.at(-1)!.turn_id);
    let r = await cli(p, ["rewind", turn, "--yes"]);
    expect(r.code).toBe(0);
    r = await cli(p, ["rewind", turn, "--yes"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(new RegExp(`turn ${turn} was already rewound`));
  });

  it("shows pruning in --list: turns older than the configured age are marked, their files no longer restorable", async () => {
    const p = tempProject();
    server.enqueue({ toolCalls: [{ name: "write_file", arguments: { path: "old.txt", content: "x\n" } }] }, { text: "ok" });
    await cli(p, ["-p", "an old turn", "--yolo", ...model()]);
    await new Promise((r) => setTimeout(r, 300));
    // 0.000001 days is 86 ms: the turn above is older than that.
    const env = { LETTA_CODE_CHECKPOINT_MAX_AGE_DAYS: "0.000001" };
    let r = await runCli(["rewind", "--list"], { cwd: p.root, home: p.home, stdin: "ignore", env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/an old turn {2}\[pruned: files no longer restorable\]/);
    expect(r.stdout).toMatch(/Pruned just now: 1 turn/);
    r = await runCli(["rewind", "--list", "--json"], { cwd: p.root, home: p.home, stdin: "ignore", env });
    const json = JSON.parse(r.stdout) as ListJson;
    expect(json.pruned.turns).toBe(1);
    expect(json.turns[0]!.files[0]).toMatchObject({ path: "old.txt", restorable: false });
  });

  it("works as an unprivileged user too (the blob store and restore need no root)", async () => {
    const p = tempProject();
    chmodSync(p.root, 0o777);
    chmodSync(join(p.root, "README.md"), 0o666);
    chmodSync(p.home, 0o777);
    const wrap = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
    const run = (args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore", wrap });
    server.enqueue({ toolCalls: [{ name: "write_file", arguments: { path: "README.md", content: "overwritten\n" } }] }, { text: "ok" });
    let r = await run(["-p", "overwrite it", "--yolo", ...model()]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(readFileSync(join(p.root, "README.md"), "utf8")).toBe("overwritten\n");
    r = await run(["rewind", "--list", "--json"]);
    const turn = (JSON.parse(r.stdout) as ListJson).turns[0]!.turn_id;
    r = await run(["rewind", String(turn), "--code-only"]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(p.root, "README.md"), "utf8")).toBe("# sample project\n");
  });
});
