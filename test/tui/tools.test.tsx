import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import type { AgentEvent } from "../../src/agent/events.js";
import { diffLines } from "../../src/tui/diff-view.js";
import { lineText } from "../../src/tui/text-layout.js";
import { theme } from "../../src/tui/theme.js";
import { FakeSession, done, sleep } from "./fake-session.js";
import { KEY, renderApp, tick } from "./helpers.js";

afterEach(() => cleanup());

const DIFF = ["--- a/src/a.ts", "+++ b/src/a.ts", "@@ -1,3 +1,3 @@", " keep", "-old line", "+new line", " tail"].join("\n");

/** A script that pauses at `gate` until the test releases it. */
function gated(before: AgentEvent[], after: AgentEvent[]) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const script = async function* () {
    for (const e of before) {
      await sleep(1);
      yield e;
    }
    await gate;
    for (const e of after) {
      await sleep(1);
      yield e;
    }
  };
  return { script, release };
}

describe("tool views", () => {
  it("follows the core's tool_update lifecycle: a call a rule refused shows as denied, with the reason", async () => {
    const s = new FakeSession();
    const g = gated(
      [
        { type: "tool_call", id: "t9", name: "run_shell", args: { command: "git push" }, rawArgs: "" },
        { type: "tool_update", id: "t9", name: "run_shell", state: "validating" },
      ],
      [
        { type: "tool_update", id: "t9", name: "run_shell", state: "denied" },
        { type: "tool_result", id: "t9", name: "run_shell", state: "error", content: "Permission denied: matches deny rule run_shell(git push)" },
        done(),
      ],
    );
    s.script(g.script);
    const app = renderApp(s);
    await app.submit("push it");
    await app.waitFor((f) => f.includes("git push"));
    g.release();
    const f = await app.waitFor((f) => f.includes("denied: Permission denied"));
    expect(f).toContain("matches deny rule run_shell(git push)");
  });

  it("shows a tool call when it starts and its result when it finishes", async () => {
    const s = new FakeSession();
    const g = gated(
      [{ type: "tool_call", id: "t1", name: "read_file", args: { path: "src/main.ts" }, rawArgs: "" }],
      [{ type: "tool_result", id: "t1", name: "read_file", state: "done", content: "1: import x\n2: more" }, done()],
    );
    s.script(g.script);
    const app = renderApp(s);
    await app.submit("read it");
    let f = await app.waitFor((f) => f.includes("read_file src/main.ts"));
    expect(f).toContain("◌ read_file src/main.ts");
    expect(f).toContain("running…");
    g.release();
    f = await app.waitFor((f) => f.includes("● read_file"));
    expect(f).toContain("1: import x");
    expect(f).not.toContain("running…");
  });

  it("a read_file call line names the lines it asked for", async () => {
    const s = new FakeSession();
    s.script([
      { type: "tool_call", id: "t1", name: "read_file", args: { path: "src/main.ts", offset: 40, limit: 20 }, rawArgs: "" },
      { type: "tool_result", id: "t1", name: "read_file", state: "done", content: "    40→const a = 1;" },
      done(),
    ]);
    const app = renderApp(s);
    await app.submit("read it");
    const f = await app.waitFor((f) => f.includes("● read_file"));
    expect(f).toContain("● read_file src/main.ts (lines 40–59)");
  });

  it("shows write_file results as a coloured unified diff, capped", async () => {
    const body = Array.from({ length: 40 }, (_, i) => `+line ${i}`).join("\n");
    const big = `@@ -0,0 +1,40 @@\n${body}`;
    const s = new FakeSession();
    s.script([
      { type: "tool_call", id: "w1", name: "edit_file", args: { path: "src/a.ts" }, rawArgs: "" },
      { type: "tool_result", id: "w1", name: "edit_file", state: "done", content: "ok", display: { kind: "diff", path: "src/a.ts", diff: DIFF, created: false } },
      { type: "tool_call", id: "w2", name: "write_file", args: { path: "src/big.ts" }, rawArgs: "" },
      { type: "tool_result", id: "w2", name: "write_file", state: "done", content: "ok", display: { kind: "diff", path: "src/big.ts", diff: big, created: true } },
      done(),
    ]);
    const app = renderApp(s);
    await app.submit("edit");
    const f = await app.waitFor((f) => f.includes("src/big.ts +40 -0"));
    expect(f).toContain("updated src/a.ts +1 -1");
    expect(f).toContain("-old line");
    expect(f).toContain("+new line");
    expect(f).not.toContain("+++ b/src/a.ts");
    expect(f).toContain("created src/big.ts +40 -0");
    expect(f).toContain("+line 18");
    expect(f).not.toContain("+line 19");
    expect(f).toContain("… 21 more lines");
    // colours: + green, - red, @@ cyan
    const rows = diffLines(DIFF, 80, Infinity);
    expect(rows.map(lineText)).toEqual(["@@ -1,3 +1,3 @@", " keep", "-old line", "+new line", " tail"]);
    expect(rows[2]![0]!.color).toBe(theme.removed);
    expect(rows[3]![0]!.color).toBe(theme.added);
    expect(rows[0]![0]!.color).toBe(theme.hunk);
  });

  it("shows run_shell with the command, live output capped to 5 lines, then exit code and tail", async () => {
    const s = new FakeSession();
    const out = Array.from({ length: 12 }, (_, i) => `out ${i}`).join("\n") + "\n";
    const g = gated(
      [
        { type: "tool_call", id: "s1", name: "run_shell", args: { command: "npm test" }, rawArgs: "" },
        { type: "tool_output", id: "s1", chunk: out },
      ],
      [
        { type: "tool_result", id: "s1", name: "run_shell", state: "done", content: "exit 1", display: { kind: "shell", command: "npm test", exitCode: 1, output: out, timedOut: false, sandboxed: true } },
        done(),
      ],
    );
    s.script(g.script);
    const app = renderApp(s);
    await app.submit("test");
    let f = await app.waitFor((f) => f.includes("out 11"));
    expect(f).toContain("run_shell npm test");
    expect(f).toContain("out 7");
    expect(f).not.toContain("out 6");
    expect(f).toContain("7 earlier lines");
    // Ctrl-O shows the full output of the running tool
    await app.press(KEY.ctrlO, 40);
    f = app.frame();
    expect(f).toContain("out 0");
    await app.press(KEY.ctrlO, 40);
    expect(app.frame()).not.toContain("out 0");
    g.release();
    f = await app.waitFor((f) => f.includes("exit 1"));
    expect(f).toContain("sandboxed");
    expect(f).toContain("out 11");
    expect(f).not.toContain("out 6");
    // Ctrl-O on the finished tool re-renders the transcript with its full output
    await app.press(KEY.ctrlO, 60);
    expect(app.frames.some((fr) => fr.includes("\u001b[2J"))).toBe(true);
    await app.waitFor((f) => f.slice(f.lastIndexOf("fake-agent")).includes("out 0"));
  });

  it("shows memory updates distinctly, once", async () => {
    const s = new FakeSession();
    const before = "TypeScript CLI.";
    const after = "TypeScript CLI.\nTests run with vitest.";
    s.script([
      { type: "tool_call", id: "m1", name: "core_memory_append", args: { label: "project", content: "Tests run with vitest." }, rawArgs: "" },
      { type: "memory_update", label: "project", action: "append", before, after },
      { type: "tool_result", id: "m1", name: "core_memory_append", state: "done", content: "Appended", display: { kind: "memory", label: "project", action: "append", before, after } },
      { type: "memory_update", label: "human", action: "replace", before: "likes tabs", after: "likes spaces", eventId: "7k2m9q4x0a", actor: "agent" },
      done(),
    ]);
    const app = renderApp(s);
    await app.submit("remember");
    const f = await app.waitFor((f) => f.includes("updated human"));
    expect(f).toContain("✎ remembered in project: Tests run with vitest.");
    expect(f.split("remembered in project").length - 1).toBe(1);
    expect(f).toContain("- likes tabs");
    expect(f).toContain("+ likes spaces");
    // A recorded change says how to take it back.
    expect(f).toContain("undo with /memory undo 7k2m9q4x0a");
  });

  it("marks tool errors and cancelled tools", async () => {
    const s = new FakeSession();
    s.script([
      { type: "tool_call", id: "e1", name: "read_file", args: { path: "nope.ts" }, rawArgs: "" },
      { type: "tool_result", id: "e1", name: "read_file", state: "error", content: "File not found: nope.ts" },
      { type: "tool_call", id: "e2", name: "grep", args: { pattern: "TODO", path: "src" }, rawArgs: "" },
      done(),
    ]);
    const app = renderApp(s);
    await app.submit("go");
    const f = await app.waitFor((f) => f.includes("cancelled"));
    expect(f).toContain("✗ read_file nope.ts");
    expect(f).toContain("File not found: nope.ts");
    expect(f).toContain("grep TODO in src");
    await tick();
  });
});

