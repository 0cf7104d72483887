/**
 * A bubblewrap probe that succeeded is remembered across runs (src/permissions/sandbox-memo.ts). Driven
 * with a stand-in `bwrap` on PATH that logs each start, so these hold with or without bubblewrap here.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { detectSandbox, resetSandboxDetection } from "../../src/permissions/sandbox.js";
import { resetShellNotices, runShellTool } from "../../src/tools/shell.js";
import { call, makeCtx, tempProject } from "../tools/helpers.js";

let dir: string;
let log: string;
let broken: string;
let memo: string;
const saved = { PATH: process.env.PATH, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };

/** A bwrap that says it works, unless the `broken` file exists: then it fails as bwrap does at set-up. */
function writeFakeBwrap(extra = "") {
  const file = path.join(dir, "bin", "bwrap");
  fs.writeFileSync(
    file,
    `#!/bin/sh\necho start >> "${log}"\nif [ -e "${broken}" ]; then echo "bwrap: No permissions to create a new namespace" >&2; exit 1; fi\n${extra}exit 0\n`,
    { mode: 0o755 },
  );
}
const starts = () => (fs.existsSync(log) ? fs.readFileSync(log, "utf8").split("\n").filter(Boolean).length : 0);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "letta-sandbox-memo-"));
  fs.mkdirSync(path.join(dir, "bin"));
  log = path.join(dir, "starts.log");
  broken = path.join(dir, "broken");
  memo = path.join(dir, "cache", "letta-code", "sandbox-probe.json");
  writeFakeBwrap();
  process.env.PATH = `${path.join(dir, "bin")}${path.delimiter}${saved.PATH}`;
  process.env.XDG_CACHE_HOME = path.join(dir, "cache");
  resetSandboxDetection();
  resetShellNotices();
});
afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.XDG_CACHE_HOME === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = saved.XDG_CACHE_HOME;
  resetSandboxDetection();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform !== "linux")("a remembered bubblewrap probe", () => {
  it("a later run takes an earlier run's success without probing", async () => {
    const first = await detectSandbox();
    expect(first.available).toBe(true);
    expect(first.remembered).toBeUndefined();
    expect(starts()).toBe(1);
    expect(fs.statSync(memo).mode & 0o777).toBe(0o600);
    resetSandboxDetection(); // as a new process starts
    expect(await detectSandbox()).toMatchObject({ available: true, remembered: true });
    expect(starts()).toBe(1);
  });

  it("a failed probe is never remembered, and forgets an earlier success", async () => {
    await detectSandbox();
    fs.writeFileSync(broken, "");
    writeFakeBwrap("# another build\n"); // a changed binary is probed again
    resetSandboxDetection();
    expect((await detectSandbox()).available).toBe(false);
    expect(fs.existsSync(memo)).toBe(false);
    resetSandboxDetection();
    expect((await detectSandbox()).available).toBe(false);
    expect(starts()).toBe(3);
  });

  it("a command whose remembered sandbox no longer sets up is probed afresh and handled as that says", async () => {
    await detectSandbox();
    resetSandboxDetection();
    fs.writeFileSync(broken, ""); // user namespaces turned off since, same bwrap binary
    const { root, cleanup } = tempProject({});
    try {
      const refused = await call(runShellTool, { command: "echo hi" }, makeCtx(root, { shell: { sandbox: true, allowUnsandboxed: false } }));
      expect(refused.isError).toBe(true);
      expect(refused.content).toMatch(/sandboxing is required but unavailable .*No permissions to create a new namespace/);
      expect(fs.existsSync(memo)).toBe(false);
      expect(starts()).toBe(3); // the first probe, the command's failed set-up, the fresh probe

      resetSandboxDetection();
      resetShellNotices();
      const ran = await call(runShellTool, { command: "echo hi" }, makeCtx(root, { shell: { sandbox: true, allowUnsandboxed: true } }));
      expect(ran.content).toContain("(not sandboxed: bubblewrap unavailable)");
      expect(ran.content).toContain("hi");
    } finally {
      cleanup();
    }
  });
});
