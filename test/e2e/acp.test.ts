import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Readable, Writable } from "node:stream";
import * as acp from "@agentclientprotocol/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { BIN, cleanEnv, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

interface Editor {
  updates: acp.SessionNotification[];
  permissions: acp.RequestPermissionRequest[];
  writes: acp.WriteTextFileRequest[];
  stdout: () => string;
  stderr: () => string;
  child: ChildProcess;
}

/**
 * The SDK's own client side, driving `letta-code acp` as an editor would. `answer` picks the
 * permission option; `fs` makes the editor offer its file methods.
 */
async function withEditor<T>(
  root: string,
  home: string,
  opts: { answer?: (r: acp.RequestPermissionRequest) => string; fs?: boolean; args?: string[]; wrap?: string[]; cwd?: string },
  run: (ctx: acp.ClientContext, ed: Editor) => Promise<T>,
): Promise<{ result: T; editor: Editor; code: number | null }> {
  const args = opts.args ?? ["--model", "scripted-model", "--base-url", server.url, "acp"];
  const argv = [...(opts.wrap ?? []), process.execPath, BIN, ...args];
  const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd ?? root, env: cleanEnv(home), stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (err += d));
  const exited = new Promise<number | null>((r) => child.on("close", (c) => r(c)));
  const editor: Editor = { updates: [], permissions: [], writes: [], stdout: () => out, stderr: () => err, child };
  const app = acp
    .client({ name: "test-editor" })
    .onNotification(acp.methods.client.session.update, ({ params }) => {
      editor.updates.push(params);
    })
    .onRequest(acp.methods.client.session.requestPermission, ({ params }) => {
      editor.permissions.push(params);
      return { outcome: { outcome: "selected", optionId: opts.answer?.(params) ?? "reject_once" } };
    })
    .onRequest(acp.methods.client.fs.writeTextFile, ({ params }) => {
      editor.writes.push(params);
      return {};
    })
    .onRequest(acp.methods.client.fs.readTextFile, ({ params }) => ({ content: `editor buffer of ${params.path}\n` }));
  const stream = acp.ndJsonStream(Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>, Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>);
  const result = await app.connectWith(stream, async (ctx) => {
    const init = await ctx.request(acp.methods.agent.initialize, {
      protocolVersion: acp.PROTOCOL_VERSION,
      clientCapabilities: { fs: { readTextFile: !!opts.fs, writeTextFile: !!opts.fs } },
    });
    expect(init.agentCapabilities).toMatchObject({ loadSession: true, promptCapabilities: { embeddedContext: true } });
    return run(ctx, editor);
  });
  child.stdin!.end();
  const code = await exited;
  return { result, editor, code };
}

const texts = (ed: Editor, kind: string) =>
  ed.updates
    .map((u) => u.update)
    .filter((u) => u.sessionUpdate === kind)
    .map((u) => ((u as { content: { text?: string } }).content.text ?? ""))
    .join("");

