import { ConfigError, resolveConfig, type ConfigLayer } from "../config/config.js";
import { findProjectRoot } from "../config/project.js";
import { EXIT } from "./headless.js";
import { visible } from "../mcp/config.js";
import { embeddingsCheck, endpointCheck, ripgrepCheck, sandboxCheck, storeCheck, type Check } from "./doctor-checks.js";

/** Exit 0 when every required check passes (optional ones only warn), 1 otherwise; 2 for a broken config. */
export async function runDoctor(flags: ConfigLayer, o: { json?: boolean }): Promise<number> {
  const root = findProjectRoot();
  const env = process.env;
  let config;
  try {
    config = resolveConfig({ projectRoot: root, flags, env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`letta-code: ${err.message}\n`);
    return EXIT.usage;
  }
  // The endpoint and the embedding model wait on I/O: run them side by side.
  const [endpoint, sandbox, embeddings] = await Promise.all([endpointCheck(config, root, env), sandboxCheck(config), embeddingsCheck(config, root)]);
  const checks: Check[] = [endpoint, sandbox, embeddings, storeCheck(root), ripgrepCheck()];
  const ok = checks.every((c) => c.ok || !c.required);
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ ok, project: root, checks })}\n`);
  } else {
    for (const c of checks) {
      const mark = c.ok ? "✓" : c.required ? "✗" : "!";
      // The details quote the model server's replies and the project's settings (a model name): shown, never obeyed by the terminal.
      process.stdout.write(`${mark} ${c.name}: ${visible(c.detail)}\n`);
      if (!c.ok && c.fix) process.stdout.write(`    fix: ${visible(c.fix)}\n`);
    }
    process.stdout.write(ok ? "All required checks passed.\n" : "Some required checks failed (✗): fix those first.\n");
  }
  return ok ? EXIT.ok : EXIT.failed;
}
