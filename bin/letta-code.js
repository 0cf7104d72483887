#!/usr/bin/env node
// Launcher: answer --version and --help before loading anything, so they stay as fast as bare node;
// everything else goes to launch.js.
// CommonJS (bin/package.json says so), not an ES module: starting Node's ES-module loader costs an ES
// entry ~5 ms before its first line runs, which --version and --help would pay for nothing.
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

let help;
if (only === "--version" || only === "-v" || only === "-V") {
  const pkg = JSON.parse(readFileSync(join(__dirname, "../package.json"), "utf8"));
  process.stdout.write(`${pkg.version}\n`);
} else if ((only === "--help" || only === "-h") && (help = builtHelp()) !== undefined) {
  process.stdout.write(help);
} else {
  // An error main() does not handle ends the process as an uncaught one did from the ES-module
  // launcher's top-level await: printed with its stack, exit code 1.
  require("./launch.js").launch({ dist: join(__dirname, "../dist"), args }).catch((err) => {
    process.exitCode = 1;
    throw err;
  });
}
