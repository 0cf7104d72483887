import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import * as acp from "@agentclientprotocol/sdk";
import React from "react";
import { cleanup, render } from "ink-testing-library";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type RecordedRequest, type ScriptedServer } from "../helpers/llm-server.mjs";
import { BIN, cleanEnv, runCli, tempProject } from "../helpers/cli.js";
import { Store } from "../../src/store/store.js";
import { Project } from "../../src/agent/open-project.js";
import { App } from "../../src/tui/app.js";
import { extensionCommands } from "../../src/tui/extension-commands.js";
import { InputHistory } from "../../src/tui/history.js";
import { createClient } from "../../src/sdk/client.js";

/**
 * One scripted conversation through every face: a custom command (`/greet Ada`), a tool call, and
 * reflection due after the turn (`everyTurns: 1`). The session layer does all of it, so every face
 * must send the model the same requests and leave the same memory-log events.
 */
let server: ScriptedServer;
const isReflection = (req: RecordedRequest) => String(req.body.messages[0]?.content).startsWith("You are the memory of a coding agent");

beforeAll(async () => {
  server = await startScriptedServer({
    fallback: (req) => {
      const last = req.body.messages.at(-1);
      if (isReflection(req)) {
        return last.role === "tool"
          ? { text: "Saved." }
          : { toolCalls: [{ id: "call_reflect", name: "core_memory_append", arguments: { label: "project", content: "The team greets people with /greet.", reason: "a convention seen in use" } }] };
      }
      return last.role === "user" ? { toolCalls: [{ id: "call_list", name: "list_files", arguments: {} }] } : { text: "Hello, Ada! I looked around first." };
    },
  });
});
afterAll(() => server.close());

function project() {
  const p = tempProject();
  mkdirSync(join(p.root, ".letta", "commands"), { recursive: true });
  writeFileSync(join(p.root, ".letta", "commands", "greet.md"), "---\ndescription: Greet someone\n---\nSay hello to $ARGUMENTS.\n");
  writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ reflection: { mode: "auto", everyTurns: 1 } }));
  return p;
}

const modelArgs = () => ["--model", "scripted-model", "--base-url", server.url];

/** What a face made the model see, without what legitimately differs (the temp path, the date line's time). */
function normalise(requests: RecordedRequest[], root: string) {
  const clean = (s: unknown) => String(s ?? "").split(root).join("<root>");
  return requests.map((r) => ({
    kind: isReflection(r) ? "reflection" : "turn",
    tools: (r.body.tools ?? []).map((t: { function: { name: string } }) => t.function.name).sort(),
    messages: r.body.messages.map((m: { role: string; content: unknown; tool_calls?: unknown; tool_call_id?: string }) => ({
      role: m.role,
      content: clean(m.content),
      ...(m.tool_calls ? { tool_calls: clean(JSON.stringify(m.tool_calls)) } : {}),
      ...(m.tool_call_id ? { tool_call_id: m.tool_call_id } : {}),
    })),
  }));
}

function memoryLog(root: string) {
  const store = Store.open(join(root, ".letta"));
  try {
    const agent = store.agents.list()[0]!;
    return store.memoryEvents
      .list(agent.id, { limit: 50 })
      .map((e) => ({ label: e.label, kind: e.kind, op: e.op, actor: e.actor, reason: e.reason ?? null, after: e.after ?? null }))
      .reverse();
  } finally {
    store.close();
  }
}

async function faceRun(run: (p: { root: string; home: string }) => Promise<void>) {
  const p = project();
  const before = server.requests.length;
  await run(p);
  return { requests: normalise(server.requests.slice(before), p.root), log: memoryLog(p.root) };
}

