#!/usr/bin/env node
// Launcher: answer --version and --help before importing anything, so they stay as fast as bare node.
// CommonJS (bin/package.json says so), not an ES module: starting Node's ES-module loader costs an ES
// entry ~5 ms before its first line runs, which --version and --help would pay for nothing. The bundle
// itself is ESM and is import()ed below only for the real work.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const args = process.argv.slice(2);
const only = args.length === 1 ? args[0] : undefined;

/**
 * `--help` as the build rendered it (scripts/build.mjs runs the real program's --help into dist/help.txt,
 * so it is never out of date). Rendered 80 columns wide, as commander does for a pipe: a terminal at
 * least that wide shows it as is; a narrower one goes through commander, which wraps to fit.
 */
function builtHelp() {
  if (process.stdout.isTTY && (process.stdout.columns ?? 80) < 80) return undefined;
  try {
    return readFileSync(join(__dirname, "../dist/help.txt"), "utf8");
  } catch {
    return undefined; // a build from before help.txt existed: commander renders it
  }
}

async function run() {
  // fetch parses HTTP with a WebAssembly module; V8's optimising tier-up of it runs on a
  // background thread that process exit must wait for (~300 ms here, after the answer is printed).
  // The baseline compiler alone is fast enough for SSE streams. (node:v8 is required here, not at the
  // top: loading it costs --version and --help a few milliseconds they do not need.)
  require("node:v8").setFlagsFromString("--liftoff-only");
  // The CLI runs from a single-file bundle: loading hundreds of small modules costs more start-up than the work itself.
  const { pathToFileURL } = require("node:url");
  const { main } = await import(pathToFileURL(join(__dirname, "../dist/bundle/main.js")).href);
  await main(args);
  // Keep-alive sockets and library timers would hold the process open for a moment after the
  // answer; a CLI is done when its work is. Flush both streams, then leave.
  const code = process.exitCode ?? 0;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}

let help;
if (only === "--version" || only === "-v" || only === "-V") {
  const pkg = JSON.parse(readFileSync(join(__dirname, "../package.json"), "utf8"));
  process.stdout.write(`${pkg.version}\n`);
} else if ((only === "--help" || only === "-h") && (help = builtHelp()) !== undefined) {
  process.stdout.write(help);
} else {
  // An error main() does not handle ends the process as an uncaught one did from the ES-module
  // launcher's top-level await: printed with its stack, exit code 1.
  run().catch((err) => {
    process.exitCode = 1;
    throw err;
  });
}
