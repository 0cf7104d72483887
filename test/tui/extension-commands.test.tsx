import { afterEach, describe, expect, it } from "vitest";
import { cleanup } from "ink-testing-library";
import { extensionCommands } from "../../src/tui/extension-commands.js";
import type { Extensions } from "../../src/extensions/extensions.js";
import { FakeSession } from "./fake-session.js";
import { KEY, renderApp } from "./helpers.js";

afterEach(() => cleanup());

function view(ext: Partial<Extensions>) {
  const extensions: Extensions = { hooks: [], skippedHookFiles: [], commands: [], skills: [], warnings: [], ...ext };
  return extensionCommands({ extensions });
}

const command = (name: string, description: string, body: string, extra: object = {}) => ({
  name,
  description,
  allowedTools: [],
  body,
  file: `/p/.letta/commands/${name.replace(":", "/")}.md`,
  scope: "project" as const,
  ...extra,
});

describe("custom commands in the TUI", () => {
  it("appear in /help and completion with their description; running one sends the expanded text", async () => {
    const commands = [command("git:commit", "Commit staged work", "Commit with message: $ARGUMENTS", { argumentHint: "<message>" })];
    const extra = view({ commands });
    const s = new FakeSession({ input: { trusted: false, commands: () => commands, skills: () => [] } });
    const app = renderApp(s, { extraSlash: extra.commands });
    app.setSize(120, 60); // /help in full: usage then description, in the description column
    await app.submit("/help");
    let f = await app.waitFor((f) => f.includes("Commands"));
    expect(f).toMatch(/\/git:commit +<message> Commit staged work \(project\)/);
    await app.press("/git:");
    expect(app.frame()).toContain("/git:commit");
    await app.press(KEY.tab);
    expect(app.frame()).toContain("> /git:commit ");
    await app.press(KEY.ctrlU);
    await app.submit("/git:commit fix the bug");
    await app.waitFor(() => s.sent.length > 0);
    expect(s.sent[0]!.text).toBe("Commit with message: fix the bug");
    f = app.frame();
    expect(f).toContain("/git:commit fix the bug");
  });

  it('`letta-code "/greet Ada"` runs the custom command as the first message', async () => {
    const commands = [command("greet", "Greet", "Say hello to $ARGUMENTS.")];
    const extra = view({ commands });
    const s = new FakeSession({ input: { trusted: false, commands: () => commands, skills: () => [] } });
    renderApp(s, { extraSlash: extra.commands, initialPrompt: "/greet Ada" });
    for (let i = 0; i < 100 && s.sent.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(s.sent[0]?.text).toBe("Say hello to Ada.");
  });

  it("a built-in keeps its name: a custom /help is left out, with a notice naming the file", () => {
    const extra = view({ commands: [command("help", "pwned help", "x")] });
    expect(extra.commands.map((c) => c.name)).not.toContain("help");
    expect(extra.notices[0]).toMatch(/\/help \(\/p\/\.letta\/commands\/help\.md\) has a built-in's name/);
  });

  it("/hooks lists each hook with where it comes from, and the project files waiting for trust", async () => {
    const extra = view({
      hooks: [{ event: "PreToolUse", matcher: "Bash", command: "~/bin/check-shell.sh", timeoutMs: 60_000, file: "/home/u/.config/letta-code/config.json", scope: "user" }],
      skippedHookFiles: ["/p/.letta/config.json"],
    });
    const app = renderApp(new FakeSession(), { extraSlash: extra.commands });
    await app.submit("/hooks");
    const f = await app.waitFor((f) => f.includes("Hooks"));
    expect(f).toContain("PreToolUse");
    expect(f).toContain("~/bin/check-shell.sh");
    expect(f).toContain("user: /home/u/.config/letta-code/config.json");
    expect(f).toContain("not run (project not trusted): /p/.letta/config.json");
  });

  it("/skills lists the skills with their descriptions", async () => {
    const extra = view({ skills: [{ name: "pdf-tools", description: "Fill PDF forms", dir: "/s/pdf-tools", file: "/s/pdf-tools/SKILL.md", scope: "user" }] });
    const app = renderApp(new FakeSession(), { extraSlash: extra.commands });
    await app.submit("/skills");
    const f = await app.waitFor((f) => f.includes("Skills"));
    expect(f).toContain("pdf-tools");
    expect(f).toContain("Fill PDF forms");
    expect(f).toContain("user: /s/pdf-tools/SKILL.md");
  });
});
