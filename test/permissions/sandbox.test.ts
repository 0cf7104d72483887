import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { detectSandbox, resetSandboxDetection, sandboxedLaunch, wrapSandboxed } from "../../src/permissions/sandbox.js";
import { resetShellNotices, runShellTool } from "../../src/tools/shell.js";
import type { ToolContext } from "../../src/tools/types.js";
import { BWRAP_INSTALL, requireProgram } from "../helpers/requires.js";
import { call, makeCtx, tempProject } from "../tools/helpers.js";

const bwrap = requireProgram("bwrap", BWRAP_INSTALL);

let root: string;
let cleanup: () => void;
let ctx: ToolContext;
let server: net.Server;
let port: number;

beforeAll(async () => {
  server = net.createServer((s) => s.end("pong\n"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

beforeEach(() => {
  ({ root, cleanup } = tempProject({ "a.txt": "hello\n", ".letta/letta.db": "db" }));
  root = fs.realpathSync(root);
  ctx = makeCtx(root, { shell: { sandbox: true, allowUnsandboxed: false } });
});
afterEach(() => cleanup());

/** bwrap is on PATH (else the suite is skipped): now it must also work, or the test fails. */
async function requireBwrap(): Promise<void> {
  const status = await detectSandbox();
  if (!status.available) {
    throw new Error(`bubblewrap is installed but cannot sandbox here: ${status.reason}`);
  }
}

describe.skipIf(!bwrap.present)(`sandbox detection${bwrap.note}`, () => {
  it("finds a working bubblewrap", async () => {
    await requireBwrap();
    const t0 = performance.now();
    resetSandboxDetection();
    const status = await detectSandbox();
    const probeMs = performance.now() - t0;
    expect(status.available).toBe(true);
    expect(status.bwrap).toMatch(/bwrap$/);
    console.log(`sandbox probe: ${probeMs.toFixed(1)} ms`);
    // Cached: later calls share the one probe.
    expect(detectSandbox()).toBe(detectSandbox());
  });

});

describe("the sandbox's argv", () => {
  it("wraps a command: read-only system, private /tmp and /run, writable project, no network, no capabilities", () => {
    fs.mkdirSync(path.join(root, ".git"));
    const argv = wrapSandboxed("echo hi", root, "bwrap");
    expect(argv.slice(0, 9)).toEqual(["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs"]);
    const s = argv.join(" ");
    // /tmp is mounted before the project so a project under /tmp stays visible.
    expect(s.indexOf("--tmpfs /tmp")).toBeLessThan(s.indexOf(`--bind ${root} ${root}`));
    expect(s.indexOf("--tmpfs /run")).toBeLessThan(s.indexOf(`--bind ${root} ${root}`));
    expect(s).toContain(`--ro-bind ${root}/.letta ${root}/.letta`);
    expect(s).toContain(`--ro-bind ${root}/.git ${root}/.git`);
    expect(s).toContain("--unshare-net");
    expect(s).toContain("--unshare-user");
    expect(s).toContain("--disable-userns --cap-drop ALL --die-with-parent --new-session");
    expect(argv.slice(-5)).toEqual(["--chdir", root, "bash", "-c", "echo hi"]);
  });

  it("keeps every other namespace when the network is allowed", () => {
    const argv = wrapSandboxed("echo hi", root, "bwrap", { network: true });
    expect(argv).not.toContain("--unshare-net");
    for (const flag of ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--disable-userns"]) expect(argv).toContain(flag);
    expect(argv.join(" ")).toContain("--cap-drop ALL");
  });
});

describe.skipIf(!bwrap.present)(`a project without .git${bwrap.note}`, () => {
  const run = (argv: string[]) => spawnSync(argv[0]!, argv.slice(1), { encoding: "utf8" });

  it("gets a read-only stand-in, taken away by the last sandbox that stood on it", async () => {
    await requireBwrap();
    const a = sandboxedLaunch("git init -q . 2>&1; mkdir .git/hooks 2>&1; echo done", root, "bwrap");
    const b = sandboxedLaunch("true", root, "bwrap");
    const r = run(a.argv);
    expect(r.stdout).toContain("Read-only file system");
    expect(r.stdout).toContain("done");
    expect(fs.readdirSync(path.join(root, ".git"))).toEqual([]);
    a.release();
    // Another sandbox of this process still stands on it.
    expect(fs.existsSync(path.join(root, ".git"))).toBe(true);
    b.release();
    b.release();
    expect(fs.existsSync(path.join(root, ".git"))).toBe(false);
  });

  it("keeps a .git the user made on the host meanwhile", async () => {
    await requireBwrap();
    const launch = sandboxedLaunch("true", root, "bwrap");
    expect(run(launch.argv).status).toBe(0);
    fs.writeFileSync(path.join(root, ".git", "HEAD"), "ref: refs/heads/main\n");
    launch.release();
    expect(fs.readFileSync(path.join(root, ".git", "HEAD"), "utf8")).toContain("main");
  });
});

describe.skipIf(!bwrap.present)(`run_shell in the sandbox${bwrap.note}`, () => {
  it("lets the command write in the project but nowhere else", async () => {
    await requireBwrap();
    const outsideDir = fs.mkdtempSync(path.join(os.homedir(), ".letta-sandbox-test-"));
    try {
      const r = await call(
        runShellTool,
        {
          command: [
            "echo inside > made.txt && echo project-ok",
            `echo x > ${outsideDir}/escaped.txt || echo home-refused`,
            "echo x > /etc/letta-sandbox-probe || echo etc-refused",
            "echo x > .letta/letta.db || echo letta-refused",
            "echo x > /tmp/scratch && echo tmp-ok",
          ].join("; "),
        },
        ctx,
      );
      expect(r.display).toMatchObject({ kind: "shell", sandboxed: true, exitCode: 0 });
      expect(r.content).toContain("project-ok");
      expect(r.content).toContain("home-refused");
      expect(r.content).toContain("etc-refused");
      expect(r.content).toContain("letta-refused");
      expect(r.content).toContain("tmp-ok");
      expect(fs.readFileSync(path.join(root, "made.txt"), "utf8")).toBe("inside\n");
      expect(fs.existsSync(path.join(outsideDir, "escaped.txt"))).toBe(false);
      expect(fs.existsSync("/etc/letta-sandbox-probe")).toBe(false);
      expect(fs.readFileSync(path.join(root, ".letta/letta.db"), "utf8")).toBe("db");
    } finally {
      fs.rmSync(outsideDir, { recursive: true, force: true });
    }
  });

  it("has no network inside, while the same command works outside", async () => {
    await requireBwrap();
    const probe = `exec 3<>/dev/tcp/127.0.0.1/${port} && head -n1 <&3`;
    const outside = await call(runShellTool, { command: probe }, makeCtx(root));
    expect(outside.content).toContain("pong");
    const inside = await call(runShellTool, { command: probe }, ctx);
    expect(inside.content).not.toContain("pong");
    expect(inside.display).toMatchObject({ sandboxed: true });
    expect(inside.content).not.toMatch(/^exit code 0/);
  });

  it("kills sandboxed children on timeout", async () => {
    await requireBwrap();
    const t0 = Date.now();
    const r = await call(runShellTool, { command: "sleep 31.7 & sleep 31.7", timeout_ms: 500 }, ctx);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.content).toMatch(/^timed out after 500 ms, killed/);
    await new Promise((res) => setTimeout(res, 300));
    const left = fs
      .readdirSync("/proc")
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return fs.readFileSync(`/proc/${p}/cmdline`, "utf8") === "sleep\u000031.7\u0000";
        } catch {
          return false;
        }
      });
    expect(left).toEqual([]);
  });

  it("measures the sandbox start overhead", async () => {
    await requireBwrap();
    const time = async (c: ToolContext) => {
      const t0 = performance.now();
      for (let i = 0; i < 10; i++) await call(runShellTool, { command: "true" }, c);
      return (performance.now() - t0) / 10;
    };
    await time(ctx);
    const plain = await time(makeCtx(root));
    const boxed = await time(ctx);
    console.log(`run_shell "true": ${plain.toFixed(1)} ms plain, ${boxed.toFixed(1)} ms sandboxed (+${(boxed - plain).toFixed(1)} ms)`);
    expect(boxed - plain).toBeLessThan(200);
  });
});

describe("when bubblewrap is unavailable", () => {
  let savedPath: string | undefined;
  let binDir: string;

  beforeEach(() => {
    // A PATH with bash but no bwrap.
    savedPath = process.env.PATH;
    binDir = fs.mkdtempSync(path.join(os.tmpdir(), "letta-nobwrap-"));
    fs.symlinkSync("/bin/bash", path.join(binDir, "bash"));
    process.env.PATH = binDir;
    resetSandboxDetection();
    resetShellNotices();
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    fs.rmSync(binDir, { recursive: true, force: true });
    resetSandboxDetection();
    resetShellNotices();
  });

  it("refuses to run unsandboxed unless allowed, and notifies the user once", async () => {
    const notices: string[] = [];
    const strict = { ...ctx, notify: (m: string) => notices.push(m) };
    const r = await call(runShellTool, { command: "echo should-not-run > ran.txt" }, strict);
    expect(r.error).toMatch(/not run/);
    expect(r.error).toMatch(/sandbox/);
    expect(fs.existsSync(path.join(root, "ran.txt"))).toBe(false);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/bubblewrap not found: install it with `apt-get install bubblewrap`/);

    const lenient = { ...strict, shell: { sandbox: true, allowUnsandboxed: true } };
    const ok = await call(runShellTool, { command: "echo ran" }, lenient);
    expect(ok.content).toContain("not sandboxed");
    expect(ok.content).toContain("exit code 0\nran");
    expect(ok.display).toMatchObject({ sandboxed: false });
    expect(notices).toHaveLength(1);
  });
});
