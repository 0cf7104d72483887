#!/usr/bin/env node
// Launcher: answer --version before importing anything, so it stays as fast as bare node.
import { readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === "--version" || args[0] === "-v" || args[0] === "-V")) {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${pkg.version}\n`);
} else {
  // fetch parses HTTP with a WebAssembly module; V8's optimising tier-up of it runs on a
  // background thread that process exit must wait for (~300 ms here, after the answer is printed).
  // The baseline compiler alone is fast enough for SSE streams.
  setFlagsFromString("--liftoff-only");
  // The CLI runs from a single-file bundle: loading hundreds of small modules costs more start-up than the work itself.
  const { main } = await import("../dist/bundle/main.js");
  await main(args);
  // Keep-alive sockets and library timers would hold the process open for a moment after the
  // answer; a CLI is done when its work is. Flush both streams, then leave.
  const code = process.exitCode ?? 0;
  process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
}
