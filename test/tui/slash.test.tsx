import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import { writeFileSync } from "node:fs";
import type { AgentSession } from "../../src/agent/session.js";
import { initPrompt } from "../../src/tui/prompts.js";
import { FakeSession } from "./fake-session.js";
import { join } from "node:path";
import { Project } from "../../src/agent/open-project.js";
import { tempDir } from "../helpers/temp.js";
import { KEY, renderApp } from "./helpers.js";

afterEach(() => cleanup());

describe("slash commands", () => {
  it("/help lists the commands and key bindings", async () => {
    const app = renderApp(new FakeSession());
    app.setSize(120, 60); // room for all of it (help-layout.test.tsx has smaller panes)
    await app.submit("/help");
    const f = await app.waitFor((f) => f.includes("Commands"));
    for (const c of ["/memory", "/remember", "/search", "/forget", "/compact", "/clear", "/model", "/agents", "/init", "/permissions", "/cost", "/exit"]) {
      expect(f).toContain(c);
    }
    expect(f).toContain("Ctrl-J · Alt+Enter");
    expect(f).toContain("Shift+Tab");
  });

  it("typing / shows matching commands below the input; Tab completes", async () => {
    const app = renderApp(new FakeSession());
    await app.press("/");
    let f = app.frame();
    expect(f).toContain("/help");
    expect(f).toContain("/memory");
    expect(f).toContain("more (Tab completes)");
    await app.press("sea"); // "/se" would also match /sessions
    f = app.frame();
    expect(f).toContain("/search");
    expect(f).not.toContain("/memory");
    await app.press(KEY.tab);
    expect(app.frame()).toContain("> /search ");
    await app.press(KEY.ctrlU);
    await app.press("/c");
    await app.press(KEY.tab); // /clear, /compact, /cost: no common prefix beyond "c"
    f = app.frame();
    expect(f).toContain("/clear");
    expect(f).toContain("/compact");
    expect(f).toContain("/cost");
    await app.press("o");
    await app.press("m");
    await app.press(KEY.tab);
    expect(app.frame()).toContain("> /compact ");
  });

  it("/memory shows core blocks with usage", async () => {
    const s = new FakeSession();
    await s.memory.archival.insert("a passage");
    const app = renderApp(s);
    await app.submit("/memory");
    const f = await app.waitFor((f) => f.includes("Core memory"));
    expect(f).toContain("project");
    expect(f).toContain("38/5000 chars (1%)");
    expect(f).toContain("│ TypeScript CLI. Tests: npx vitest run.");
    expect(f).toContain("persona");
    expect(f).toContain("archival: 1 passages");
  });

  it("/memory edit opens the editor and saves the block", async () => {
    const s = new FakeSession();
    const opened: string[] = [];
    const app = renderApp(s, {
      openEditor: (file) => {
        opened.push(file);
        writeFileSync(file, "Edited project notes.\n");
      },
    });
    await app.submit("/memory edit project");
    await app.waitFor((f) => f.includes("Saved project: 21/5000 chars."));
    expect(opened[0]).toMatch(/project\.md$/);
    expect(s.memory.core.get("project")!.value).toBe("Edited project notes.");
    // input works again afterwards
    await app.press("ok");
    expect(app.frame()).toContain("> ok");
  });

  it("/memory share makes a block follow the user, shown as shared; errors read as notes", async () => {
    const s = new FakeSession();
    const app = renderApp(s);
    await app.submit("/memory share persona");
    await app.waitFor((f) => f.includes("persona now follows you into every project"));
    expect(s.memory.core.get("persona")!.shared).toBe(true);
    await app.submit("/memory");
    expect(await app.waitFor((f) => f.includes("shared across projects"))).toMatch(/persona.*shared across projects/);
    await app.submit("/memory unshare nope");
    await app.waitFor((f) => f.includes('"nope" is not shared.'));
  });

  it("/memory history lists changes with who and why; /memory undo reverts one, refusals read as notes", async () => {
    const root = tempDir();
    const project = Project.open({ lettaDir: join(root, ".letta"), env: { HOME: root, LETTA_CODE_USER_DIR: join(root, "user") } });
    try {
      const s = new FakeSession();
      const mem = project.memory(project.resolveAgent().id);
      (s as { memory: unknown }).memory = mem;
      mem.core.append("human", "Prefers tabs", { actor: "agent", reason: "said so twice" });
      mem.core.append("project", "Build: make");
      const app = renderApp(s);
      await app.submit("/memory history human");
      const f = await app.waitFor((f) => f.includes("Memory history: human"));
      const [ev] = mem.history!.log({ label: "human" });
      expect(f).toContain(ev.id);
      expect(f).toMatch(/agent\s+append human/);
      expect(f).toContain("said so twice");
      expect(f).not.toContain("append project");
      await app.submit(`/memory undo ${ev.id}`);
      await app.waitFor((f) => f.includes(`Undid ${ev.id}: human is back as it was.`));
      expect(mem.core.get("human")!.value).toBe("");
      mem.core.append("human", "Prefers spaces");
      await app.submit(`/memory undo ${ev.id}`);
      await app.waitFor((f) => f.includes("has changed since") && f.includes("--force"));
      expect(mem.core.get("human")!.value).toBe("Prefers spaces");
      await app.submit("/memory undo");
      await app.waitFor((f) => f.includes("Which change?"));
    } finally {
      project.close();
    }
  });

  it("/search shows archival results without a model call", async () => {
    const s = new FakeSession();
    await s.memory.archival.insert("We deploy with GitHub Actions", { tags: ["ops"] });
    await s.memory.archival.insert("Unrelated passage");
    const app = renderApp(s);
    await app.submit("/search deploy");
    const f = await app.waitFor((f) => f.includes("result"));
    expect(f).toContain('1 result for "deploy"');
    expect(f).toContain("#1");
    expect(f).toContain("We deploy with GitHub Actions");
    expect(f).toContain("[ops]");
    expect(f).not.toContain("Unrelated passage");
    expect(s.sent).toHaveLength(0);
    await app.submit("/search nothing-matches");
    await app.waitFor((f) => f.includes('No archival passages match "nothing-matches"'));
  });

  it("/forget lists passages, then deletes one by id", async () => {
    const s = new FakeSession();
    await s.memory.archival.insert("old fact");
    const app = renderApp(s);
    await app.submit("/forget");
    await app.waitFor((f) => f.includes("Recent archival passages") && f.includes("#1"));
    await app.submit("/forget 1");
    await app.waitFor((f) => f.includes("Forgot archival passage #1."));
    expect(s.memory.archival.count()).toBe(0);
    await app.submit("/forget 99");
    await app.waitFor((f) => f.includes("No archival passage #99."));
  });

  it("/clear starts a new conversation and clears the screen", async () => {
    const s = new FakeSession();
    const app = renderApp(s);
    await app.submit("hello");
    await app.waitFor((f) => f.includes("echo: hello") && !f.includes("thinking"));
    await app.submit("/clear");
    await app.waitFor((f) => f.includes("Started a new conversation"));
    expect(s.newConversations).toBe(1);
    expect(app.frames.some((fr) => fr.includes("\u001b[2J"))).toBe(true);
    // the transcript is re-rendered from a fresh header: nothing of the old conversation after it
    const f = app.frame();
    const fresh = f.slice(f.lastIndexOf("✻ letta-code"));
    expect(fresh).not.toContain("echo: hello");
    expect(fresh).toContain("Started a new conversation");
  });

  it("unknown commands say so and point to /help", async () => {
    const app = renderApp(new FakeSession());
    await app.submit("/frobnicate now");
    const f = await app.waitFor((f) => f.includes("Unknown command /frobnicate."));
    expect(f).toContain("Type /help to list commands.");
  });

  it("/remember and /init send prompts to the agent", async () => {
    const s = new FakeSession();
    const app = renderApp(s);
    await app.submit("/remember we use pnpm");
    await app.waitFor((f) => f.includes("› /remember we use pnpm") && !f.includes("thinking"));
    expect(s.sent[0]!.text).toContain("Please remember this: we use pnpm");
    await app.submit("/init");
    await app.waitFor(() => s.sent.length === 2);
    expect(s.sent[1]!.text).toBe(initPrompt([]));
    expect(s.sent[1]!.text).toContain("`project` core memory block");
    expect(s.sent[1]!.text).not.toContain("instruction files");
  });

  it("/memory lists the instruction files in use, and /init points the agent at them", async () => {
    const s = new FakeSession();
    const app = renderApp(s);
    await app.submit("/memory");
    expect(await app.waitFor((f) => f.includes("instruction files:"))).toContain("instruction files: none");
    s.instructions = [{ scope: "project", path: "/tmp/project/CLAUDE.md", text: "Use tabs.", bytes: 40000, truncated: true }];
    await app.submit("/memory");
    await app.waitFor((f) => f.includes("CLAUDE.md (project, 39.1 KB, truncated to 32 KB)"));
    await app.submit("/init");
    await app.waitFor(() => s.sent.length === 1);
    expect(s.sent[0]!.text).toContain("instruction files are already in your system prompt (CLAUDE.md (project");
  });

  it("/compact, /cost, /model, /permissions", async () => {
    const s = new FakeSession();
    const app = renderApp(s, { permissions: () => ({ mode: "ask", allow: ["run_shell(npm test)"], deny: ["run_shell(rm *)"] }) });
    await app.submit("/compact");
    await app.waitFor((f) => f.includes("Compacted: summarised 12 messages (7k → 2.1k tokens)"));
    expect(s.compactions).toBe(1);
    await app.submit("/cost");
    await app.waitFor((f) => f.includes("Session usage") && f.includes("1,234"));
    await app.submit("/model");
    await app.waitFor((f) => f.includes("Model: fake-model"));
    await app.submit("/model better-model");
    await app.waitFor((f) => f.includes("Model set to better-model."));
    expect(s.model).toBe("better-model");
    expect(app.frame()).toMatch(/better-model · ctx/);
    await app.submit("/permissions");
    const f = await app.waitFor((f) => f.includes("Permissions"));
    expect(f).toContain("run_shell(npm test)");
    expect(f).toContain("run_shell(rm *)");
  });

  it("/agents lists the subagents the task tool can start, with scope, tools and source", async () => {
    const s = new FakeSession();
    (s as AgentSession).subagents = () => [
      { name: "explore", description: "read-only explorer", tools: ["read_file", "grep"], memory: "read", prompt: "", scope: "built-in" },
      { name: "reviewer", description: "reviews code", tools: ["read_file"], memory: "none", prompt: "", scope: "project", file: "/p/.claude/agents/reviewer.md" },
    ];
    const app = renderApp(s);
    await app.submit("/agents");
    const f = await app.waitFor((f) => f.includes("Subagents") && f.includes("reviewer"));
    expect(f).toContain("project · tools: read_file · memory: none · /p/.claude/agents/reviewer.md");
    expect(f).toContain("built-in · tools: read_file, grep");
  });

  it("/agents is unavailable without a switcher, and lists/switches with one", async () => {
    let app = renderApp(new FakeSession());
    await app.submit("/agents");
    await app.waitFor((f) => f.includes("Agent switching is unavailable"));
    app.unmount();
    const other = new FakeSession({ model: "other-model" });
    other.info = () => ({ ...FakeSession.prototype.info.call(other), agentName: "second" });
    const switched: string[] = [];
    app = renderApp(new FakeSession(), {
      agents: {
        list: () => [
          { name: "fake-agent", id: "agent-1", current: true },
          { name: "second", id: "agent-2", current: false },
        ],
        switchTo: async (name) => {
          switched.push(name);
          return other as AgentSession;
        },
        create: async () => other as AgentSession,
      },
    });
    await app.submit("/agents");
    await app.waitFor((f) => f.includes("Agents") && f.includes("second"));
    await app.submit("/agents switch second");
    await app.waitFor((f) => f.includes("Switched to agent second."));
    expect(switched).toEqual(["second"]);
    expect(app.frame()).toContain("other-model");
  });

  it("/exit and /quit exit with 0; extra commands can be added", async () => {
    const ran: string[] = [];
    const app = renderApp(new FakeSession(), {
      extraSlash: [{ name: "hello", description: "say hi", run: (args, ctx) => void (ran.push(args), ctx.note("ok", "hi there")) }],
    });
    await app.submit("/hello world");
    await app.waitFor((f) => f.includes("hi there"));
    expect(ran).toEqual(["world"]);
    await app.submit("/quit");
    expect(app.exits).toEqual([0]);
  });
});
