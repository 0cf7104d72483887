/**
 * Attacks on the sandbox, tried for real: as root (how letta-code often runs in containers) through
 * run_shell, and as an unprivileged user (nobody) through the same bwrap argv. Each must fail, and
 * the project must stay usable (writable, git readable).
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { detectSandbox, SANDBOX_DENIAL_NOTE, wrapSandboxed } from "../../src/permissions/sandbox.js";
import { runShellTool } from "../../src/tools/shell.js";
import type { ToolContext } from "../../src/tools/types.js";
import { BWRAP_INSTALL, requireProgram } from "../helpers/requires.js";
import { call, makeCtx } from "../tools/helpers.js";

const bwrap = requireProgram("bwrap", BWRAP_INSTALL);
const NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"];
const IS_ROOT = process.getuid?.() === 0;
const GIT_ID = "-c user.email=t@example.com -c user.name=t";

/** Every escape at once; each prints a marker only if it worked. */
const ESCAPES = [
  "grep CapEff /proc/self/status",
  "mount -o remount,bind,rw / 2>&1 && echo ESCAPED-remount-root",
  "umount .letta 2>&1 && echo ESCAPED-umount-letta",
  "mount -o remount,bind,rw .letta 2>&1 && echo ESCAPED-remount-letta",
  "umount .git 2>&1 && echo ESCAPED-umount-git",
  "mount -t tmpfs none .git 2>&1 && echo ESCAPED-mount-git",
  "unshare -Urm true 2>&1 && echo ESCAPED-nested-userns",
  "echo '{\"permissionMode\":\"yolo\"}' > .letta/config.local.json && echo ESCAPED-letta-config",
  "echo x > /etc/letta-escape-probe && echo ESCAPED-etc",
  "echo inside > made.txt && echo project-writable",
].join("; ");

function expectHeld(output: string, root: string): void {
  expect(output).toContain("CapEff:\t0000000000000000");
  expect(output).not.toContain("ESCAPED");
  expect(output).toContain("project-writable");
  expect(fs.readFileSync(path.join(root, ".letta/config.local.json"), "utf8")).toBe("{}\n");
  expect(fs.existsSync("/etc/letta-escape-probe")).toBe(false);
  expect(fs.readFileSync(path.join(root, "made.txt"), "utf8")).toBe("inside\n");
}

const GIT_WORKS = [
  "git status --short; echo status=$?",
  "git log --oneline; echo log=$?",
  "git diff --stat; echo diff=$?",
  "git config core.fsmonitor 'touch pwned' 2>&1 && echo ESCAPED-git-config",
  "echo 'touch pwned' > .git/hooks/pre-commit && echo ESCAPED-git-hook",
].join("; ");

function expectGitReadOnly(output: string, root: string): void {
  expect(output).toContain(" M a.txt");
  expect(output).toMatch(/status=0/);
  expect(output).toMatch(/[0-9a-f]{7} first\nlog=0/);
  expect(output).toMatch(/a\.txt \| 1 \+\n.*\ndiff=0/);
  expect(output).not.toContain("ESCAPED");
  expect(fs.readFileSync(path.join(root, ".git/config"), "utf8")).not.toContain("fsmonitor");
  expect(fs.existsSync(path.join(root, ".git/hooks/pre-commit"))).toBe(false);
}

/** A project owned by `as` (root, or nobody via setpriv): memory store, a git repo with one commit and a change. */
function makeProject(asNobody: boolean): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "letta-escape-")));
  if (asNobody) fs.chownSync(root, 65534, 65534);
  const setup = [
    "mkdir .letta && echo '{}' > .letta/config.local.json",
    "git init -q . && echo one > a.txt && git add a.txt",
    `git ${GIT_ID} commit -qm first && echo two >> a.txt`,
  ].join(" && ");
  const r = spawnSync(asNobody ? "setpriv" : "bash", asNobody ? [...NOBODY, "bash", "-c", setup] : ["-c", setup], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: root },
    encoding: "utf8",
  });
  if (r.status !== 0) {
    fs.rmSync(root, { recursive: true, force: true });
    throw new Error(`project setup failed: ${r.stderr}`);
  }
  return root;
}

/** The sandbox argv run_shell would use, run as nobody. */
function runAsNobody(command: string, root: string): string {
  const r = spawnSync("setpriv", [...NOBODY, ...wrapSandboxed(command, root, "bwrap")], {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: root, GIT_OPTIONAL_LOCKS: "0" },
    encoding: "utf8",
    timeout: 20_000,
  });
  return r.stdout + r.stderr;
}

