// bin/compile-cache.js with a real V8, on a bundle folder of its own (the CLI's dist/ is shared by the
// suite): a cache that does not belong to the code on disk must never run, nor crash the process.
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../helpers/temp.js";
import { NOBODY } from "../helpers/users.js";

const CACHE = new URL("../../bin/compile-cache.js", import.meta.url).pathname;

/** A bundle whose main.cjs prints `answer`; the same length for every 4-letter answer. */
function bundle(answer: string): { root: string; main: string } {
  const root = tempDir("letta-cc-");
  mkdirSync(join(root, "bundle"));
  const main = join(root, "bundle", "main.cjs");
  writeFileSync(main, `exports.main = () => console.log("answer: ${answer}");\n`);
  return { root, main };
}

/**
 * Runs main.cjs through the compile cache as launch.js does; `train` writes the cache at exit, `swapTo`
 * replaces main.cjs (as another build's dist/ swap does) after it ran, before the exit writes.
 */
function run(root: string, opts: { train?: boolean; swapTo?: string; wrap?: string[] } = {}) {
  const script = `
    require("node:v8").setFlagsFromString("--liftoff-only");
    const root = ${JSON.stringify(root)};
    const stats = require(${JSON.stringify(CACHE)}).installCompileCache({ bundleDir: root + "/bundle", cacheDir: root + "/compile-cache", write: ${!!opts.train} });
    require(root + "/bundle/main.cjs").main();
    const swap = ${JSON.stringify(opts.swapTo ?? null)};
    if (swap) {
      require("node:fs").writeFileSync(root + "/next.cjs", 'exports.main = () => console.log("answer: ' + swap + '");\\n');
      require("node:fs").renameSync(root + "/next.cjs", root + "/bundle/main.cjs");
    }
    console.log(JSON.stringify(stats ?? null));`;
  const [cmd, ...pre] = [...(opts.wrap ?? []), process.execPath];
  const r = spawnSync(cmd, [...pre, "-e", script], { encoding: "utf8" });
  const lines = r.stdout.trim().split("\n");
  return { status: r.status, signal: r.signal, stderr: r.stderr, answer: lines[0], stats: JSON.parse(lines.at(-1) || "null") };
}

describe("the compile cache", () => {
  it("is taken for the chunk it was trained on", () => {
    const { root } = bundle("AAAA");
    expect(run(root, { train: true }).answer).toBe("answer: AAAA");
    const r = run(root);
    expect(r.answer).toBe("answer: AAAA");
    expect(r.stats).toEqual({ accepted: 1, rejected: 0, missing: 0 });
  });

  it("is not taken for a chunk edited to the same length: the edited code runs", () => {
    // V8 compares a cache with its source by length only.
    const { root, main } = bundle("AAAA");
    run(root, { train: true });
    writeFileSync(main, readFileSync(main, "utf8").replace("AAAA", "BBBB"));
    expect(run(root).answer).toBe("answer: BBBB");
  });

  it("is not written for a chunk another build swapped in while a training run had the old one loaded", () => {
    const { root } = bundle("AAAA");
    expect(run(root, { train: true, swapTo: "BBBB" }).answer).toBe("answer: AAAA");
    expect(run(root).answer).toBe("answer: BBBB");
    // …and the next training run caches the new one.
    run(root, { train: true });
    expect(run(root)).toMatchObject({ answer: "answer: BBBB", stats: { accepted: 1 } });
  });

  it("damaged in its payload, is rejected by V8 and the run still answers (no crash)", () => {
    const { root } = bundle("AAAA");
    run(root, { train: true });
    const file = join(root, "compile-cache", "main.cjs.v8");
    const data = readFileSync(file);
    for (let i = data.length - 64; i < data.length - 8; i++) data[i] ^= 0xff;
    writeFileSync(file, data);
    const r = run(root);
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    expect(r.answer).toBe("answer: AAAA");
    expect(r.stats).toEqual({ accepted: 0, rejected: 1, missing: 0 });
  });

  it("truncated, or with a manifest that is not JSON, leaves the run answering from source", () => {
    const { root } = bundle("AAAA");
    run(root, { train: true });
    const file = join(root, "compile-cache", "main.cjs.v8");
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    expect(run(root)).toMatchObject({ status: 0, answer: "answer: AAAA", stats: { rejected: 1 } });
    writeFileSync(join(root, "compile-cache", "manifest.json"), '{"bundleDir":');
    expect(run(root)).toMatchObject({ status: 0, answer: "answer: AAAA", stats: null });
  });

  it("trained for another folder is not used", () => {
    const { root } = bundle("AAAA");
    run(root, { train: true });
    const moved = join(tempDir("letta-cc-moved-"), "x");
    renameSync(root, moved);
    expect(run(moved)).toMatchObject({ answer: "answer: AAAA", stats: null });
  });

  it("loads a chunk named by another once, as the same module a plain require of its path gets", () => {
    const { root, main } = bundle("AAAA");
    writeFileSync(join(root, "bundle", "counter-x1.cjs"), "globalThis.loads = (globalThis.loads ?? 0) + 1;\nexports.n = () => globalThis.loads;\n");
    writeFileSync(
      main,
      [
        'const a = require("./counter-x1.cjs");',
        'const b = require("./counter-x1.cjs");',
        'const direct = require(require("node:path").join(__dirname, "counter-x1.cjs"));',
        'exports.main = () => console.log("answer: " + [a === b, a === direct, a.n()].join(" "));',
        "",
      ].join("\n"),
    );
    expect(run(root, { train: true }).answer).toBe("answer: true true 1");
    expect(run(root)).toMatchObject({ answer: "answer: true true 1", stats: { accepted: 2 } });
  });

  it("a chunk that is missing fails as Node's require fails, naming it", () => {
    const { root, main } = bundle("AAAA");
    writeFileSync(main, 'require("./gone-x1.cjs");\n');
    const r = run(root);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Cannot find module '\.\/gone-x1\.cjs'/);
  });

  it("a chunk that throws while loading is not left half-loaded: the next require runs it again", () => {
    const { root, main } = bundle("AAAA");
    writeFileSync(join(root, "bundle", "flaky-x1.cjs"), "globalThis.tries = (globalThis.tries ?? 0) + 1;\nif (globalThis.tries === 1) throw new Error('first');\nexports.tries = globalThis.tries;\n");
    writeFileSync(main, 'let first;\ntry { require("./flaky-x1.cjs"); } catch (e) { first = e.message; }\nexports.main = () => console.log("answer: " + first + " " + require("./flaky-x1.cjs").tries);\n');
    expect(run(root, { train: true }).answer).toBe("answer: first 2");
  });

  it.runIf(process.getuid?.() === 0)("in a dist/ only root can write, is taken by nobody's run", () => {
    const { root } = bundle("AAAA");
    run(root, { train: true });
    chmodSync(root, 0o755);
    const r = run(root, { wrap: NOBODY });
    expect(r).toMatchObject({ status: 0, answer: "answer: AAAA", stats: { accepted: 1 } });
  });
});
