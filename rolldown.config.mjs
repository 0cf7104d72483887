// Bundles the CLI into a few files. Node spends most of a cold start resolving and reading
// modules (zod, openai, commander... hundreds of files); one bundle cuts -p start-up roughly in half.
// Native and heavy optional packages stay external: better-sqlite3 (a .node addon),
// transformers.js (loaded lazily, only for embeddings), Ink/React (only for the TUI).
// Minified because parse time is start-up time (-p went from ~325 to ~285 ms); the source maps
// beside the bundle give readable stacks with NODE_OPTIONS=--enable-source-maps.
export default {
  input: "dist/cli/main.js",
  platform: "node",
  external: ["better-sqlite3", "@huggingface/transformers", "ink", "react", "react/jsx-runtime", /^js-tiktoken\/ranks\//],
  output: { dir: "dist/bundle", format: "esm", sourcemap: true, minify: true },
  logLevel: "warn",
};
