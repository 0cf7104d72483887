import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here: e2e tests spawn real CLIs, so keep parallelism modest.
    maxWorkers: 2,
    // In-process code that caches (the tokenizer's rank tables) writes here, not into the developer's ~/.cache.
    env: { XDG_CACHE_HOME: join(tmpdir(), "letta-code-test-cache") },
  },
});
