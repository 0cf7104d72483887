// `npm run eval`: loads eval/retrieval-set.json through the public API (every turn as a recall
// message and as an archival passage), asks every question through searchMessages and
// searchPassages, and prints evidence recall@5/@10/@25 and MRR per kind, with latency.
// Figures, not pass/fail.
//
//   node eval/run.mjs                      lexical path (embeddings off)
//   node eval/run.mjs --tiny-model         + hybrid path with the generated test model (plumbing only)
//   node eval/run.mjs --model-dir DIR --model ID   + hybrid path with a real local model
//   --ablate                               lexical path again with each ranking step off in turn
//   --json FILE                            also write the figures as JSON
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "../dist/index.js";

const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const set = JSON.parse(readFileSync(new URL("./retrieval-set.json", import.meta.url), "utf8"));
const KS = [5, 10, 25];
const KINDS = ["single", "changed", "multi-hop", "temporal", "identifier"];

async function tinyModel(dir) {
  // The test helper is TypeScript; bundle it to plain JS on the fly rather than keep a copy.
  const { build } = await import("rolldown");
  const out = join(dir, "tiny-model.mjs");
  await build({
    input: new URL("../test/helpers/tiny-model.ts", import.meta.url).pathname,
    platform: "node",
    output: { file: out, format: "esm" },
    logLevel: "silent",
  });
  const { createTinyModel } = await import(out);
  const { root, modelId } = await createTinyModel(join(dir, "models"));
  return { localPath: root, model: modelId, dtype: "fp32" };
}

/** Loads every conversation into its own agent; returns id maps from stored ids back to turn ids. */
async function load(client) {
  const agents = new Map();
  for (const c of set.conversations) {
    const agent = client.createAgent({ name: c.id });
    const turns = c.sessions.flatMap((s) => s.turns.map((t) => ({ ...t, session: s.id })));
    const { ids } = client.addMessages(
      agent.id,
      turns.map((t) => ({ role: t.role, content: t.content, createdAt: t.createdAt, conversationId: t.session })),
    );
    const messageTurns = new Map(ids.map((id, i) => [id, [turns[i].id]]));
    const passageTurns = new Map();
    for (const t of turns) {
      const r = await client.insertPassage(agent.id, t.content, { createdAt: t.createdAt });
      // Identical texts are stored once: the passage stands for every turn that said it.
      for (const id of r.ids) passageTurns.set(id, [...(passageTurns.get(id) ?? []), t.id]);
    }
    agents.set(c.id, { id: agent.id, messageTurns, passageTurns });
  }
  return agents;
}

function score(hitTurns, evidence) {
  const recall = {};
  for (const k of KS) {
    const found = new Set(hitTurns.slice(0, k).flat());
    recall[k] = evidence.filter((e) => found.has(e)).length / evidence.length;
  }
  const first = hitTurns.findIndex((ts) => ts.some((t) => evidence.includes(t)));
  return { recall, rr: first >= 0 ? 1 / (first + 1) : 0 };
}

async function evaluate(client, agents, name) {
  const rows = { recall: [], archival: [] };
  const latency = { recall: [], archival: [] };
  // Warm-up: the first search of each agent builds its indexes (backfill is timed separately).
  const t0 = performance.now();
  for (const a of agents.values()) {
    await client.searchMessages(a.id, "warm up", { limit: 1 });
    await client.searchPassages(a.id, "warm up", { topK: 1 });
  }
  const warmMs = performance.now() - t0;
  for (const q of set.questions) {
    const a = agents.get(q.conversation);
    let s = performance.now();
    const messages = await client.searchMessages(a.id, q.query, { limit: 25, order: "rank", now: q.now });
    latency.recall.push(performance.now() - s);
    rows.recall.push({ kind: q.kind, ...score(messages.map((m) => a.messageTurns.get(m.id) ?? []), q.evidence) });
    s = performance.now();
    const passages = await client.searchPassages(a.id, q.query, { topK: 25, now: q.now });
    latency.archival.push(performance.now() - s);
    rows.archival.push({ kind: q.kind, ...score(passages.map((p) => a.passageTurns.get(p.id) ?? []), q.evidence) });
  }
  return { name, rows, latency, warmMs };
}

const mean = (xs) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : 0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.95)] ?? 0;

