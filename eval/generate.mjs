// Generates eval/retrieval-set.json: long multi-session conversations between a developer and a
// coding agent, and questions with the ids of the turns that hold each answer. Seeded, so the
// committed file is reproducible: `node eval/generate.mjs` rewrites it byte for byte.
// Everything here is our own invention; no third-party benchmark data.
import { writeFileSync } from "node:fs";

const SEED = 15;
const OUT = new URL("./retrieval-set.json", import.meta.url);

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(SEED);
const pick = (xs) => xs[Math.floor(rand() * xs.length)];
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const shuffle = (xs) => {
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
};

// ---- the projects: each conversation is one project with its own code and people ----
const PROJECTS = [
  { name: "invoicer", area: "billing", files: ["src/db/pool.ts", "src/billing/invoice.ts", "src/billing/tax.ts", "src/api/routes.ts", "src/jobs/export.ts", "src/auth/session.ts", "test/billing/invoice.test.ts", "scripts/seed.ts"],
    fns: ["retryWithBackoff", "parseInvoiceLine", "computeVatRate", "createPool", "exportNightly", "loadTenantConfig", "renderPdf", "applyDiscounts"] },
  { name: "trailmap", area: "maps", files: ["src/tiles/cache.rs", "src/tiles/fetch.rs", "src/geo/projection.rs", "src/server/main.rs", "src/server/handlers.rs", "benches/render.rs", "tests/tiles.rs", "build.rs"],
    fns: ["fetch_tile", "tile_cache_get", "project_mercator", "simplify_polyline", "render_layer", "parse_bbox", "warm_cache", "handle_upload"] },
  { name: "pantry", area: "recipes", files: ["app/models/recipe.py", "app/models/user.py", "app/api/search.py", "app/tasks/import_feed.py", "app/settings.py", "tests/test_search.py", "migrations/0007_tags.py", "manage.py"],
    fns: ["normalize_ingredient", "search_recipes", "import_feed", "scale_servings", "build_index", "dedupe_tags", "send_digest", "parse_duration"] },
  { name: "relay", area: "chat", files: ["pkg/hub/hub.go", "pkg/hub/client.go", "pkg/store/postgres.go", "cmd/relay/main.go", "pkg/auth/jwt.go", "pkg/metrics/metrics.go", "internal/ratelimit/bucket.go", "pkg/hub/hub_test.go"],
    fns: ["BroadcastRoom", "readPump", "writePump", "NewStore", "ValidateToken", "TakeToken", "flushMetrics", "joinRoom"] },
  { name: "studio", area: "video", files: ["src/editor/timeline.tsx", "src/editor/clip.ts", "src/render/worker.ts", "src/render/encoder.ts", "src/store/project.ts", "src/ui/Toolbar.tsx", "e2e/export.spec.ts", "vite.config.ts"],
    fns: ["splitClipAt", "useTimelineZoom", "encodeFrames", "postRenderJob", "serializeProject", "snapToBeat", "mergeTracks", "thumbnailFor"] },
];

const PEOPLE = ["Priya", "Tomasz", "Amara", "Kenji", "Lucía", "Dmitri", "Fatima", "Oskar", "Mei", "Rafael"];
const HOSTS = ["staging-7.internal", "stg.eu-west.corp", "10.4.2.17", "preview.dev.local", "qa-box-3.lan"];

