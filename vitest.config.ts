import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here: e2e tests spawn real CLIs, so keep parallelism modest.
    maxWorkers: 2,
  },
});