function summarise(rows) {
  const out = {};
  for (const kind of ["overall", ...KINDS]) {
    const rs = kind === "overall" ? rows : rows.filter((r) => r.kind === kind);
    out[kind] = { n: rs.length, mrr: mean(rs.map((r) => r.rr)) };
    for (const k of KS) out[kind][`r@${k}`] = mean(rs.map((r) => r.recall[k]));
  }
  return out;
}

function print(result) {
  const figures = {};
  for (const path of ["recall", "archival"]) {
    const s = summarise(result.rows[path]);
    figures[path] = { ...s, latencyMs: { median: median(result.latency[path]), p95: p95(result.latency[path]) } };
    const api = path === "recall" ? "searchMessages (recall)" : "searchPassages (archival)";
    console.log(`\n${result.name} · ${api} · latency median ${median(result.latency[path]).toFixed(2)} ms, p95 ${p95(result.latency[path]).toFixed(2)} ms`);
    console.log("kind        |   n |  R@5  | R@10  | R@25  |  MRR");
    for (const [kind, f] of Object.entries(s)) {
      const pct = (x) => (x * 100).toFixed(1).padStart(5);
      console.log(`${kind.padEnd(11)} | ${String(f.n).padStart(3)} | ${pct(f["r@5"])} | ${pct(f["r@10"])} | ${pct(f["r@25"])} | ${f.mrr.toFixed(3)}`);
    }
  }
  console.log(`(first searches, building indexes and embedding what was missing: ${result.warmMs.toFixed(0)} ms)`);
  return figures;
}

/** What each ranking step earns: recall@10 with everything on, then with one step off at a time. */
async function ablate(client, agents) {
  // Internal switches, not public API: the evaluation is the one place that turns steps off.
  const { RANKING_STEPS } = await import("../dist/memory/retrieve.js");
  const out = {};
  const r10 = (rows, kind) => mean(rows.filter((r) => !kind || r.kind === kind).map((r) => r.recall[10]));
  console.log("\nablation (lexical path, recall@10; each row turns one step off)");
  console.log("step off        | path     | overall | " + KINDS.map((k) => k.padStart(10)).join(" | ") + " | MRR changed");
  for (const step of ["none", ...Object.keys(RANKING_STEPS)]) {
    if (step !== "none") RANKING_STEPS[step] = false;
    const r = await evaluate(client, agents, step);
    if (step !== "none") RANKING_STEPS[step] = true;
    out[step] = {};
    for (const path of ["recall", "archival"]) {
      const mrrChanged = mean(r.rows[path].filter((x) => x.kind === "changed").map((x) => x.rr));
      out[step][path] = { overall: r10(r.rows[path]), ...Object.fromEntries(KINDS.map((k) => [k, r10(r.rows[path], k)])), mrrChanged };
      const pct = (x) => (x * 100).toFixed(1).padStart(5);
      console.log(`${step.padEnd(15)} | ${path.padEnd(8)} |   ${pct(out[step][path].overall)} | ${KINDS.map((k) => pct(out[step][path][k]).padStart(10)).join(" | ")} | ${mrrChanged.toFixed(3).padStart(11)}`);
    }
  }
  return out;
}

const turns = set.conversations.reduce((n, c) => n + c.sessions.reduce((m, s) => m + s.turns.length, 0), 0);
console.log(`retrieval evaluation: ${set.conversations.length} conversations, ${turns} turns, ${set.questions.length} questions`);
const results = {};
const runs = [{ name: "lexical", embeddings: { disabled: true } }];
const scratch = mkdtempSync(join(tmpdir(), "letta-eval-"));
try {
  if (flag("--tiny-model")) runs.push({ name: "hybrid (generated test model: plumbing only)", embeddings: await tinyModel(scratch) });
  if (value("--model-dir")) runs.push({ name: `hybrid (${value("--model")})`, embeddings: { localPath: value("--model-dir"), model: value("--model") } });
  for (const [i, run] of runs.entries()) {
    const client = createClient({ dir: join(scratch, `run${i}`, ".letta"), embeddings: run.embeddings, onNotice: () => {} });
    const t = performance.now();
    const agents = await load(client);
    console.log(`\n[${run.name}] loaded in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    results[run.name] = print(await evaluate(client, agents, run.name));
    if (flag("--ablate") && i === 0) results.ablation = await ablate(client, agents);
    client.close();
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (value("--json")) writeFileSync(value("--json"), JSON.stringify(results, null, 2) + "\n");
