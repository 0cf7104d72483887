import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startScriptedServer, type ScriptedServer } from "../helpers/llm-server.mjs";
import { runCli, tempProject } from "../helpers/cli.js";

let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(() => server.close());

describe("the last used endpoint: model and base URL remembered together", () => {
  it("a plain -p after --base-url … --model … goes to the same server with the same model", async () => {
    const p = tempProject();
    const cli = (args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });
    server.enqueue({ text: "first" }, { text: "second" });
    expect((await cli(["-p", "hi", "--base-url", server.url, "--model", "mock-model"])).code).toBe(0);
    const before = server.requests.length;
    const r = await cli(["-p", "hi again"]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("second\n");
    expect(server.requests.length).toBe(before + 1);
    expect(server.requests.at(-1)!.body.model).toBe("mock-model");
  });

  it("never the model alone: another base URL without a model is told what was remembered (exit 2)", async () => {
    const p = tempProject();
    const cli = (args: string[]) => runCli(args, { cwd: p.root, home: p.home, stdin: "ignore" });
    server.enqueue({ text: "first" });
    expect((await cli(["-p", "hi", "--base-url", server.url, "--model", "mock-model"])).code).toBe(0);
    const before = server.requests.length;
    const r = await cli(["-p", "hi", "--base-url", "http://127.0.0.1:9/v1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("No model configured");
    expect(r.stderr).toContain(`mock-model was last used here at ${server.url}`);
    expect(server.requests.length).toBe(before);
  });
});
