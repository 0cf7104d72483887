import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here: e2e tests spawn real CLIs, so keep parallelism modest.
    maxWorkers: 3,
    // A worker runs its test files one after another in one process, keeping the modules they import
    // (src/, ink, the openai SDK…): a fresh process and module graph per file cost about as much CPU as
    // all the in-process tests themselves. Helpers' per-test clean-up goes through setup.ts for this.
    isolate: false,
    setupFiles: ["test/helpers/setup.ts"],
    // In-process code that caches (the tokenizer's rank tables) writes here, not into the developer's ~/.cache.
    env: { XDG_CACHE_HOME: join(tmpdir(), "letta-code-test-cache") },
  },
});
