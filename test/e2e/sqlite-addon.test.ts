// better-sqlite3's JavaScript is in the CLI's bundle, its native addon is taken from the package
// (src/store/sqlite-addon.ts). An install of its own here: a copy of bin/ and dist/, the dependencies
// linked, better-sqlite3 copied so its addon can be moved or taken away.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { cleanEnv, tempProject } from "../helpers/cli.js";
import { tempDir } from "../helpers/temp.js";

const ROOT = new URL("../..", import.meta.url).pathname;

function install(): { bin: string; pkg: string } {
  const app = tempDir("letta-install-");
  cpSync(join(ROOT, "bin"), join(app, "bin"), { recursive: true });
  cpSync(join(ROOT, "package.json"), join(app, "package.json"));
  cpSync(join(ROOT, "dist"), join(app, "dist"), { recursive: true, filter: (src) => !src.endsWith(".map") && !src.includes("compile-cache") });
  const modules = join(app, "node_modules");
  mkdirSync(modules);
  for (const name of readdirSync(join(ROOT, "node_modules"))) {
    if (name !== "better-sqlite3") symlinkSync(join(ROOT, "node_modules", name), join(modules, name));
  }
  const pkg = join(modules, "better-sqlite3");
  mkdirSync(join(pkg, "build", "Release"), { recursive: true });
  cpSync(join(ROOT, "node_modules/better-sqlite3/package.json"), join(pkg, "package.json"));
  cpSync(join(ROOT, "node_modules/better-sqlite3/lib"), join(pkg, "lib"), { recursive: true });
  cpSync(join(ROOT, "node_modules/better-sqlite3/build/Release/better_sqlite3.node"), join(pkg, "build", "Release", "better_sqlite3.node"));
  return { bin: join(app, "bin", "letta-code.js"), pkg };
}

function memoryShow(bin: string) {
  const { root, home } = tempProject();
  const r = spawnSync(process.execPath, [bin, "memory", "show"], { cwd: root, env: cleanEnv(home), encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("better-sqlite3's addon, in an install", () => {
  it("is found where `bindings` would look when build/Release has none", () => {
    const { bin, pkg } = install();
    renameSync(join(pkg, "build", "Release", "better_sqlite3.node"), join(pkg, "build", "better_sqlite3.node"));
    const r = memoryShow(bin);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("── persona");
  });

  it("missing everywhere, is reported with the places in the package it was looked for", () => {
    const { bin, pkg } = install();
    rmSync(join(pkg, "build"), { recursive: true });
    const r = memoryShow(bin);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("Could not locate the bindings file");
    expect(r.stderr).toContain(join(pkg, "build", "Release", "better_sqlite3.node"));
  });
});
