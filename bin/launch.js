"use strict";
// Runs the CLI from a built dist/: the launcher's real work, and the build's training runs (with writeCache).
const { join } = require("node:path");

async function launch({ dist, args, writeCache = false }) {
  // Node's global fetch (still used by MCP's HTTP transports and doctor; model requests go through
  // node:http) parses HTTP with a WebAssembly module, and V8's optimising tier-up of it runs on a
  // background thread that process exit must wait for (~300 ms here, after the answer is printed).
  // The baseline compiler alone is fast enough. Set before anything is compiled:
  // V8's code cache is only taken by a V8 with the flags it was made with.
  require("node:v8").setFlagsFromString("--liftoff-only");
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

module.exports = { launch };
