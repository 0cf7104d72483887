/**
 * The real CLI (node bin/letta-code.js → dist/) in a real terminal (tmux), against the scripted
 * OpenAI-compatible server running in this test process. Keystrokes go in with send-keys; what the
 * user would see comes back with capture-pane.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv, tempProject } from "../helpers/cli.js";
import { type RecordedRequest, type ScriptedServer } from "../helpers/llm-server.mjs";
import { requireProgram, TMUX_INSTALL } from "../helpers/requires.js";
import { cleanEnvCommand, scriptedServerPerTest, TmuxSession, TUI_READY, TUI_START_MS, TUI_STEP_MS } from "../helpers/tmux.js";

const tmux = requireProgram("tmux", TMUX_INSTALL);


let server: ScriptedServer;
scriptedServerPerTest((s) => (server = s));

interface Project {
  root: string;
  home: string;
}

/** Open the TUI in `project` in a fresh tmux session, the way a user would run it, with a clean env. */
async function openTui(project: Project, opts: { cols?: number; rows?: number; env?: Record<string, string>; args?: string[] } = {}) {
  const env: Record<string, string> = { ...cleanEnv(project.home), TERM: "xterm-256color", ...opts.env };
  const argv = [process.execPath, BIN, "--model", "scripted-model", "--base-url", server.url, ...(opts.args ?? [])];
  const t = await TmuxSession.start({ command: cleanEnvCommand(argv, env), cwd: project.root, cols: opts.cols ?? 100, rows: opts.rows ?? 30 });
  await t.waitFor(TUI_READY, TUI_START_MS);
  return t;
}

/** Type a line into the prompt, wait until the input shows it, then press Enter (a separate key). */
async function submit(t: TmuxSession, text: string) {
  await t.type(text);
  await t.waitFor(`> ${text}`, TUI_STEP_MS);
  await t.press("Enter");
}

/** Wait until the turn is over: the input shows its idle placeholder and no spinner is running. */
async function idle(t: TmuxSession, timeoutMs = TUI_STEP_MS) {
  return t.waitFor((s) => s.includes(TUI_READY) && !s.includes("Esc to interrupt"), timeoutMs);
}

const userMessages = (r: RecordedRequest) => (r.body.messages as { role: string; content: unknown }[]).filter((m) => m.role === "user").map((m) => String(m.content));
const count = (s: string, sub: string) => s.split(sub).length - 1;

