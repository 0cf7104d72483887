import React from "react";
import { cleanup, render } from "ink-testing-library";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { cleanEnv, tempProject } from "../helpers/cli.js";
import { Project } from "../../src/agent/open-project.js";
import { App } from "../../src/tui/app.js";
import { InputHistory } from "../../src/tui/history.js";
import { createClient } from "../../src/sdk/client.js";
import { chatSequenceProblem } from "../helpers/chat-sequence.js";

/** Writers sharing one conversation in one process: a TUI beside another session, and parallel SDK calls. */
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer({ fallback: (req) => ({ text: `reply to ${req.body.messages.at(-1).content}` }) });
});
afterAll(() => server.close());
afterEach(() => cleanup());

const flags = () => ({ model: "scripted-model", baseURL: server.url, reflection: { mode: "manual" as const } });
const until = async (pred: () => boolean, ms = 8000) => {
  const end = Date.now() + ms;
  while (!pred() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  expect(pred()).toBe(true);
};

describe("one conversation, several writers", () => {
  it("the TUI shows the wait on its progress line while another turn holds the conversation, then what that writer appended", async () => {
    const p = tempProject();
    const project = Project.open({ cwd: p.root, env: cleanEnv(p.home), flags: flags() });
    const agent = project.resolveAgent();
    const other = project.session(agent);
    const tui = project.session(agent);
    const r = render(React.createElement(App, { session: tui, history: new InputHistory() }));
    const frame = () => r.lastFrame() ?? "";

    // The other session's turn lasts until the TUI's turn has said it waits for it.
    let release!: () => void;
    server.enqueue({ until: new Promise<void>((r) => (release = r)), text: "the other writer's answer" });
    const running = (async () => {
      for await (const _ of other.send("from the other writer")) void _;
    })();
    await until(() => server.requests.some((q) => q.body.messages.at(-1).content === "from the other writer"));
    r.stdin.write("hello from the tui");
    await new Promise((res) => setTimeout(res, 30));
    r.stdin.write("\r");
    await until(() => frame().includes("waiting for another letta-code turn on this conversation"));
    release();
    await running;
    await until(() => frame().includes("reply to hello from the tui"));
    expect(frame()).toContain("Picked up 2 messages another session added to this conversation");
    // The TUI's request came after the other turn, whole: its history holds that exchange, in order.
    const mine = server.requests.find((q) => q.body.messages.at(-1).content === "hello from the tui")!;
    const contents = mine.body.messages.map((m: { content: string }) => m.content);
    expect(contents.indexOf("the other writer's answer")).toBe(contents.indexOf("from the other writer") + 1);
    expect(chatSequenceProblem(mine.body.messages)).toBeNull();
    other.close();
    tui.close();
    await project.shutdown();
  });

  it("parallel SDK calls on one agent run one after another instead of failing", async () => {
    const p = tempProject();
    const client = createClient({ cwd: p.root, ...flags() });
    const agent = client.createAgent({ name: "parallel" });
    server.enqueue({ delayMs: 300, text: "first done" }, { text: "second done" });
    const [a, b] = await Promise.all([client.userMessage(agent.id, "first"), client.userMessage(agent.id, "second")]);
    expect(a.messages.at(-1)).toMatchObject({ content: "first done" });
    expect(b.messages.at(-1)).toMatchObject({ content: "second done" });
    const second = server.requests.at(-1)!.body.messages.map((m: { content: string }) => m.content);
    expect(second.slice(-3)).toEqual(["first", "first done", "second"]);
    await client.shutdown();
  });
});
