import type { CliOptions } from "./program.js";
import { EXIT, runHeadless } from "./headless.js";
import { readPipedStdin, StdinTooLargeError } from "./stdin.js";
import { detectLocalServer } from "./detect-local.js";
import { embeddingProgressPrinter } from "./progress.js";
import { ConfigError, type ConfigLayer } from "../config/config.js";
import { NoModelError, Project } from "../agent/open-project.js";
import { StoreError } from "../store/db.js";

/** Decide headless vs. interactive, open the project and run; returns the exit code. */
export async function runCli(opts: CliOptions, flags: ConfigLayer, positional?: string): Promise<number> {
  const startedAt = Math.round(performance.timeOrigin);
  const interactive = opts.prompt === undefined && process.stdin.isTTY && process.stdout.isTTY;
  if (typeof opts.prompt === "string" && positional !== undefined) {
    process.stderr.write("letta-code: give the prompt once: either -p \"...\" or as an argument.\n");
    return EXIT.usage;
  }
  const progress = !interactive && (opts.verbose || process.stderr.isTTY === true);
  const warn = (m: string) => process.stderr.write(`letta-code: ${m}\n`);

  // Reading stdin overlaps with opening the store: both are start-up latency.
  const stdinPromise = interactive ? Promise.resolve("") : readPipedStdin();
  stdinPromise.catch(() => undefined);
  let project: Project | undefined;
  try {
    project = Project.open({
      flags,
      mcp: { configs: opts.mcpConfig, strict: opts.strictMcpConfig },
      // Notices reach the TUI and the headless progress printer as events; writing them to
      // stderr here would tear through Ink's screen.
      onEmbeddingProgress: progress ? embeddingProgressPrinter() : undefined,
    });
    const agent = project.resolveAgent(flags.agent);
    if (interactive) {
      const session = project.session(agent, { newConversation: opts.new });
      const { startInteractive } = await import("./interactive.js");
      return await startInteractive(project, session, positional);
    }
    let piped: string;
    try {
      piped = await stdinPromise;
    } catch (err) {
      warn((err as Error).message);
      return err instanceof StdinTooLargeError ? EXIT.usage : EXIT.failed;
    }
    const text = typeof opts.prompt === "string" ? opts.prompt : (positional ?? "");
    if (!text.trim() && !piped.trim()) {
      warn('no prompt: give one with -p "..." or pipe text into letta-code.');
      return EXIT.usage;
    }
    const prompt = text && piped ? `${text}\n\n<stdin>\n${piped}\n</stdin>` : text || piped;
    const session = project.session(agent, { newConversation: opts.new, mode: flags.permissions?.mode });
    return await runHeadless(session, { prompt, format: opts.outputFormat, progress: !!progress, startedAt });
  } catch (err) {
    if (err instanceof NoModelError) {
      warn(err.message);
      const local = await detectLocalServer();
      if (local) warn(`found ${local.name} at ${local.baseURL}: try --base-url ${local.baseURL} --model ${local.model ?? "<model>"}`);
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      warn(err.message);
      return EXIT.usage;
    }
    if (err instanceof StoreError) {
      warn(err.message);
      return EXIT.failed;
    }
    throw err;
  } finally {
    await project?.shutdown();
  }
}