/** SGR parameters that set a colour (fg/bg, 8/16/256/true colour); 39/49 (default colour) are resets, not colours. */
function colourCodes(screen: string): string[] {
  const found: string[] = [];
  // eslint-disable-next-line no-control-regex
  for (const m of screen.matchAll(/\u001b\[([0-9;:]*)m/g)) {
    const ps = m[1]!.split(/[;:]/).map(Number);
    for (let i = 0; i < ps.length; i++) {
      const p = ps[i]!;
      if (p === 38 || p === 48 || (p >= 30 && p <= 37) || (p >= 40 && p <= 47) || (p >= 90 && p <= 97) || (p >= 100 && p <= 107)) {
        found.push(m[0].replace("\u001b", "ESC"));
        break;
      }
    }
  }
  return found;
}

describe.skipIf(!tmux.present)(`the TUI in tmux, end to end${tmux.note}`, () => {
  it("streams the answer to a typed prompt, and the prompt reaches the model", async () => {
    const p = tempProject();
    const answer = "Streaming reply: alpha beta gamma delta epsilon zeta eta theta iota kappa.";
    server.enqueue({ text: answer, chunkSize: 6, chunkDelayMs: 120 });
    const t = await openTui(p);

    const start = await t.screen();
    expect(start).toContain("✻ letta-code");
    expect(start).toContain(p.root);
    expect(start).toMatch(/scripted-model · ctx .*mode ask/);

    await submit(t, "hello, who are you?");
    // Part of the answer is on screen while the rest is still streaming, with the spinner.
    const partial = await t.waitFor((s) => s.includes("● Streaming") && !s.includes("kappa."), TUI_STEP_MS);
    expect(partial).toContain("Esc to interrupt");
    expect(partial).toContain("› hello, who are you?");

    const done = await idle(t);
    expect(done).toContain(`● ${answer}`);
    // Printed once: the live copy was replaced by the finished one, not duplicated.
    expect(count(await t.screen({ scrollback: 200 }), "kappa.")).toBe(1);

    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body.stream).toBe(true);
    expect(userMessages(server.requests[0]!).at(-1)).toBe("hello, who are you?");
  });

  it("a prompt given on the command line opens the chat and is sent as the first message", async () => {
    const p = tempProject();
    server.enqueue({ text: "Starting on it right away." });
    const t = await openTui(p, { args: ["fix the failing test"] });
    const done = await t.waitFor("● Starting on it right away.", TUI_STEP_MS);
    expect(done).toContain("› fix the failing test");
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]!.body.messages.at(-1)).toEqual({ role: "user", content: "fix the failing test" });
  });

  it("approves a write: the prompt shows the path and the coloured diff, the file is written, the answer follows", async () => {
    const p = tempProject();
    server.enqueue(
      { toolCalls: [{ name: "write_file", arguments: { path: "notes/hello.txt", content: "line one\nline two\n" } }] },
      { text: "I wrote notes/hello.txt for you." },
    );
    const t = await openTui(p);
    await submit(t, "write a hello file");

    const prompt = await t.waitFor("Allow write_file notes/hello.txt?", TUI_STEP_MS);
    expect(prompt).toContain("created notes/hello.txt +2 -0");
    expect(prompt).toContain("+line one");
    expect(prompt).toContain("+line two");
    expect(prompt).toContain("❯ 1. Yes");
    expect(prompt).toContain("2. Yes, and don't ask again for write_file in this project");
    expect(prompt).toContain("3. No, and tell the agent why");
    // Added lines are green.
    const coloured = await t.screen({ escapes: true });
    expect(coloured).toMatch(/\u001b\[32m\+line one/);
    expect(existsSync(join(p.root, "notes/hello.txt"))).toBe(false);

    await t.press("1");
    const after = await t.waitFor("● I wrote notes/hello.txt for you.", TUI_STEP_MS);
    expect(after).not.toContain("Allow write_file");
    expect(after).toContain("● write_file notes/hello.txt");
    expect(readFileSync(join(p.root, "notes/hello.txt"), "utf8")).toBe("line one\nline two\n");

    expect(server.requests).toHaveLength(2);
    const tool = server.requests[1]!.body.messages.find((m: { role: string }) => m.role === "tool");
    expect(tool.content).toMatch(/notes\/hello\.txt/);
    expect(tool.content).not.toMatch(/declined|denied/i);
  });

  it("denies a shell command with a reason: the model is told why and nothing runs", async () => {
    const p = tempProject();
    mkdirSync(join(p.root, "build"));
    writeFileSync(join(p.root, "build", "keep.txt"), "precious\n");
    server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: "rm -rf build" } }] }, { text: "Understood, I left build/ alone." });
    const t = await openTui(p);
    await submit(t, "clean up the repo");

    const prompt = await t.waitFor("Allow run_shell rm -rf build?", TUI_STEP_MS);
    expect(prompt).toContain("2. Yes, and don't ask again for run_shell(");
    await t.press("3");
    await t.waitFor("why: ", TUI_STEP_MS);
    await t.type("the build dir has artefacts I need");
    await t.waitFor("why: the build dir has artefacts I need", TUI_STEP_MS);
    await t.press("Enter");

    const after = await t.waitFor("● Understood, I left build/ alone.", TUI_STEP_MS);
    expect(after).toContain("✗ run_shell rm -rf build");
    expect(after).toContain("denied: the build dir has artefacts I need");
    expect(readFileSync(join(p.root, "build", "keep.txt"), "utf8")).toBe("precious\n");

    expect(server.requests).toHaveLength(2);
    const msgs = server.requests[1]!.body.messages as { role: string; content: string; tool_call_id?: string }[];
    const call = msgs.findLast((m: any) => m.role === "assistant" && m.tool_calls)! as any;
    const tool = msgs.find((m) => m.role === "tool" && m.tool_call_id === call.tool_calls[0].id)!;
    expect(tool.content).toMatch(/declined/i);
    expect(tool.content).toContain("the build dir has artefacts I need");
  });

  it("Esc interrupts a stalled stream, keeps the partial answer, and the input works again", async () => {
    const p = tempProject();
    // role chunk + two 10-character pieces, then silence with the connection open.
    server.enqueue({ text: "Partial answer that will never finish streaming.", chunkSize: 10, stallAfterChunks: 3 });
    const t = await openTui(p);
    await submit(t, "tell me a long story");

    const streaming = await t.waitFor("● Partial answer that", TUI_STEP_MS);
    expect(streaming).toContain("Esc to interrupt");
    expect(streaming).not.toContain("never finish");

    await t.press("Escape");
    const stopped = await t.waitFor("⏹ interrupted", TUI_STEP_MS);
    expect(stopped).toContain("● Partial answer that");
    await idle(t);
    await expect.poll(() => server.requests[0]!.aborted, { timeout: 5000 }).toBe(true);

    server.enqueue({ text: "Back at your service." });
    await submit(t, "are you still there?");
    const again = await t.waitFor("● Back at your service.", TUI_STEP_MS);
    expect(again).not.toContain("never finish");
    expect(server.requests).toHaveLength(2);
    expect(userMessages(server.requests[1]!).at(-1)).toBe("are you still there?");
    expect(userMessages(server.requests[1]!)).toContain("tell me a long story");
  });

  it("/memory shows the block the agent just edited, with its usage", async () => {
    const p = tempProject();
    const fact = "Builds with the zebra-42 toolchain";
    server.enqueue({ toolCalls: [{ name: "core_memory_append", arguments: { label: "project", content: fact } }] }, { text: "Noted in project memory." });
    const t = await openTui(p);
    await submit(t, "remember how we build");
    const turn = await t.waitFor("● Noted in project memory.", TUI_STEP_MS);
    expect(turn).not.toContain("Allow core_memory_append"); // memory tools need no approval
    expect(turn).toContain(`remembered in project: ${fact}`);
    await idle(t);

    await submit(t, "/memory");
    const panel = await t.waitFor("Core memory", TUI_STEP_MS, { scrollback: 200 });
    expect(panel).toMatch(new RegExp(`project +[█░]+ ${fact.length}/\\d+ chars \\(\\d+%\\)`));
    expect(panel).toContain(`│ ${fact}`);
    expect(panel).toMatch(/persona +[█░]+ \d+\/\d+ chars/);
    expect(server.requests).toHaveLength(2); // the slash command did not call the model
  });

  it("quitting and reopening resumes the conversation, keys typed as it opens are kept, and a new prompt continues it", async () => {
    const p = tempProject();
    server.enqueue({ text: "Noted: your favourite colour is teal." });
    const first = await openTui(p);
    await submit(first, "my favourite colour is teal");
    await first.waitFor("● Noted: your favourite colour is teal.", TUI_STEP_MS);
    await idle(first);
    await submit(first, "/exit");
    expect(await first.waitForExit(TUI_STEP_MS)).toBe(0);
    first.kill();

    server.enqueue({ text: "You told me: teal." });
    const second = await openTui(p);
    // Typed the moment the input shows, which is before Ink has loaded (src/tui/opening.ts): kept.
    await second.type("what is my favourite colour?");
    const resumed = await second.waitFor("> what is my favourite colour?", TUI_STEP_MS);
    expect(resumed).toContain("── resumed conversation");
    expect(resumed).toContain("› my favourite colour is teal");
    expect(resumed).toContain("● Noted: your favourite colour is teal.");
    // Ink's frame replaced the printed one in place: one input box, right below the transcript.
    expect(count(resumed, "╭")).toBe(1);
    expect(resumed).not.toContain(TUI_READY);
    expect(resumed).toMatch(/end of resumed conversation ─+\n╭─+╮\n│ > what is my favourite colour\?/);

    await second.press("Enter");
    await second.waitFor("● You told me: teal.", TUI_STEP_MS);
    // Quitting reflected on the first turn (a request of its own): the turn's request is the last one.
    const req = server.requests.at(-1)!;
    expect(userMessages(req)).toEqual(["my favourite colour is teal", "what is my favourite colour?"]);
    expect(req.body.messages.some((m: { role: string; content: string }) => m.role === "assistant" && m.content === "Noted: your favourite colour is teal.")).toBe(true);

    // The other way out: Ctrl-C twice.
    await idle(second);
    await second.press("C-c");
    await second.waitFor("Press Ctrl-C again to exit", TUI_STEP_MS);
    await second.press("C-c");
    expect(await second.waitForExit(TUI_STEP_MS)).toBe(0);
  });

  it("at 60 columns a long answer wraps cleanly, and NO_COLOR=1 leaves no colour codes", async () => {
    const p = tempProject();
    const words =
      "Wrapping matters: this deliberately long answer has enough words to need several rows in a sixty column terminal, and every word must come out whole, in order, exactly once.";
    const answer = `## Summary\n\n${words}\n\n- a \`code span\` in a bullet that is also long enough to wrap past the edge\n- **bold** item`;
    server.enqueue({ text: answer, chunkSize: 40 });
    const t = await openTui(p, { cols: 60, env: { NO_COLOR: "1" } });
    await submit(t, "explain wrapping");
    await t.waitFor("bold item", TUI_STEP_MS);
    await idle(t);

    // -J joins rows the terminal itself wrapped: anything wider than the pane would show up here.
    const joined = await t.screen({ join: true, scrollback: 200 });
    const wide = joined.split("\n").filter((l) => [...l.trimEnd()].length > 60);
    expect(wide, joined).toEqual([]);

    // The paragraph's words, read back row by row, are the original words in order (none split or lost).
    const rows = joined.split("\n");
    const from = rows.findIndex((l) => l.includes("Wrapping matters:"));
    const to = rows.findIndex((l, i) => i >= from && l.includes("exactly once."));
    expect(from, joined).toBeGreaterThan(-1);
    expect(to, joined).toBeGreaterThan(from);
    const read = rows
      .slice(from, to + 1)
      .map((l) => l.replace(/^[● ]+/, "").trim())
      .join(" ")
      .split(/\s+/);
    expect(read).toEqual(words.split(/\s+/));
    expect(count(joined, "Wrapping matters:")).toBe(1);

    const raw = await t.screen({ escapes: true, scrollback: 200 });
    expect(colourCodes(raw), raw).toEqual([]);
    expect(raw).toMatch(/\u001b\[[0-9;]*1[;m]/); // bold (not a colour) is kept
  });
});
