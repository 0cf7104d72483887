import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const model = () => ["--model", "scripted-model", "--base-url", server.url];

describe("a turn's id: one name (turn_id), one type (string), the one rewind takes", () => {
  it("the json result carries the finished turn's id, the same rewind --list shows", async () => {
    const p = tempProject();
    const cli = (args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });
    server.enqueue({ text: "hello" });
    const r = await cli(["-p", "hi", "--output-format", "json", ...model()]);
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout) as { turn_id: unknown };
    expect(typeof result.turn_id).toBe("string");
    const list = JSON.parse((await cli(["rewind", "--list", "--json"])).stdout) as { turns: { turn_id: number }[] };
    expect(result.turn_id).toBe(String(list.turns.at(-1)!.turn_id));
  });

  it("stream-json: turn_start has no numeric turnId; every line of the turn and the result share its string turn_id", async () => {
    const p = tempProject();
    server.enqueue({ text: "hello" });
    const r = await runCli(["-p", "hi", "--output-format", "stream-json", ...model()], { cwd: p.root, home: p.home, stdin: "ignore" });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const start = lines.find((l) => l.type === "turn_start")!;
    expect(start).not.toHaveProperty("turnId");
    expect(typeof start.turn_id).toBe("string");
    expect(lines.find((l) => l.type === "result")!.turn_id).toBe(start.turn_id);
  });
});
