// Bundles the CLI into a few files. Node spends most of a cold start resolving and reading
// modules (zod, openai, commander... hundreds of files); one bundle cuts -p start-up roughly in half.
// Native and heavy optional packages stay external: better-sqlite3 (a .node addon),
// transformers.js (loaded lazily, only for embeddings), Ink/React (only for the TUI).
export default {
  input: "dist/cli/main.js",
  platform: "node",
  external: ["better-sqlite3", "@huggingface/transformers", "ink", "react", "react/jsx-runtime", /^js-tiktoken\/ranks\//],
  output: { dir: "dist/bundle", format: "esm", sourcemap: true },
  logLevel: "warn",
};