const faces: Record<string, (p: { root: string; home: string }) => Promise<void>> = {
  "-p": async (p) => {
    const r = await runCli(["-p", "/greet Ada", ...modelArgs()], { cwd: p.root, home: p.home, stdin: "ignore", env: { LETTA_CODE_REFLECTION: "" } });
    expect(r.stdout).toBe("Hello, Ada! I looked around first.\n");
  },
  "stream-json": async (p) => {
    const line = JSON.stringify({ type: "user", message: { role: "user", content: "/greet Ada" } });
    const r = await runCli(["--input-format", "stream-json", "--output-format", "stream-json", ...modelArgs()], { cwd: p.root, home: p.home, stdin: `${line}\n`, env: { LETTA_CODE_REFLECTION: "" } });
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(lines.find((l) => l.type === "result")).toMatchObject({ result: "Hello, Ada! I looked around first." });
    // The reflection it ran by itself is in its stream too, outside any turn.
    expect(lines.some((l) => l.type === "reflection" && l.phase === "end" && l.status === "done")).toBe(true);
  },
  acp: async (p) => {
    const child = spawn(process.execPath, [BIN, ...modelArgs(), "acp"], { cwd: p.root, env: { ...cleanEnv(p.home), LETTA_CODE_REFLECTION: "" }, stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise((r) => child.on("close", r));
    const updates: acp.SessionNotification[] = [];
    const app = acp.client({ name: "parity-editor" }).onNotification(acp.methods.client.session.update, ({ params }) => {
      updates.push(params);
    });
    const stream = acp.ndJsonStream(Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>, Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>);
    await app.connectWith(stream, async (ctx) => {
      await ctx.request(acp.methods.agent.initialize, { protocolVersion: acp.PROTOCOL_VERSION, clientCapabilities: {} });
      const { sessionId } = await ctx.request(acp.methods.agent.session.new, { cwd: p.root, mcpServers: [] });
      const res = await ctx.request(acp.methods.agent.session.prompt, { sessionId, prompt: [{ type: "text", text: "/greet Ada" }] });
      expect(res.stopReason).toBe("end_turn");
    });
    child.stdin!.end();
    await exited;
    // The editor's slash menu lists the custom command.
    const menu = updates.map((u) => u.update).find((u) => u.sessionUpdate === "available_commands_update") as { availableCommands: { name: string }[] } | undefined;
    expect(menu?.availableCommands.map((c) => c.name)).toContain("greet");
  },
  sdk: async (p) => {
    const client = createClient({ cwd: p.root, model: "scripted-model", baseURL: server.url, onNotice: () => undefined });
    const agent = client.listAgents()[0] ?? client.createAgent({ name: "letta-code" });
    const r = await client.userMessage(agent.id, "/greet Ada");
    expect(r.messages.at(-1)).toMatchObject({ messageType: "assistant_message", content: "Hello, Ada! I looked around first." });
    await client.shutdown();
  },
  tui: async (p) => {
    const project = Project.open({ cwd: p.root, env: { ...cleanEnv(p.home), LETTA_CODE_REFLECTION: "" }, flags: { model: "scripted-model", baseURL: server.url } });
    const session = project.session(project.resolveAgent());
    const exits: number[] = [];
    const r = render(
      React.createElement(App, {
        session,
        options: { extraSlash: extensionCommands({ extensions: project.extensions }).commands },
        history: new InputHistory(),
        onExit: (c: number) => exits.push(c),
      }),
    );
    const frame = () => r.lastFrame() ?? "";
    const until = async (pred: () => boolean) => {
      for (let i = 0; i < 500 && !pred(); i++) await new Promise((res) => setTimeout(res, 20));
      expect(pred()).toBe(true);
    };
    r.stdin.write("/greet Ada");
    await new Promise((res) => setTimeout(res, 30));
    r.stdin.write("\r");
    await until(() => frame().includes("✻ learned · project"));
    r.stdin.write("/exit");
    await new Promise((res) => setTimeout(res, 30));
    r.stdin.write("\r");
    await until(() => exits.length === 1);
    await session.endSession("exit");
    cleanup();
    await project.shutdown();
  },
};

describe("every face goes through one session layer", () => {
  it("the same conversation makes the same model requests and the same memory-log events in the TUI, -p, stream-json, ACP and the SDK", async () => {
    const results: Record<string, Awaited<ReturnType<typeof faceRun>>> = {};
    for (const [name, run] of Object.entries(faces)) results[name] = await faceRun(run);
    const reference = results["-p"]!;
    // The custom command reached the model expanded, the tool step ran, and reflection learned by itself.
    expect(reference.requests.map((r) => r.kind)).toEqual(["turn", "turn", "reflection", "reflection"]);
    const firstUser = reference.requests[0]!.messages.find((m: { role: string }) => m.role === "user");
    expect(firstUser?.content).toBe("Say hello to Ada.");
    expect(reference.log).toEqual([
      { label: "project", kind: "block", op: expect.any(String), actor: "reflection", reason: "a convention seen in use", after: expect.stringContaining("The team greets people with /greet.") },
    ]);
    for (const [name, r] of Object.entries(results)) {
      expect({ face: name, requests: r.requests }).toEqual({ face: name, requests: reference.requests });
      expect({ face: name, log: r.log }).toEqual({ face: name, log: reference.log });
    }
  }, 120_000);
});