describe("letta-code acp", () => {
  it("streams a prompt back as chunks, asks the client before a write, and is told a rejection", async () => {
    const p = tempProject();
    server.enqueue(
      { text: "Hello from letta-code.", chunkSize: 4 },
      { toolCalls: [{ id: "w1", name: "write_file", arguments: { path: "ok.txt", content: "allowed\n" } }] },
      { text: "Wrote it." },
      { toolCalls: [{ id: "w2", name: "write_file", arguments: { path: "no.txt", content: "refused\n" } }] },
      { text: "Understood." },
    );
    let n = 0;
    const { editor, code } = await withEditor(p.root, p.home, { answer: () => (n++ === 0 ? "allow_once" : "reject_once") }, async (ctx, ed) => {
      const s = await ctx.request(acp.methods.agent.session.new, { cwd: p.root, mcpServers: [] });
      expect(s.modes?.availableModes.map((m) => m.id)).toEqual(["ask", "accept-edits", "yolo", "read-only"]);
      let r = await ctx.request(acp.methods.agent.session.prompt, { sessionId: s.sessionId, prompt: [{ type: "text", text: "hi" }] });
      expect(r.stopReason).toBe("end_turn");
      expect(ed.updates.filter((u) => u.update.sessionUpdate === "agent_message_chunk").length).toBeGreaterThan(1);
      expect(texts(ed, "agent_message_chunk")).toBe("Hello from letta-code.");
      r = await ctx.request(acp.methods.agent.session.prompt, { sessionId: s.sessionId, prompt: [{ type: "text", text: "write ok.txt" }] });
      expect(r.stopReason).toBe("end_turn");
      r = await ctx.request(acp.methods.agent.session.prompt, { sessionId: s.sessionId, prompt: [{ type: "text", text: "write no.txt" }] });
      return s.sessionId;
    });
    expect(code).toBe(0);
    expect(readFileSync(join(p.root, "ok.txt"), "utf8")).toBe("allowed\n");
    expect(existsSync(join(p.root, "no.txt"))).toBe(false);
    expect(editor.permissions.map((q) => q.toolCall.toolCallId)).toEqual(["w1", "w2"]);
    expect(editor.permissions[0].toolCall).toMatchObject({ kind: "edit", title: "Write ok.txt", locations: [{ path: join(p.root, "ok.txt") }] });
    expect(editor.permissions[0].options.map((o) => o.kind)).toEqual(["allow_once", "allow_always", "reject_once"]);
    const call = editor.updates.find((u) => u.update.sessionUpdate === "tool_call")!.update;
    expect(call).toMatchObject({ toolCallId: "w1", kind: "edit", status: "pending" });
    const diff = editor.updates
      .map((u) => u.update)
      .find((u) => u.sessionUpdate === "tool_call_update" && u.toolCallId === "w1" && u.content?.length);
    expect(diff).toMatchObject({ content: [{ type: "diff", path: join(p.root, "ok.txt"), oldText: null, newText: "allowed\n" }] });
    const finals = editor.updates.map((u) => u.update).filter((u) => u.sessionUpdate === "tool_call_update" && u.status);
    expect(finals.filter((u) => (u as { toolCallId: string }).toolCallId === "w2").at(-1)).toMatchObject({ status: "failed" });
    // The model was told of the rejection.
    expect(server.requests.at(-1)!.body.messages.at(-1).content).toMatch(/declined/);
    // Nothing but JSON-RPC on stdout.
    for (const line of editor.stdout().split("\n").filter(Boolean)) expect(JSON.parse(line).jsonrpc).toBe("2.0");
  });

  it("shows a subagent as the task tool call, its own calls as that call's content, its question titled with its name", async () => {
    const p = tempProject();
    mkdirSync(join(p.home, ".claude", "agents"), { recursive: true });
    writeFileSync(join(p.home, ".claude", "agents", "finder.md"), "---\nname: finder\ndescription: finds things\ntools: Read, Bash\n---\nYou find things.\n");
    server.enqueue(
      { toolCalls: [{ id: "t1", name: "task", arguments: { agent: "finder", description: "look around", prompt: "find the readme" } }] },
      { toolCalls: [{ id: "r1", name: "read_file", arguments: { path: "README.md" } }] },
      { toolCalls: [{ id: "s1", name: "run_shell", arguments: { command: "touch x" } }] },
      { text: "found it" },
      { text: "The finder found it." },
    );
    const { editor, code } = await withEditor(p.root, p.home, { answer: () => "reject_once" }, async (ctx) => {
      const s = await ctx.request(acp.methods.agent.session.new, { cwd: p.root, mcpServers: [] });
      const r = await ctx.request(acp.methods.agent.session.prompt, { sessionId: s.sessionId, prompt: [{ type: "text", text: "delegate" }] });
      expect(r.stopReason).toBe("end_turn");
    });
    expect(code).toBe(0);
    const updates = editor.updates.map((u) => u.update);
    expect(updates.filter((u) => u.sessionUpdate === "tool_call").map((u) => (u as { toolCallId: string }).toolCallId)).toEqual(["t1"]);
    expect(updates.find((u) => u.sessionUpdate === "tool_call")).toMatchObject({ title: "Task finder: look around" });
    const contents = updates
      .filter((u) => u.sessionUpdate === "tool_call_update" && u.toolCallId === "t1" && u.content?.length)
      .map((u) => ((u as { content: { content: { text: string } }[] }).content[0]!.content.text));
    expect(contents).toContain("finder:\n✓ Read README.md\n✗ Run touch x");
    expect(contents.at(-1)).toBe("found it");
    expect(editor.permissions).toHaveLength(1);
    expect(editor.permissions[0]!.toolCall).toMatchObject({ toolCallId: "t1", title: "finder: Run touch x" });
    expect(existsSync(join(p.root, "x"))).toBe(false);
  });

  it("cancels mid-turn, and a fresh process loads the session and replays it", async () => {
    const p = tempProject();
    server.enqueue({ text: "first answer" }, { text: "a long answer that streams slowly ".repeat(20), chunkSize: 3, chunkDelayMs: 100 });
    const { result: sessionId } = await withEditor(p.root, p.home, {}, async (ctx, ed) => {
      const s = await ctx.request(acp.methods.agent.session.new, { cwd: p.root, mcpServers: [] });
      await ctx.request(acp.methods.agent.session.prompt, { sessionId: s.sessionId, prompt: [{ type: "text", text: "remember this" }] });
      const before = ed.updates.length;
      const pending = ctx.request(acp.methods.agent.session.prompt, { sessionId: s.sessionId, prompt: [{ type: "text", text: "talk long" }] });
      while (!ed.updates.slice(before).some((u) => u.update.sessionUpdate === "agent_message_chunk")) await new Promise((r) => setTimeout(r, 20));
      await ctx.notify(acp.methods.agent.session.cancel, { sessionId: s.sessionId });
      expect((await pending).stopReason).toBe("cancelled");
      return s.sessionId;
    });
    // Flags before or after the subcommand work the same.
    const { editor } = await withEditor(p.root, p.home, { args: ["acp", "--model", "scripted-model", "--base-url", server.url] }, async (ctx) => {
      await ctx.request(acp.methods.agent.session.load, { sessionId, cwd: p.root, mcpServers: [] });
    });
    expect(texts(editor, "user_message_chunk")).toContain("remember this");
    expect(texts(editor, "agent_message_chunk")).toContain("first answer");
  });

  it("with the editor's fs methods, file tools read its buffer and write through it", async () => {
    const p = tempProject();
    server.enqueue(
      { toolCalls: [{ id: "r1", name: "read_file", arguments: { path: "README.md" } }] },
      { toolCalls: [{ id: "w1", name: "write_file", arguments: { path: "new.txt", content: "via editor\n" } }] },
      { text: "done" },
    );
    const { editor } = await withEditor(p.root, p.home, { fs: true, answer: () => "allow_once" }, async (ctx) => {
      const s = await ctx.request(acp.methods.agent.session.new, { cwd: p.root, mcpServers: [] });
      await ctx.request(acp.methods.agent.session.prompt, { sessionId: s.sessionId, prompt: [{ type: "text", text: "go" }] });
    });
    const toolMsg = server.requests[server.requests.length - 2]!.body.messages.find((m: { role: string }) => m.role === "tool");
    expect(toolMsg.content).toContain("editor buffer of");
    expect(editor.writes).toEqual([expect.objectContaining({ path: join(p.root, "new.txt"), content: "via editor\n" })]);
    // The editor did the write; the disk is the editor's business.
    expect(existsSync(join(p.root, "new.txt"))).toBe(false);
  });

  it("a client asking never trusts a project: its committed yolo mode and allow rules do not apply (as root and as nobody)", async () => {
    const asNobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"];
    for (const wrap of [[], asNobody]) {
      const p = tempProject();
      mkdirSync(join(p.root, ".letta"));
      writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify({ permissions: { mode: "yolo", allow: ["run_shell"] } }));
      if (wrap.length) {
        const open = (d: string) => {
          chmodSync(d, 0o777);
          for (const f of readdirSync(d)) {
            const abs = join(d, f);
            if (statSync(abs).isDirectory()) open(abs);
            else chmodSync(abs, 0o666);
          }
        };
        open(p.root);
      }
      server.enqueue({ toolCalls: [{ id: "x1", name: "run_shell", arguments: { command: "touch pwned" } }] }, { text: "ok" });
      // The editor runs the agent from elsewhere and names the project as the session's cwd.
      const { editor, result } = await withEditor(p.root, p.home, { wrap, cwd: p.home }, async (ctx) => {
        const s = await ctx.request(acp.methods.agent.session.new, { cwd: p.root, mcpServers: [] });
        await ctx.request(acp.methods.agent.session.prompt, { sessionId: s.sessionId, prompt: [{ type: "text", text: "go" }] });
        return s.modes?.currentModeId;
      });
      expect(result).toBe("ask");
      expect(editor.permissions.map((q) => q.toolCall.toolCallId)).toEqual(["x1"]);
      expect(existsSync(join(p.root, "pwned"))).toBe(false);
      expect(editor.stderr()).toMatch(/not trusted/);
    }
  });
});
