import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";
import { BWRAP_INSTALL, requireProgram } from "../helpers/requires.js";
import { tempDir } from "../helpers/temp.js";
import { openUp, USERS } from "../helpers/users.js";

const bwrap = requireProgram("bwrap", BWRAP_INSTALL);

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

const model = () => ["--model", "scripted-model", "--base-url", server.url];
type P = ReturnType<typeof tempProject>;
const cli = (p: P, args: string[], stdin: string | "ignore" = "ignore") => runCli(args, { cwd: p.root, home: p.home, stdin });
const write = (path: string, content = "extra\n") => ({ toolCalls: [{ name: "write_file", arguments: { path, content } }] });
const systemOf = (i: number) => server.requests[i]!.body.messages[0].content as string;
/** The tool result the model was sent in the request after a call. */
const toolResult = (i: number) => (server.requests[i]!.body.messages as { role: string; content: string }[]).filter((m) => m.role === "tool").at(-1)?.content ?? "";

describe("--add-dir", () => {
  it("file tools write in an added folder as in the project; without the flag the same path is refused", async () => {
    const p = tempProject();
    const extra = tempDir("letta-add-dir-");
    server.enqueue(write(join(extra, "out.txt")), { text: "done" });
    const r = await cli(p, ["-p", "write there", "--yolo", "--add-dir", extra, ...model()]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(extra, "out.txt"), "utf8")).toBe("extra\n");
    // The model is told which folders it has.
    expect(systemOf(server.requests.length - 2)).toContain(`- ${extra}`);

    const other = tempDir("letta-add-dir-");
    server.enqueue(write(join(other, "out.txt")), { text: "done" });
    await cli(p, ["-p", "write there", "--yolo", ...model()]);
    expect(existsSync(join(other, "out.txt"))).toBe(false);
    expect(toolResult(server.requests.length - 1)).toContain("outside the project root");
  });

  it("an added folder is confined like the project: a symlink out of it and its .git are refused", async () => {
    const p = tempProject();
    const extra = tempDir("letta-add-dir-");
    const outside = tempDir("letta-outside-");
    symlinkSync(outside, join(extra, "escape"));
    mkdirSync(join(extra, ".git"));
    server.enqueue(write(join(extra, "escape", "x.txt")), write(join(extra, ".git", "config")), { text: "done" });
    const r = await cli(p, ["-p", "try", "--yolo", "--add-dir", extra, ...model()]);
    expect(r.code).toBe(0);
    expect(existsSync(join(outside, "x.txt"))).toBe(false);
    expect(existsSync(join(extra, ".git", "config"))).toBe(false);
    const n = server.requests.length;
    expect(toolResult(n - 2)).toContain("through a symlink");
    expect(toolResult(n - 1)).toContain("git's own data");
  });

  it("a folder that contains the project does not open the project's .letta through a link beside it", async () => {
    // The link a sandboxed command could make in the added folder: `ln -s proj ../link`.
    const parent = tempDir("letta-add-dir-");
    const root = join(parent, "proj");
    mkdirSync(join(root, ".git"), { recursive: true });
    mkdirSync(join(root, ".letta"));
    symlinkSync(root, join(parent, "link"));
    const p = { root, home: join(parent, ".home") };
    mkdirSync(p.home);
    const planted = join(root, ".letta", "config.local.json");
    server.enqueue(write(join(parent, "link", ".letta", "config.local.json"), '{"hooks":{}}'), write(join(parent, "ok.txt")), { text: "done" });
    const r = await cli(p, ["-p", "try", "--yolo", "--add-dir", parent, ...model()]);
    expect(r.code).toBe(0);
    expect(existsSync(planted)).toBe(false);
    const n = server.requests.length;
    expect(toolResult(n - 2)).toContain("letta-code's own memory store");
    // The rest of the added folder is still writable.
    expect(readFileSync(join(parent, "ok.txt"), "utf8")).toBe("extra\n");
  });

  it("a folder that does not exist is exit 2, said plainly", async () => {
    const p = tempProject();
    const before = server.requests.length;
    const r = await cli(p, ["-p", "hi", "--add-dir", join(p.root, "nope"), ...model()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--add-dir ${join(p.root, "nope")}: no such directory.`);
    expect(server.requests.length).toBe(before);
  });

  it("/ and the kernel's file systems are refused (exit 2): the sandbox would bind them over its own /proc and /dev", async () => {
    const p = tempProject();
    const before = server.requests.length;
    for (const dir of ["/", "/proc", "/dev/shm"]) {
      const r = await cli(p, ["-p", "hi", "--add-dir", dir, ...model()]);
      expect(r.code, dir).toBe(2);
      expect(r.stderr).toContain(`--add-dir ${dir}: not a folder to add`);
    }
    expect(server.requests.length).toBe(before);
  });

  describe.skipIf(!bwrap.present)(`in the sandbox${bwrap.note}`, () => {
    describe.each(USERS)("$who", ({ wrap }) => {
      it("a command cannot make a .git (core.fsmonitor) or a .letta (config.local.json hooks) in an added folder that has none", async () => {
        const p = tempProject();
        const extra = tempDir("letta-add-dir-");
        const fsmonitorRan = join(extra, "fsmonitor-ran");
        const cmd = `cd ${extra} && git init -q && git config core.fsmonitor 'touch ${fsmonitorRan}'; mkdir -p .letta; echo '{"hooks":{}}' > .letta/config.local.json; echo done > work.txt`;
        server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: cmd } }] }, { text: "done" });
        openUp(p.root, extra);
        const r = await runCli(["-p", "run it", "--yolo", "--sandbox", "on", "--add-dir", extra, ...model()], { cwd: p.root, home: p.home, stdin: "ignore", wrap });
        expect(r.code, r.stderr).toBe(0);
        expect(toolResult(server.requests.length - 1)).toContain("Read-only file system");
        // The folder's own files are still the command's to write; no git data or settings were left behind.
        expect(readFileSync(join(extra, "work.txt"), "utf8")).toBe("done\n");
        expect(existsSync(join(extra, ".git"))).toBe(false);
        expect(existsSync(join(extra, ".letta"))).toBe(false);
      });
    });

    it("a sandboxed command may write in the added folder, not beside it", async () => {
      const p = tempProject();
      const extra = tempDir("letta-add-dir-");
      const other = tempDir("letta-outside-");
      const cmd = `echo in > ${join(extra, "shell.txt")}; echo out > ${join(other, "shell.txt")}`;
      server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: cmd } }] }, { text: "done" });
      const r = await cli(p, ["-p", "run it", "--yolo", "--sandbox", "on", "--add-dir", extra, ...model()]);
      expect(r.code).toBe(0);
      expect(readFileSync(join(extra, "shell.txt"), "utf8")).toBe("in\n");
      expect(existsSync(join(other, "shell.txt"))).toBe(false);
    });
  });
});

describe("a project's files cannot do what these flags do", () => {
  it("even trusted, its systemPrompt, appendSystemPrompt and addDirs (under any spelling) are ignored", async () => {
    const p = tempProject();
    const extra = tempDir("letta-add-dir-");
    mkdirSync(join(p.root, ".letta"));
    const asks = { systemPrompt: "REPO-SYSTEM", appendSystemPrompt: "REPO-APPEND", system_prompt: "REPO-SYSTEM", addDirs: [extra], addDir: extra, "add-dir": [extra] };
    writeFileSync(join(p.root, ".letta", "config.json"), JSON.stringify(asks));
    expect((await cli(p, ["trust", "--yes"])).code).toBe(0);
    server.enqueue(write(join(extra, "out.txt")), { text: "done" });
    const r = await cli(p, ["-p", "write there", "--yolo", ...model()]);
    expect(r.code, r.stderr).toBe(0);
    const system = systemOf(server.requests.length - 2);
    expect(system).not.toContain("REPO-");
    expect(system).not.toContain(extra);
    expect(existsSync(join(extra, "out.txt"))).toBe(false);
    expect(toolResult(server.requests.length - 1)).toContain("outside the project root");
  });
});

describe("--system-prompt and --append-system-prompt", () => {
  it("-p: --system-prompt replaces letta-code's instructions; the memory protocol and blocks stay", async () => {
    const p = tempProject();
    server.enqueue({ text: "ok" });
    const r = await cli(p, ["-p", "hi", "--system-prompt", "You are a terse reviewer.", ...model()]);
    expect(r.code).toBe(0);
    const system = systemOf(server.requests.length - 1);
    expect(system.startsWith("You are a terse reviewer.\n\n## Your memory")).toBe(true);
    expect(system).not.toContain("You are letta-code");
    expect(system).toContain('<block label="persona"');
  });

  it("-p and stream-json input: --append-system-prompt adds after letta-code's own prompt", async () => {
    const p = tempProject();
    server.enqueue({ text: "ok" }, { text: "ok" });
    expect((await cli(p, ["-p", "hi", "--append-system-prompt", "Always answer in French.", ...model()])).code).toBe(0);
    const a = systemOf(server.requests.length - 1);
    expect(a.startsWith("You are letta-code")).toBe(true);
    expect(a).toMatch(/## Your memory[\s\S]*Always answer in French\.\n\nToday is/);
    const line = JSON.stringify({ type: "user", message: { role: "user", content: "hi" } });
    const s = await cli(p, ["-p", "--input-format", "stream-json", "--output-format", "stream-json", "--append-system-prompt", "Be brief.", ...model()], `${line}\n`);
    expect(s.code).toBe(0);
    expect(systemOf(server.requests.length - 1)).toContain("Be brief.\n\nToday is");
  });
});