// Filler: ordinary work chatter that shares the project's vocabulary, so search has to discriminate.
const FILLER = [
  ["Can you look at {file}? Something in {fn} feels off.", "I read {file}. {fn} is fine; the surrounding code just needs a clearer name for the loop variable."],
  ["Run the tests please.", "Ran the suite: all green except one slow test in {file}, which passes on retry."],
  ["Let's tidy up {file} before the review.", "Tidied {file}: removed dead imports and split {fn} into two smaller helpers."],
  ["What does {fn} return when the input is empty?", "{fn} returns an empty result early; there is a guard at the top of the function in {file}."],
  ["Please add a comment explaining {fn}.", "Added a short comment above {fn} in {file} saying why it exists."],
  ["The linter complains about {file}.", "Fixed the lint warnings in {file}: two unused variables and a missing return type on {fn}."],
  ["Commit that with a sensible message.", "Committed: \"{fn}: simplify control flow\"."],
  ["Rename the variable in {fn} to something clearer.", "Renamed it in {fn}; the tests in {file} still pass."],
  ["Is {file} covered by tests?", "Partly. {fn} has two tests; the error branch is not covered yet."],
  ["Show me where {fn} is called.", "{fn} is called from two places, one of them in {file}."],
  ["Any TODOs left in {file}?", "Two TODOs in {file}, both about error messages in {fn}; neither blocks the release."],
  ["Can you make {fn} a bit faster?", "I cached one lookup in {fn}; the benchmark improved by about 8%."],
  ["Update the changelog for this.", "Added a changelog entry mentioning the change to {fn}."],
  ["Thanks, that looks good.", "Glad it helps. Anything else for today?"],
  ["Let's stop here for today.", "Sure. The work is committed; next time we can pick up the open review comments."],
  ["Check the types in {file}.", "The type checker is happy with {file} after I narrowed one union in {fn}."],
  ["Why is the build slow today?", "The build cache was cold after the dependency bump; a second build took the usual time."],
  ["Open a draft pull request for this.", "Opened a draft pull request touching {file}; CI is running."],
  ["Can you explain the error handling in {fn}?", "{fn} wraps failures in a typed error and lets the caller in {file} decide whether to retry."],
  ["Format the file.", "Formatted {file}; no semantic changes."],
];

// Facts stated once (single-fact questions). `q` are the ways a user later asks for it.
const SINGLE = [
  { subj: "test framework", vals: ["vitest", "pytest", "cargo nextest", "ginkgo", "playwright"],
    u: "For unit tests in this repo please stick with {v}; I don't want a second test framework creeping in.", a: "Understood, I'll write all new tests with {v}.",
    q: ["which test framework did I want us to use", "what did I say about the testing tool"] },
  { subj: "package manager", vals: ["pnpm", "yarn berry", "poetry", "uv", "go modules vendoring"],
    u: "Installs must go through {v}, the lockfile depends on it.", a: "Noted: {v} for every install from now on.",
    q: ["what should I use to install dependencies", "which package manager does this project rely on"] },
  { subj: "staging host", vals: HOSTS,
    u: "By the way, the staging box is {v} if you need to check something there.", a: "Thanks, I'll remember {v} for staging checks.",
    q: ["what is the address of the staging server", "where does staging run"] },
  { subj: "dev server port", vals: ["5173", "8081", "3030", "4200", "9000"],
    u: "Which port does the local dev server listen on again?", a: "It listens on port {v}; it is set in the dev config and the proxy expects it there.",
    q: ["what port is the local dev server on", "the dev server port"] },
  { subj: "payments reviewer", vals: PEOPLE,
    u: "Anything touching payments has to be reviewed by {v} before it merges.", a: "Got it: I'll flag payment changes for {v}'s review.",
    q: ["who has to review changes to payments", "who signs off on the payment code"] },
  { subj: "node version", vals: ["Node 18.19", "Node 20.11", "Python 3.11", "Go 1.21", "Rust 1.74"],
    u: "We're pinned to {v} because of the native addon in CI, don't bump it.", a: "Understood, {v} stays pinned.",
    q: ["why can't we upgrade the runtime version", "which runtime version are we pinned to"] },
  { subj: "branch naming", vals: ["feature/TICKET-slug", "ticket-number/short-desc", "yourname/topic", "fix/issue-id", "wip/date-topic"],
    u: "Branch names follow the pattern {v}, CI rejects anything else.", a: "I'll name branches as {v}.",
    q: ["how should branches be named", "what is the branch naming rule"] },
  { subj: "debug logging", vals: ["LOG_LEVEL=debug", "RUST_LOG=trace", "DEBUG=app:*", "VERBOSE=1", "TRACE_SQL=true"],
    u: "To see the SQL statements, start it with {v} in the environment.", a: "Good tip: {v} shows the SQL.",
    q: ["how do I turn on the verbose sql output", "which environment variable shows the queries"] },
  { subj: "release freeze", vals: ["March 20", "April 2", "the last Friday of March", "March 14", "April 9"],
    u: "Heads up: the release freeze starts on {v}, so big refactors have to land before it.", a: "Noted, big refactors need to land before {v}.",
    q: ["when does the release freeze begin", "what is the deadline for large refactors"] },
  { subj: "commit style", vals: ["conventional commits", "imperative subject under 50 chars", "ticket id first", "gitmoji", "no merge commits"],
    u: "For commit messages we use {v}, please keep to it.", a: "Will do, {v} for every commit.",
    q: ["what convention do commit messages follow", "how should I write commit messages here"] },
];

