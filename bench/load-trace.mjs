// `node --import ./bench/load-trace.mjs …`: records what a run loads, for bench/start.js to print, so a
// new import on a hot path shows up in review. Appends one line per loaded thing to LETTA_LOAD_TRACE:
//   esm <url>        every ES module (our chunks, packages), seen by a loader hook off the main thread
//   cjs <filename>   every require()d file (CommonJS packages like better-sqlite3 load their own files)
//   builtin <name>   Node's own modules the run pulled in beyond bare start-up (undici is one: fetch)
// Only for tracing runs: the hook thread itself costs start-up time, so timed runs never use it.
import { appendFileSync } from "node:fs";
import Module, { register } from "node:module";

const out = process.env.LETTA_LOAD_TRACE;
if (out) {
  register(new URL("./load-trace-hooks.mjs", import.meta.url), { data: { out } });
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    const result = load.apply(this, arguments);
    if (!request.startsWith("node:") && !Module.isBuiltin(request)) {
      try {
        appendFileSync(out, `cjs ${Module._resolveFilename(request, parent, isMain)}\n`);
      } catch {
        // Unresolvable requests threw in load already; nothing to record.
      }
    }
    return result;
  };
  const before = new Set(process.moduleLoadList);
  process.on("exit", () => {
    const added = process.moduleLoadList.filter((m) => !before.has(m) && m.startsWith("NativeModule "));
    appendFileSync(out, added.map((m) => `builtin ${m.slice("NativeModule ".length)}\n`).join(""));
    // Chunks the launcher loaded by path (bin/compile-cache.js requireChunk) bypass Module._load, but
    // land in require's cache like every CommonJS module.
    appendFileSync(out, Object.keys(Module._cache).map((f) => `cjs ${f}\n`).join(""));
  });
}
