// Checkpoint cost: the before/after capture around one file-tool write, and the shell snapshot
// (size+mtime scan; only changed files are read) on a 5,000-file repository.
// Run: npm run build && node bench/checkpoints.js
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Project } from "../dist/agent/open-project.js";
import { ms, rng, summarise } from "./synthetic.js";

const FILES = 5_000;
const WRITES = 200;
const SNAPSHOTS = 20;

const root = mkdtempSync(join(tmpdir(), "letta-bench-checkpoints-"));
mkdirSync(join(root, ".git"));
const rand = rng(11);
const words = "const value = compute(input); // a line of realistic source code\n";
let bytes = 0;
for (let i = 0; i < FILES; i++) {
  const dir = join(root, "src", `pkg${i % 50}`, `mod${i % 7}`);
  mkdirSync(dir, { recursive: true });
  const content = `// file ${i}\n${words.repeat(10 + Math.floor(rand() * 60))}`;
  bytes += content.length;
  writeFileSync(join(dir, `file${i}.ts`), content);
}
// Ignored output is never scanned.
mkdirSync(join(root, "dist"));
for (let i = 0; i < 1000; i++) writeFileSync(join(root, "dist", `out${i}.js`), words);
writeFileSync(join(root, ".gitignore"), "dist/\n");

const project = Project.open({ cwd: root, env: { HOME: root, LETTA_CODE_EMBEDDING_PATH: join(root, "none") }, flags: { model: "bench" } });
const agent = project.resolveAgent();
const cp = project.checkpoints();
const memory = project.memory(agent.id);
const turnId = (text) => project.store.messages.append(agent.id, { conversationId: agent.conversationId, role: "user", content: text, tokens: 4 }).id;

// One file-tool write: before-image read + blob + record, then the after-image.
const target = join(root, "src", "pkg0", "mod0", "file0.ts");
const writes = [];
const hooks = cp.beginTurn(agent.id, agent.conversationId, turnId("edit"), memory);
for (let i = 0; i < WRITES; i++) {
  const t0 = performance.now();
  hooks.beforeWrite(target);
  writeFileSync(target, `${words.repeat(40)}// edit ${i}\n`);
  hooks.afterWrite(target);
  writes.push(performance.now() - t0);
}
const w = summarise(writes);

// The first snapshot reads and stores every file; later ones only what changed since.
let t0 = performance.now();
const shellHooks = cp.beginTurn(agent.id, agent.conversationId, turnId("run a command"), memory);
const first = shellHooks.beforeShell();
const cold = performance.now() - t0;
shellHooks.afterShell(first);

const warmBefore = [];
const warmAfter = [];
for (let i = 0; i < SNAPSHOTS; i++) {
  const h = cp.beginTurn(agent.id, agent.conversationId, turnId(`command ${i}`), memory);
  t0 = performance.now();
  const token = h.beforeShell();
  warmBefore.push(performance.now() - t0);
  // What a formatter or generator might do: touch ten files.
  for (let k = 0; k < 10; k++) writeFileSync(join(root, "src", `pkg${k}`, `mod${k % 7}`, `file${k}.ts`), `${words}// run ${i}\n`);
  t0 = performance.now();
  h.afterShell(token);
  warmAfter.push(performance.now() - t0);
}
const b = summarise(warmBefore);
const a = summarise(warmAfter);

console.log(`checkpoint cost, ${FILES} files (${(bytes / 1024 / 1024).toFixed(1)} MB) + 1000 ignored`);
console.log(`file-tool write (before+after capture, 2.6 KB file):  median ${ms(w.median)}  p95 ${ms(w.p95)}  (budget 20 ms)`);
console.log(`shell snapshot, first in a project (reads all files): ${ms(cold)}`);
console.log(`shell snapshot before a command (nothing changed):    median ${ms(b.median)}  p95 ${ms(b.p95)}`);
console.log(`shell snapshot after a command (10 files changed):    median ${ms(a.median)}  p95 ${ms(a.p95)}`);
console.log(`blob store: ${(cp.blobs.bytes() / 1024 / 1024).toFixed(1)} MB`);
project.close();
rmSync(root, { recursive: true, force: true });