// Facts that change later: the revision must win.
const CHANGED = [
  { subj: "message broker", pairs: [["RabbitMQ", "NATS"], ["Redis streams", "Kafka"], ["SQS", "RabbitMQ"]],
    first: ["Background jobs go through {v} for now.", "Fine, jobs are queued on {v}."],
    second: ["We're moving off {old}; from now on the jobs go through {v}.", "Switched the job queue from {old} to {v} and updated the worker config."],
    q: ["which message broker do the background jobs use now", "what queue are jobs sent to currently"] },
  { subj: "ORM", pairs: [["Prisma", "Drizzle"], ["SQLAlchemy", "raw psycopg"], ["GORM", "sqlc"]],
    first: ["Data access uses {v}, keep queries inside the repository layer.", "OK, all queries via {v} in the repository layer."],
    second: ["I've decided to drop {old}; use {v} for data access instead.", "Replaced {old} with {v} in the repository layer."],
    q: ["what do we use for data access today", "which ORM or query layer is current"] },
  { subj: "deploy target", pairs: [["Heroku", "Fly.io"], ["a single VPS", "Kubernetes"], ["Vercel", "Cloudflare Pages"]],
    first: ["We deploy to {v}; the deploy script is in the Makefile.", "Right, `make deploy` pushes to {v}."],
    second: ["Ops asked us to leave {old}. Deployments now target {v}.", "Updated the deploy script: it now ships to {v} instead of {old}."],
    q: ["where do we deploy now", "what is the current deployment target"] },
  { subj: "request timeout", pairs: [["30 seconds", "45 seconds"], ["10s", "25s"], ["5 seconds", "12 seconds"]],
    first: ["The upstream request timeout is {v}.", "OK, timeout set to {v} in the client."],
    second: ["The big customers keep hitting it, raise the upstream timeout from {old} to {v}.", "Raised the upstream request timeout to {v}."],
    q: ["what is the upstream request timeout set to now", "how long is the current request timeout"] },
  { subj: "logging library", pairs: [["winston", "pino"], ["log4rs", "tracing"], ["logrus", "slog"]],
    first: ["Structured logs go through {v}.", "Understood, I'll log with {v}."],
    second: ["{old} is too slow on the hot path; switch structured logging to {v}.", "Switched the logger from {old} to {v}."],
    q: ["which logging library are we on now", "what do we log with currently"] },
];

// Bugs: found in one session, traced to a function, fixed in a file later (multi-hop).
const BUGS = [
  { symptom: "the nightly export times out on large accounts", cause: "gives up after three attempts with no delay between them",
    q: "which file did the fix for the nightly export timeout go into" },
  { symptom: "totals are off by one cent on some invoices", cause: "rounds each line before summing instead of once at the end",
    q: "where was the rounding problem in the totals fixed" },
  { symptom: "uploads over 20 MB hang forever", cause: "never releases the buffer when the client disconnects",
    q: "which file got the fix for the hanging large uploads" },
  { symptom: "search returns duplicates after an import", cause: "runs twice when the feed has a redirect",
    q: "where did we fix the duplicate search results after imports" },
  { symptom: "the websocket drops every few minutes", cause: "never answers the ping frames from the proxy",
    q: "which file was changed to stop the websocket from dropping" },
];

