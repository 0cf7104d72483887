/**
 * Clean-up that helper modules need after every test (temp dirs, tmux sessions, scripted servers).
 *
 * The suite runs with `isolate: false` (vitest.config.ts): a helper module is evaluated once per
 * worker, not once per test file, so an `afterEach` it registered at import would run only in the
 * first file of each worker. Helpers register their step here instead, and test/helpers/setup.ts
 * (a setup file, which vitest runs again for every test file) runs the steps after each test.
 */
const steps = new Map<string, { order: number; run: () => unknown }>();

/** Lower `order` runs first: stop what may still write into a temp dir before removing the dirs. */
export function afterEachTest(name: string, order: number, run: () => unknown): void {
  steps.set(name, { order, run });
}

/** Runs every step even when one fails, then throws the first failure (the test fails, as before). */
export async function runAfterEachSteps(): Promise<void> {
  let failure: unknown;
  for (const step of [...steps.values()].sort((a, b) => a.order - b.order)) {
    try {
      await step.run();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== undefined) throw failure;
}
