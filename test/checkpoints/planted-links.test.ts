import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collect, harness } from "../helpers/agent-harness.js";
import { tempDir } from "../helpers/temp.js";
import { projectRecord, rememberAllowRule, trustRecordPath } from "../../src/trust/record.js";

// A repository can commit anything under .letta/, symlinks included, and a pid is easy to guess in a
// container: a temporary file named `<file>.<pid>.tmp` must never be written through a link.
describe("temporary files letta-code renames into place", () => {
  it("the shell-snapshot manifest is not written through a link the repository planted", async () => {
    const h = await harness({ mode: "yolo" });
    const outside = join(tempDir("letta-victim-"), "bashrc");
    mkdirSync(join(h.root, ".letta", "checkpoints"), { recursive: true });
    symlinkSync(outside, join(h.root, ".letta", "checkpoints", `manifest.json.${process.pid}.tmp`));
    h.server.enqueue({ toolCalls: [{ name: "run_shell", arguments: { command: "echo hi > out.txt" } }] }, { text: "done" });
    await collect(h.session, "go");
    expect(existsSync(outside)).toBe(false);
    expect(existsSync(join(h.root, "out.txt"))).toBe(true);
  });

  it("the user's trust record is not written through a link either", () => {
    const home = tempDir("letta-home-");
    const env = { HOME: home, XDG_CONFIG_HOME: join(home, ".config") };
    const outside = join(tempDir("letta-victim-"), "target");
    mkdirSync(join(home, ".config", "letta-code"), { recursive: true });
    symlinkSync(outside, `${trustRecordPath(env)}.${process.pid}.tmp`);
    rememberAllowRule("/some/project", "run_shell(npm test)", env);
    expect(existsSync(outside)).toBe(false);
    expect(projectRecord("/some/project", env).allow).toEqual(["run_shell(npm test)"]);
  });
});