const ERRORS = [
  "TypeError: Cannot read properties of undefined (reading 'tenantId')",
  "ECONNRESET while reading from pool",
  "thread 'main' panicked at 'index out of bounds'",
  "sqlite3.OperationalError: database is locked",
  "panic: assignment to entry in nil map",
  "Error: listen EADDRINUSE: address already in use :::5173",
  "RangeError: Maximum call stack size exceeded",
  "psycopg.errors.UniqueViolation: duplicate key value violates unique constraint",
];

// Attempts at a recurring problem on different days (temporal questions pick one by its date).
const ATTEMPTS = [
  "bumping the connection pool size to {n}",
  "pinning the test seed to {n}",
  "raising the retry limit to {n}",
  "running the flaky test {n} times in a loop to reproduce it",
  "lowering the worker count to {n}",
  "adding a {n} ms sleep before the assertion",
];

const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

// ---- build one conversation ----
const START = Date.UTC(2026, 1, 2); // Mon 2 Feb 2026
const DAY = 86400000;
const fill = (s, vars) => s.replace(/\{(\w+)\}/g, (_, k) => (vars[k] ?? `{${k}}`));

function splitIdent(id) {
  return id.replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/_/g, " ").toLowerCase();
}

function buildConversation(ci, project) {
  const cid = `c${ci + 1}`;
  const sessionCount = 16;
  // Sessions on working days spread over ~9 weeks.
  const days = [];
  let d = START + ci * DAY;
  for (let s = 0; s < sessionCount; s++) {
    days.push(d);
    d += DAY * pick([1, 2, 3, 4, 5, 7]);
    const wd = new Date(d).getUTCDay();
    if (wd === 0) d += DAY;
    if (wd === 6) d += 2 * DAY;
  }
  const sessions = days.map((day, s) => ({ id: `${cid}-s${String(s + 1).padStart(2, "0")}`, date: new Date(day).toISOString().slice(0, 10), turns: [], plan: [] }));
  const questions = [];
  const place = (s, item) => sessions[s].plan.push(item);

  // Plan the events over sessions, then render with filler around them.
  for (const f of shuffle(SINGLE)) {
    const v = pick(f.vals);
    const s = int(0, sessionCount - 1);
    const item = { kind: "single", f, v, ids: [] };
    place(s, item);
    // The answer sits in the assistant's reply when the user asked; otherwise in the user's statement.
    const answer = () => (f.subj === "dev server port" ? [item.ids[1]] : [item.ids[0]]);
    for (const q of f.q) questions.push(() => ({ kind: "single", query: q, evidence: answer(), afterSession: s }));
  }
  for (const c of CHANGED) {
    const [old, now] = pick(c.pairs);
    const s1 = int(0, 6);
    const s2 = int(s1 + 3, sessionCount - 1);
    const first = { kind: "first", c, v: old, ids: [] };
    const second = { kind: "second", c, v: now, old, ids: [] };
    place(s1, first);
    place(s2, second);
    for (const q of c.q) questions.push(() => ({ kind: "changed", query: q, evidence: [second.ids[0], second.ids[1]], superseded: [first.ids[0], first.ids[1]], afterSession: s2 }));
    // "before the switch" questions resolve against an event, not a date.
    questions.push(() => ({ kind: "temporal", query: `what did we use for the ${c.subj} before we switched to ${now}`, evidence: [first.ids[0]], afterSession: s2 }));
  }
  const fns = shuffle(project.fns);
  const files = shuffle(project.files);
  BUGS.forEach((b, i) => {
    const fn = fns[i];
    const file = files[i];
    const s1 = int(0, sessionCount - 4);
    const s2 = int(s1 + 1, sessionCount - 1);
    const report = { kind: "bug-report", b, fn, ids: [] };
    const fix = { kind: "bug-fix", b, fn, file, ids: [] };
    place(s1, report);
    place(s2, fix);
    questions.push(() => ({ kind: "multi-hop", query: b.q, evidence: [report.ids[1], fix.ids[1]], afterSession: s2 }));
    questions.push(() => ({ kind: "multi-hop", query: `${b.q} and what was the cause`, evidence: [report.ids[1], fix.ids[1]], afterSession: s2 }));
    // Identifier queries: the exact name, its split form, and the file path.
    questions.push(() => ({ kind: "identifier", query: `${fn}`, evidence: [report.ids[1], fix.ids[1]], afterSession: s2 }));
    questions.push(() => ({ kind: "identifier", query: `what was wrong with the ${splitIdent(fn)} function`, evidence: [report.ids[1]], afterSession: s2 }));
    questions.push(() => ({ kind: "identifier", query: `changes to ${file} for the bug in ${fn}`, evidence: [fix.ids[1]], afterSession: s2 }));
  });
  shuffle(ERRORS).slice(0, 5).forEach((err) => {
    const s = int(0, sessionCount - 1);
    const fn = pick(project.fns);
    const item = { kind: "error", err, fn, ids: [] };
    place(s, item);
    questions.push(() => ({ kind: "identifier", query: err, evidence: [item.ids[0], item.ids[1]], afterSession: s }));
    questions.push(() => ({ kind: "identifier", query: `how did we fix ${err.split(":")[0]} ${err.split(" ").slice(-3).join(" ")}`, evidence: [item.ids[1]], afterSession: s }));
  });
  // A recurring flaky test: a different attempt each time; temporal questions pick one by date.
  const attemptSessions = shuffle([...Array(sessionCount).keys()].slice(2)).slice(0, 6).sort((a, b) => a - b);
  const flaky = pick(project.files.filter((f) => /test|spec|tests\//.test(f)));
  attemptSessions.forEach((s, i) => {
    const item = { kind: "attempt", text: fill(ATTEMPTS[i % ATTEMPTS.length], { n: int(2, 64) }), flaky, ids: [] };
    place(s, item);
    questions.push((when) => ({ kind: "temporal", query: `what did we try for the flaky test ${when.phrase}`, evidence: [item.ids[0], item.ids[1]], session: s, temporal: true }));
  });

  // ---- render the sessions ----
  for (const [si, sess] of sessions.entries()) {
    const planned = shuffle(sess.plan);
    const fillerCount = int(9, 14);
    const slots = [...Array(fillerCount).keys()].map(() => null);
    for (const p of planned) slots.splice(int(0, slots.length), 0, p);
    let minute = int(8 * 60, 11 * 60);
    const turn = (role, content) => {
      const id = `${sess.id}-t${String(sess.turns.length + 1).padStart(2, "0")}`;
      const at = new Date(Date.parse(sess.date) + minute * 60000).toISOString();
      minute += int(1, 6);
      sess.turns.push({ id, role, content, createdAt: at });
      return id;
    };
    turn("user", pick([`Morning! Let's continue on ${project.name}.`, `Back on ${project.name} today.`, `Hi, picking up the ${project.area} work again.`]));
    turn("assistant", pick(["Hi! I've read my notes from last time. Where do you want to start?", "Welcome back. The last session's changes are committed; what next?"]));
    for (const p of slots) {
      const vars = { fn: pick(project.fns), file: pick(project.files) };
      if (!p) {
        const [u, a] = pick(FILLER);
        turn("user", fill(u, vars));
        turn("assistant", fill(a, vars));
        continue;
      }
      if (p.kind === "single") p.ids.push(turn("user", fill(p.f.u, { v: p.v })), turn("assistant", fill(p.f.a, { v: p.v })));
      if (p.kind === "first") p.ids.push(turn("user", fill(p.c.first[0], { v: p.v })), turn("assistant", fill(p.c.first[1], { v: p.v })));
      if (p.kind === "second") p.ids.push(turn("user", fill(p.c.second[0], { v: p.v, old: p.old })), turn("assistant", fill(p.c.second[1], { v: p.v, old: p.old })));
      if (p.kind === "bug-report") {
        p.ids.push(turn("user", `Something's wrong: ${p.b.symptom}.`));
        p.ids.push(turn("assistant", `Found it: ${p.fn} ${p.b.cause}. I'll leave a note and fix it properly next time.`));
      }
      if (p.kind === "bug-fix") {
        p.ids.push(turn("user", `Let's finally deal with ${p.fn}.`));
        p.ids.push(turn("assistant", `Fixed ${p.fn} in ${p.file} and added a regression test.`));
      }
      if (p.kind === "error") {
        p.ids.push(turn("user", `I'm getting this when I start it: ${p.err}`));
        p.ids.push(turn("assistant", `That error came from ${p.fn}: it ran before the config was loaded. I moved the call after initialisation and it starts cleanly now.`));
      }
      if (p.kind === "attempt") {
        p.ids.push(turn("user", `The flaky test in ${p.flaky} failed again.`));
        p.ids.push(turn("assistant", `Today I tried ${p.text}. It passed a few runs, but I'm not sure that is the real cause.`));
      }
    }
    delete sess.plan;
  }

  // ---- questions, each asked at a moment after its answer exists ----
  const out = [];
  for (const make of questions) {
    const probe = make({ phrase: "" });
    let s = probe.temporal ? probe.session : probe.afterSession;
    let now;
    let query = probe.query;
    if (probe.temporal) {
      // Ask on a later day, naming the session's day relative to that moment.
      const sessionDay = Date.parse(sessions[s].date);
      const style = pick(["yesterday", "weekday", "days", "date", "month"]);
      let asked = sessionDay + DAY * int(1, 6);
      let phrase;
      const wd = WEEKDAYS[new Date(sessionDay).getUTCDay()];
      if (style === "yesterday") (asked = sessionDay + DAY), (phrase = "yesterday");
      else if (style === "weekday") {
        asked = sessionDay + DAY * int(1, 6);
        phrase = `on ${wd}`;
        if (new Date(asked).getUTCDay() <= new Date(sessionDay).getUTCDay()) phrase = `last ${wd}`;
      } else if (style === "days") {
        const n = int(2, 6);
        asked = sessionDay + DAY * n;
        phrase = `${n} days ago`;
      } else if (style === "date") phrase = `on ${MONTHS[new Date(sessionDay).getUTCMonth()]} ${new Date(sessionDay).getUTCDate()}`;
      else phrase = `in the first week of ${MONTHS[new Date(sessionDay).getUTCMonth()]}`;
      if (style === "month" && new Date(sessionDay).getUTCDate() > 7) phrase = `on ${MONTHS[new Date(sessionDay).getUTCMonth()]} ${new Date(sessionDay).getUTCDate()}`;
      query = make({ phrase }).query;
      now = new Date(asked + 15 * 3600000).toISOString();
    } else {
      const later = Math.min(sessions.length - 1, s + int(0, 4));
      now = new Date(Date.parse(sessions[later].date) + 18 * 3600000).toISOString();
    }
    out.push({ kind: probe.kind, query, now, evidence: probe.evidence, ...(probe.superseded ? { superseded: probe.superseded } : {}) });
  }
  return { conversation: { id: cid, project: project.name, sessions }, questions: out };
}

const conversations = [];
const questions = [];
PROJECTS.forEach((p, i) => {
  const { conversation, questions: qs } = buildConversation(i, p);
  conversations.push(conversation);
  qs.forEach((q, j) => questions.push({ id: `${conversation.id}-q${String(j + 1).padStart(3, "0")}`, conversation: conversation.id, ...q }));
});

const turns = conversations.reduce((n, c) => n + c.sessions.reduce((m, s) => m + s.turns.length, 0), 0);
const kinds = {};
for (const q of questions) kinds[q.kind] = (kinds[q.kind] ?? 0) + 1;
writeFileSync(OUT, JSON.stringify({ version: 1, seed: SEED, generator: "eval/generate.mjs", conversations, questions }, null, 1) + "\n");
console.log(`wrote ${OUT.pathname}: ${conversations.length} conversations, ${turns} turns, ${questions.length} questions`, kinds);
