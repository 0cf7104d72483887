import type { CliOptions } from "./program.js";
import { EXIT, runHeadless } from "./headless.js";
import { readPipedInput, StdinTooLargeError, type PipedInput } from "./stdin.js";
import { detectLocalServer } from "./detect-local.js";
import { embeddingProgressPrinter } from "./progress.js";
import { ConfigError, type ConfigLayer } from "../config/config.js";
import { NoModelError, Project } from "../agent/open-project.js";
import { SessionNotFoundError } from "../agent/conversations.js";
import { StoreError, storeFailureMessage } from "../store/db.js";
import { findProjectRoot } from "../config/project.js";
import { resolveConfig } from "../config/config.js";
import { projectRecord, setTrust, TrustRecordError } from "../trust/record.js";
import { recordHookApproval } from "../trust/hook-approvals.js";
import { projectHooksNotice } from "../extensions/hook-approval-text.js";

/**
 * The TUI asks once per project, and only where the project's files ask for something elevating;
 * the answer is the user's (kept in their config dir), so a "no" is not asked again.
 */
async function askTrustOnce(flags: ConfigLayer): Promise<void> {
  const root = findProjectRoot();
  if (projectRecord(root).trust !== undefined) return;
  const { elevating } = resolveConfig({ projectRoot: root, flags, trusted: false }).trust;
  if (!elevating.length) return;
  const { askTrust } = await import("../tui/trust-prompt.js");
  setTrust(root, (await askTrust(root, elevating)) ? "trusted" : "untrusted");
}

/**
 * A trusted project's hook set runs only once the user approved that exact set: the TUI asks before
 * the chat opens, and the answer is remembered outside the project until the set changes.
 */
async function askHookApprovalOnce(flags: ConfigLayer): Promise<void> {
  const root = findProjectRoot();
  const set = resolveConfig({ projectRoot: root, flags }).hooks.project;
  if (!set || set.state !== "pending") return;
  const { askHookApproval } = await import("../tui/hook-approval.js");
  recordHookApproval(root, (await askHookApproval(set)) ? "approved" : "denied", set.fingerprint);
}

