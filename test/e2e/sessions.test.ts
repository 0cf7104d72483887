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

interface SessionJson {
  session_id: string;
  message_count: number;
  first_user_message: string;
  current: boolean;
}

async function sessions(p: P): Promise<SessionJson[]> {
  const r = await cli(p, ["sessions", "--json"]);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as SessionJson[];
}

async function turn(p: P, args: string[], answer: string) {
  server.enqueue({ text: answer });
  const r = await cli(p, ["-p", ...args, "--output-format", "json", ...model()]);
  expect(r.stderr).toBe("");
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as { session_id: string };
}

const lastRequest = () => JSON.stringify(server.requests.at(-1)!.body.messages);

describe("sessions: list, resume, fork, export", () => {
  it("lists two conversations newest first, and --resume <id> sends the first one's history", async () => {
    const p = tempProject();
    const first = await turn(p, ["about apples"], "apples are red");
    const second = await turn(p, ["about bananas", "--new"], "bananas are yellow");
    expect(second.session_id).not.toBe(first.session_id);

    const list = await sessions(p);
    expect(list.map((s) => [s.session_id, s.message_count, s.first_user_message, s.current])).toEqual([
      [second.session_id, 2, "about bananas", true],
      [first.session_id, 2, "about apples", false],
    ]);
    const text = await cli(p, ["sessions"]);
    expect(text.stdout).toContain(first.session_id);

    const resumed = await turn(p, ["and again", "--resume", first.session_id], "ok");
    expect(resumed.session_id).toBe(first.session_id);
    expect(lastRequest()).toContain("apples are red");
    expect(lastRequest()).not.toContain("bananas");
    // -c now continues the resumed one: it is the most recent.
    await turn(p, ["one more", "-c"], "ok");
    expect(lastRequest()).toContain("and again");
  });

  it("--fork-session gives a new id whose request carries the copied history; the original gains nothing", async () => {
    const p = tempProject();
    const original = await turn(p, ["the original question"], "the original answer");
    const forked = await turn(p, ["in the fork", "--resume", original.session_id.slice(0, 13), "--fork-session"], "forked answer");
    expect(forked.session_id).not.toBe(original.session_id);
    expect(forked.session_id).toMatch(/^conv-/);
    expect(lastRequest()).toContain("the original answer");
    const list = await sessions(p);
    expect(list.find((s) => s.session_id === original.session_id)!.message_count).toBe(2);
    expect(list.find((s) => s.session_id === forked.session_id)!.message_count).toBe(4);
    // --continue --fork-session copies the current conversation (now the fork).
    const again = await turn(p, ["again", "-c", "--fork-session"], "ok");
    expect(again.session_id).not.toBe(forked.session_id);
    expect(lastRequest()).toContain("in the fork");
  });

  it("exports a readable transcript with tool calls folded, or JSON", async () => {
    const p = tempProject();
    server.enqueue({ toolCalls: [{ name: "read_file", arguments: { path: "README.md" } }] }, { text: "It is a sample." });
    const r0 = await cli(p, ["-p", "what is in the readme?", "--output-format", "json", ...model()]);
    const id = (JSON.parse(r0.stdout) as { session_id: string }).session_id;
    const md = await cli(p, ["sessions", "export", id]);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain(`# Conversation ${id}`);
    expect(md.stdout).toMatch(/## User .*\n\nwhat is in the readme\?/);
    expect(md.stdout).toContain("<details><summary>tool call: read_file</summary>");
    expect(md.stdout).toContain("<details><summary>tool result: read_file</summary>");
    expect(md.stdout).toContain("It is a sample.");
    const json = await cli(p, ["sessions", "export", id, "--format", "json"]);
    const parsed = JSON.parse(json.stdout) as { session_id: string; messages: { role: string }[] };
    expect(parsed.session_id).toBe(id);
    expect(parsed.messages.map((m) => m.role)).toEqual(["user", "assistant", "tool", "assistant"]);
  });

  it("refuses unknown ids and contradictory flags with exit 2", async () => {
    const p = tempProject();
    await turn(p, ["hello"], "hi");
    const cases: [string[], RegExp][] = [
      [["-p", "x", "--resume", "conv-nope", ...model()], /No session "conv-nope"/],
      [["-p", "x", "--resume", ...model()], /--resume needs a session id/],
      [["-p", "x", "--fork-session", ...model()], /--fork-session copies a conversation/],
      [["-p", "x", "--new", "-c", ...model()], /--new .* contradicts --continue/],
      [["sessions", "export", "conv-nope"], /No session "conv-nope"/],
      [["sessions", "export", "x", "--format", "pdf"], /--format must be md or json/],
      [["sessions", "--agent", "nobody"], /no agent named "nobody"/],
      [["rewind", "--list", "--agent", "nobody"], /no agent named "nobody"/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(p, args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });
});
