// Part of `npm run build`: runs the freshly built CLI (LETTA_BUILD_DIR) along its hot paths once, against
// a model server on loopback, so bin/compile-cache.js can keep per chunk what V8 compiled on the way
// (dist/compile-cache/). Each run loads the cache the runs before it wrote and adds what it compiled.
// A failed run costs speed, never the build: it says so and the CLI compiles those chunks from source.
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer } from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { throwawayHome } from "./throwaway-home.mjs";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = process.env.LETTA_BUILD_DIR ?? join(root, "dist");

const chunk = (delta, finish = null) => `data: ${JSON.stringify({ id: "train", object: "chat.completion.chunk", created: 0, model: "train", choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
const server = createServer((req, res) => {
  let body = "";
  req.on("data", (d) => (body += d));
  req.on("end", () => {
    if (!req.url?.endsWith("/chat/completions")) {
      res.writeHead(404, { "content-type": "application/json" });
      return res.end('{"error":{"message":"not here"}}');
    }
    const messages = JSON.parse(body).messages ?? [];
    const user = String(messages.filter((m) => m.role === "user").at(-1)?.content ?? "");
    res.writeHead(200, { "content-type": "text/event-stream" });
    if (messages.at(-1)?.role !== "tool" && user.includes("run echo")) {
      const call = { index: 0, id: "call_train", type: "function", function: { name: "run_shell", arguments: JSON.stringify({ command: "echo trained" }) } };
      res.write(chunk({ role: "assistant", tool_calls: [call] }) + chunk({}, "tool_calls"));
    } else {
      res.write(chunk({ role: "assistant", content: "ok" }) + chunk({}, "stop"));
    }
    res.end(`data: ${JSON.stringify({ id: "train", object: "chat.completion.chunk", created: 0, model: "train", choices: [], usage: { prompt_tokens: 10, completion_tokens: 1, total_tokens: 11 } })}\n\ndata: [DONE]\n\n`);
  });
});
await new Promise((r) => server.listen(0, "127.0.0.1", r));
const baseURL = `http://127.0.0.1:${server.address().port}/v1`;

const { home, project, env } = throwawayHome("letta-train-");
const model = ["--model", "train", "--base-url", baseURL];
const runs = [
  ["-p", "hi", ...model],
  ["-p", "run echo", "--yolo", ...model],
  ["-p", "hi", "--output-format", "json", ...model],
  ["-p", "hi", "--output-format", "stream-json", "--verbose", ...model],
];
const spawnSyncOk = (cmd, args) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;
const launcher = `require(${JSON.stringify(join(root, "bin", "launch.js"))}).launch({ dist: ${JSON.stringify(dist)}, args: JSON.parse(process.argv[1]), writeCache: true })`;
let failed = 0;
for (const args of runs) {
  // Spawned asynchronously: the model server answers from this process's event loop.
  const child = await new Promise((resolve) => {
    const c = spawn(process.execPath, ["-e", launcher, JSON.stringify(args)], { cwd: project, env, stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    c.stderr.on("data", (d) => (err += d));
    c.on("close", (code) => resolve({ code, err }));
  });
  if (child.code !== 0) {
    failed++;
    process.stderr.write(`train-compile-cache: \`letta-code ${args.slice(0, 2).join(" ")}\` exited ${child.code}; its chunks compile from source at each start.\n${child.err.slice(-500)}\n`);
  }
}
// The TUI, until its input is drawn, then left as a user leaves (Ctrl-C twice): in a terminal that
// util-linux's script(1) provides, where there is one.
if (!failed && spawnSyncOk("script", ["-V"])) {
  const cmd = [process.execPath, "-e", launcher, JSON.stringify(model)].map((w) => `'${w.replace(/'/g, `'\\''`)}'`).join(" ");
  const drawn = await new Promise((resolve) => {
    const c = spawn("script", ["-qefc", `stty cols 100 rows 30; exec ${cmd}`, "/dev/null"], { cwd: project, env, stdio: ["pipe", "pipe", "ignore"] });
    let seen = "";
    let ok = false;
    const give = setTimeout(() => c.kill("SIGKILL"), 20_000);
    c.stdout.on("data", (d) => {
      seen += d;
      if (!ok && seen.includes("Type a message")) {
        ok = true;
        // A moment for the input to take the terminal raw: a Ctrl-C before that is a SIGINT, whose
        // exit writes no cache.
        setTimeout(() => c.stdin.write("\x03"), 300);
        setTimeout(() => c.stdin.write("\x03"), 450);
      }
    });
    c.on("close", () => {
      clearTimeout(give);
      resolve(ok);
    });
  });
  if (drawn) runs.push(["(TUI)"]);
  else process.stderr.write("train-compile-cache: the TUI did not draw its input; its chunks compile from source at each start.\n");
}
server.close();
rmSync(home, { recursive: true, force: true });
if (!failed) process.stdout.write(`compile cache trained on ${runs.length} runs\n`);