/** Decide headless vs. interactive, open the project and run; returns the exit code. */
export async function runCli(opts: CliOptions, flags: ConfigLayer, positional?: string): Promise<number> {
  // When the process started, as performance.timeOrigin says it, without touching `performance`: the
  // global loads perf_hooks (eleven modules, ~1 ms) on first use.
  const startedAt = Math.round(Date.now() - process.uptime() * 1000);
  const streamInput = opts.inputFormat === "stream-json";
  const interactive = !streamInput && opts.prompt === undefined && process.stdin.isTTY && process.stdout.isTTY;
  if (typeof opts.prompt === "string" && positional !== undefined) {
    process.stderr.write("letta-code: give the prompt once: either -p \"...\" or as an argument.\n");
    return EXIT.usage;
  }
  const progress = !interactive && (opts.verbose || process.stderr.isTTY === true);
  const warn = (m: string) => process.stderr.write(`letta-code: ${m}\n`);

  // Reading stdin overlaps with opening the store: both are start-up latency.
  // stream-json input is read line by line for the whole session, not up front.
  const stdinPromise: Promise<PipedInput> = interactive || streamInput ? Promise.resolve({ text: "" }) : readPipedInput();
  stdinPromise.catch(() => undefined);
  let project: Project | undefined;
  try {
    if (interactive) {
      await askTrustOnce(flags);
      await askHookApprovalOnce(flags);
    }
    project = Project.open({
      flags,
      mcp: { configs: opts.mcpConfig, strict: opts.strictMcpConfig },
      // Notices reach the TUI and the headless progress printer as events; writing them to
      // stderr here would tear through Ink's screen.
      onEmbeddingProgress: progress ? embeddingProgressPrinter() : undefined,
      // The TUI shows each once in its transcript and stream-json carries them as events (data, not
      // chatter); on the stderr of -p they are diagnostics (--verbose).
      quietNotices: { ignoredSettings: !interactive && !opts.verbose && opts.outputFormat !== "stream-json", embeddingOffline: !opts.verbose },
    });
    const hookSet = project.config.hooks.project;
    // Headless, nobody can approve: say once, --verbose or not, that the project's hooks were left out (--verbose shows it as a notice).
    if (!interactive && !progress && hookSet && hookSet.state !== "approved") warn(projectHooksNotice(hookSet));
    const agent = project.resolveAgent(flags.agent);
    const conversation = {
      newConversation: opts.new,
      resume: typeof opts.resume === "string" ? opts.resume : undefined,
      // `--resume` without an id forks what the TUI's picker chooses, not the current conversation.
      fork: opts.forkSession && opts.resume !== true,
    };
    if (interactive) {
      const session = project.session(agent, conversation);
      const { startInteractive } = await import("./interactive.js");
      return await startInteractive(project, session, positional, { pickSession: opts.resume === true, fork: !!opts.forkSession });
    }
    if (opts.resume === true) {
      warn("--resume needs a session id without a terminal (`letta-code sessions` lists them).");
      return EXIT.usage;
    }
    if (streamInput) {
      const { runStreamInput } = await import("./stream-input.js");
      const session = project.session(agent, { ...conversation, mode: flags.permissions?.mode });
      return await runStreamInput(session, { progress: !!progress, permissionPromptTool: opts.permissionPromptTool });
    }
    let input: PipedInput;
    try {
      input = await stdinPromise;
    } catch (err) {
      warn((err as Error).message);
      return err instanceof StdinTooLargeError ? EXIT.usage : EXIT.failed;
    }
    let text = typeof opts.prompt === "string" ? opts.prompt : (positional ?? "");
    if (input.binary) {
      warn(`piped input is binary (${input.binary}); the agent is told what it is, not given the bytes.`);
      if (!text.trim()) {
        warn('no prompt: binary input cannot be one; give it with -p "...".');
        return EXIT.usage;
      }
    }
    // The pipe's final newline ends its last line; kept, it would become a blank line before </stdin>.
    const piped = input.binary ? `(binary input, ${input.binary}; not included)` : input.text.replace(/\r?\n$/, "");
    if (!text.trim() && !piped.trim()) {
      warn('no prompt: give one with -p "..." or pipe text into letta-code.');
      return EXIT.usage;
    }
    const session = project.session(agent, { ...conversation, mode: flags.permissions?.mode, oneShot: true });
    // `-p "/review src/app.ts"`: the session expands the prompt (a custom command, a skill, `@file`); piped
    // input is data beside it, never part of a command's arguments.
    const expanded = await session.expandInput(text);
    if (piped) expanded.text = expanded.text ? `${expanded.text}\n\n<stdin>\n${piped}\n</stdin>` : piped;
    return await runHeadless(session, { prompt: text || piped, input: expanded, format: opts.outputFormat, progress: !!progress, startedAt, reflect: !!opts.reflect });
  } catch (err) {
    if (err instanceof NoModelError) {
      warn(err.message);
      const local = await detectLocalServer();
      if (local) warn(`found ${local.name} at ${local.baseURL}: try --base-url ${local.baseURL} --model ${local.model ?? "<model>"}`);
      return EXIT.usage;
    }
    if (err instanceof ConfigError || err instanceof SessionNotFoundError) {
      warn(err.message);
      return EXIT.usage;
    }
    if (err instanceof StoreError || err instanceof TrustRecordError) {
      warn(err.message);
      return EXIT.failed;
    }
    if (project && String((err as { code?: unknown })?.code).startsWith("SQLITE_")) {
      warn(storeFailureMessage(err, project.store.file));
      return EXIT.failed;
    }
    throw err;
  } finally {
    await project?.shutdown();
  }
}
