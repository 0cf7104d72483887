// Bundles the CLI into a few files. Node spends most of a cold start resolving and reading
// modules (zod, openai, commander... hundreds of files); one bundle cuts -p start-up roughly in half.
// Native and heavy optional packages stay external: better-sqlite3 (a .node addon),
// transformers.js (loaded lazily, only for embeddings), Ink/React (only for the TUI).
// Minified because parse time is start-up time (-p went from ~325 to ~285 ms); the source maps
// beside the bundle give readable stacks with NODE_OPTIONS=--enable-source-maps.
// scripts/build.mjs builds into a fresh folder (LETTA_BUILD_DIR) and swaps it in as dist/ at the end.
const out = process.env.LETTA_BUILD_DIR ?? "dist";
export default {
  input: `${out}/cli/main.js`,
  platform: "node",
  external: ["better-sqlite3", "@huggingface/transformers", "ink", "react", "react/jsx-runtime", /^js-tiktoken\/ranks\//],
  output: { dir: `${out}/bundle`, format: "esm", sourcemap: true, minify: true },
  logLevel: "warn",
};
