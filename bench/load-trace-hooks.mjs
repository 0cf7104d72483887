// Loader hooks for bench/load-trace.mjs (they run on Node's loader thread): record every ES module loaded.
import { appendFileSync } from "node:fs";

let out;
export function initialize(data) {
  out = data.out;
}

export async function load(url, context, next) {
  if (!url.startsWith("node:")) appendFileSync(out, `esm ${url}\n`);
  return next(url, context);
}
