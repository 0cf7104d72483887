"use strict";
// Runs the CLI from a built dist/: the launcher's real work, and the build's training runs (with writeCache).
const { join } = require("node:path");

/**
 * V8 flags for the CLI, set before anything is compiled: V8's code cache is only taken by a V8 with the
 * flags it was made with, so the build's training runs and every start set the same ones (bench/start.js
 * too, for its cache figures).
 */
function setV8Flags() {
  const v8 = require("node:v8");
  // Node's global fetch (still used by MCP's HTTP transports and doctor; model requests go through
  // node:http) parses HTTP with a WebAssembly module, and V8's optimising tier-up of it runs on a
  // background thread that process exit must wait for (~300 ms here, after the answer is printed).
  // The baseline compiler alone is fast enough.
  v8.setFlagsFromString("--liftoff-only");
  // The young generation starts at 1 MB and doubles when a scavenge finds it full: a one-step -p run
  // allocates ~10 MB while loading, which took five scavenges (~6 ms). Growing it eightfold takes three
  // (~4 ms); its ceiling (16 MB) is unchanged, and idle-trim still gives it back.
  v8.setFlagsFromString("--semi-space-growth-factor=8");
}

async function launch({ dist, args, writeCache = false }) {
  setV8Flags();
  // --enable-source-maps: Node maps stacks only for modules it compiled itself.
  if (!process.sourceMapsEnabled) {
    const { installCompileCache } = require("./compile-cache.js");
    installCompileCache({ bundleDir: join(dist, "bundle"), cacheDir: join(dist, "compile-cache"), write: writeCache });
  }
  const { main } = require(join(dist, "bundle", "main.cjs"));
  await main(args);
  // Keep-alive sockets and library timers would hold the process open for a moment after the
  // answer; a CLI is done when its work is. Flush both streams, then leave.
  const code = process.exitCode ?? 0;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

module.exports = { launch, setV8Flags };