describe("robustness", () => {
  it("a malformed tool result renders as one error line, not a crash", async () => {
    const s = new FakeSession();
    s.script([
      { type: "tool_call", id: "x", name: "weird", args: null, rawArgs: "" },
      // display.diff is not a string: the diff view would throw
      { type: "tool_result", id: "x", name: "weird", state: "done", content: "", display: { kind: "diff", path: "a", diff: 42 as unknown as string, created: false } },
      done(),
    ]);
    const app = renderApp(s);
    await app.submit("go");
    await app.waitFor((f) => f.includes("could not display this tool"));
    await app.submit("still alive");
    await app.waitFor((f) => f.includes("echo: still alive"));
  });
  it("nests a subagent's tool calls under its task call: the current one live, the answer when it ends", async () => {
    const s = new FakeSession();
    const sub = (event: Extract<AgentEvent, { type: "subagent" }>["event"]): AgentEvent => ({
      type: "subagent",
      parent_tool_use_id: "task1",
      agent: "reviewer",
      conversationId: "conv-child",
      event,
    });
    const g = gated(
      [
        { type: "tool_call", id: "task1", name: "task", args: { agent: "reviewer", description: "review the parser", prompt: "…" }, rawArgs: "" },
        sub({ type: "tool_call", id: "r1", name: "read_file", args: { path: "src/parser.ts" }, rawArgs: "" }),
        sub({ type: "tool_result", id: "r1", name: "read_file", state: "done", content: "x" }),
        sub({ type: "tool_call", id: "g1", name: "grep", args: { pattern: "TODO" }, rawArgs: "" }),
      ],
      [
        sub({ type: "tool_result", id: "g1", name: "grep", state: "done", content: "none" }),
        { type: "tool_result", id: "task1", name: "task", state: "done", content: "Looks fine.", display: { kind: "text", text: "Looks fine." } },
        done(),
      ],
    );
    s.script(g.script);
    const app = renderApp(s);
    await app.submit("review it");
    let f = await app.waitFor((f) => f.includes("grep TODO"));
    expect(f).toContain("◌ task reviewer · review the parser");
    expect(f).toContain("● read_file src/parser.ts");
    expect(f).toContain("◌ grep TODO");
    g.release();
    f = await app.waitFor((f) => f.includes("Looks fine."));
    expect(f).toContain("● task reviewer · review the parser");
    expect(f).toContain("● grep TODO");
  });
});