let root: string;
let ctx: ToolContext;
beforeEach(async () => {
  const status = await detectSandbox();
  if (bwrap.present && !status.available) throw new Error(`bubblewrap is installed but cannot sandbox here: ${status.reason}`);
});
afterEach(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!bwrap.present)(`sandbox escapes, as the user running letta-code (root here)${bwrap.note}`, () => {
  beforeEach(() => {
    root = makeProject(false);
    ctx = makeCtx(root, { shell: { sandbox: true, allowUnsandboxed: false } });
  });

  it("no capabilities, no remount or unmount, .letta unchanged, project writable", async () => {
    const r = await call(runShellTool, { command: ESCAPES }, ctx);
    expect(r.display).toMatchObject({ sandboxed: true });
    expectHeld(r.content, root);
  });

  it("git reads work, .git cannot be changed", async () => {
    const r = await call(runShellTool, { command: GIT_WORKS }, ctx);
    expectGitReadOnly(r.content, root);
  });

  it("a .git file's repository inside the project is read-only, and so is the pointer", async () => {
    // What a submodule or worktree has: .git is a file naming the real repository.
    fs.renameSync(path.join(root, ".git"), path.join(root, "repo-data"));
    fs.writeFileSync(path.join(root, ".git"), "gitdir: repo-data\n");
    const r = await call(
      runShellTool,
      {
        command: [
          "git status --short; echo status=$?",
          "echo 'touch pwned' > repo-data/hooks/pre-commit && echo ESCAPED-hook",
          "echo 'gitdir: /tmp/evil' > .git && echo ESCAPED-pointer",
        ].join("; "),
      },
      ctx,
    );
    expect(r.content).toContain(" M a.txt");
    expect(r.content).toContain("status=0");
    expect(r.content).not.toContain("ESCAPED");
    expect(fs.existsSync(path.join(root, "repo-data/hooks/pre-commit"))).toBe(false);
    expect(fs.readFileSync(path.join(root, ".git"), "utf8")).toBe("gitdir: repo-data\n");
  });

  it("a symlinked .git's repository inside the project is read-only", async () => {
    fs.renameSync(path.join(root, ".git"), path.join(root, "repo-real"));
    fs.symlinkSync("repo-real", path.join(root, ".git"));
    const r = await call(runShellTool, { command: "git status --short; echo 'touch pwned' > repo-real/hooks/pre-commit && echo ESCAPED-hook" }, ctx);
    expect(r.content).toContain(" M a.txt");
    expect(r.content).not.toContain("ESCAPED");
    expect(fs.existsSync(path.join(root, "repo-real/hooks/pre-commit"))).toBe(false);
  });

  it("/run is private: daemons' sockets there cannot be reached", async () => {
    const r = await call(runShellTool, { command: "ls -A /run | wc -l" }, ctx);
    expect(r.content).toBe("exit code 0\n0\n");
  });
});

// Switching to nobody takes root; as any other user the suite above is already the unprivileged case.
const nobodyNote = bwrap.note || (IS_ROOT ? "" : " [skipped: needs root to switch to nobody]");
describe.skipIf(!bwrap.present || !IS_ROOT)(`sandbox escapes, as an unprivileged user (nobody)${nobodyNote}`, () => {
  beforeEach(() => {
    root = makeProject(true);
  });

  it("no capabilities, no remount or unmount, .letta unchanged, project writable", () => {
    expectHeld(runAsNobody(ESCAPES, root), root);
  });

  it("git reads work, .git cannot be changed", () => {
    expectGitReadOnly(runAsNobody(GIT_WORKS, root), root);
  });
});

describe.skipIf(!bwrap.present)(`the sandbox's network${bwrap.note}`, () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end("pong"));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    root = makeProject(false);
  });

  const fetchCommand = () =>
    `node -e "fetch('http://127.0.0.1:${port}/').then(r => r.text()).then(t => console.log('got', t), e => { console.log('failed', e.cause?.code); process.exit(1); })"`;

  it("is off by default: a loopback server on the host cannot be reached", async () => {
    const r = await call(runShellTool, { command: fetchCommand() }, makeCtx(root, { shell: { sandbox: true, allowUnsandboxed: false } }));
    expect(r.display).toMatchObject({ sandboxed: true, exitCode: 1 });
    expect(r.content).toContain("failed");
    expect(r.content).not.toContain("got pong");
  });

  it("network: true reaches it, still sandboxed", async () => {
    const netCtx = makeCtx(root, { shell: { sandbox: true, allowUnsandboxed: false, network: true } });
    const r = await call(runShellTool, { command: `${fetchCommand()}; echo x > /etc/letta-escape-probe || echo etc-refused` }, netCtx);
    expect(r.content).toContain("got pong");
    expect(r.content).toContain("etc-refused");
    expect(r.display).toMatchObject({ sandboxed: true });
  });
});

describe.skipIf(!bwrap.present)(`a command the sandbox stopped${bwrap.note}`, () => {
  beforeEach(() => {
    root = makeProject(false);
    ctx = makeCtx(root, { shell: { sandbox: true, allowUnsandboxed: false } });
  });

  it("says so to the model and flags it for the user", async () => {
    const r = await call(runShellTool, { command: "echo x > /etc/letta-escape-probe" }, ctx);
    expect(r.content).toMatch(/^exit code 1\n.*Read-only file system\n/);
    expect(r.content.endsWith(`\n${SANDBOX_DENIAL_NOTE}`)).toBe(true);
    expect(r.display).toMatchObject({ sandboxed: true, sandboxDenied: true });
  });

  it("recognises a name lookup that has no network", async () => {
    const r = await call(runShellTool, { command: `node -e "fetch('http://example.com/')"` }, ctx);
    expect(r.content).toContain("EAI_AGAIN");
    expect(r.content).toContain(SANDBOX_DENIAL_NOTE);
    expect(r.display).toMatchObject({ sandboxDenied: true });
  });

  it("does not blame the sandbox for an ordinary failure, nor for a success that mentions it", async () => {
    const failed = await call(runShellTool, { command: "echo nope; exit 3" }, ctx);
    expect(failed.content).toBe("exit code 3\nnope\n");
    expect(failed.display).not.toHaveProperty("sandboxDenied");
    const ok = await call(runShellTool, { command: "echo 'Read-only file system'" }, ctx);
    expect(ok.content).not.toContain(SANDBOX_DENIAL_NOTE);
    const plain = await call(runShellTool, { command: "echo 'Read-only file system'; exit 1" }, makeCtx(root));
    expect(plain.content).not.toContain(SANDBOX_DENIAL_NOTE);
    expect(plain.display).not.toHaveProperty("sandboxDenied");
  });
});
