import { readFileSync, realpathSync, statSync } from "node:fs";
import { CommanderError, type Command } from "commander";
import { buildProgram, type CliOptions } from "./program.js";
import { EXIT } from "./headless.js";
import { attachMemoryCommand } from "./memory-command.js";
import { attachTrustCommand } from "./trust-command.js";
import { attachSkillsCommand } from "./skills-command.js";
import { attachAgentsCommand } from "./agents-command.js";
import { attachRewindCommand } from "./rewind-command.js";
import { attachSessionsCommand } from "./sessions-command.js";
import { flagProblems } from "./flag-checks.js";
import { nearMissCommand } from "./near-miss.js";
import { setVerbose } from "./verbosity.js";
import { parseSandboxMode, type ConfigLayer } from "../config/config.js";
import { attachReflectCommand } from "./reflect-command.js";
import { exitCodeAfterOutput, flushStdStreams, guardStdStreams } from "./std-streams.js";
import { attachMcpCommand } from "./mcp-command.js";
import { attachHooksCommand } from "./hooks-command.js";
import { attachAcpCommand } from "../acp/command.js";
import { attachServeCommand } from "./serve-command.js";
import { attachDoctorCommand } from "./doctor-command.js";
import { attachConfigCommand } from "./config-command.js";
import { attachTeamCommand } from "./team-command.js";

class UsageError extends Error {}

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

/** CLI flags as a config layer (the strongest one). */
export function flagsToConfig(o: CliOptions): ConfigLayer {
  const mode = o.yolo || o.dangerouslySkipPermissions ? "yolo" : o.fullAuto ? "accept-edits" : o.permissionMode;
  if (o.fullAuto && o.sandbox === undefined) o.sandbox = "on";
  return {
    model: o.model,
    baseURL: o.baseUrl,
    contextWindow: o.contextWindow,
    maxSteps: o.maxSteps,
    agent: o.agent,
    // A bare `--sandbox` means on.
    sandbox: o.sandbox === undefined ? undefined : parseSandboxMode(o.sandbox === true ? "on" : o.sandbox),
    sandboxNetwork: o.sandboxNetwork,
    permissions: { mode, allow: o.allowedTools, deny: o.disallowedTools },
    addDirs: o.addDir?.map(addDir),
    systemPrompt: o.systemPrompt,
    appendSystemPrompt: o.appendSystemPrompt,
  };
}

/** An --add-dir folder as the real path the sandbox binds and the file tools confine to; a missing one is a usage error. */
function addDir(dir: string): string {
  let real: string;
  try {
    real = realpathSync(dir);
  } catch {
    throw new UsageError(`--add-dir ${dir}: no such directory.`);
  }
  if (!statSync(real).isDirectory()) throw new UsageError(`--add-dir ${dir}: not a directory.`);
  // The sandbox binds an added folder over its own /dev, /proc and /tmp: `/` (or a kernel file
  // system) there would hand commands the host's processes and devices, not a folder of files.
  if (real === "/" || ["/proc", "/dev", "/sys"].some((k) => real === k || real.startsWith(`${k}/`)))
    throw new UsageError(`--add-dir ${dir}: not a folder to add (it holds the whole system or the kernel's files); name the folders the agent needs, or run with --sandbox off.`);
  return real;
}

/**
 * A subcommand inherits the root's "(run letta-code --help …)" line; its usage error (a missing
 * argument, an unknown option) should point at its own help instead: `letta-code memory add --help`.
 */
function pointUsageErrorsAtOwnHelp(cmd: Command, path: string[] = []): void {
  for (const sub of cmd.commands) {
    const here = [...path, sub.name()];
    sub.showHelpAfterError(`(run letta-code ${here.join(" ")} --help for usage)`);
    pointUsageErrorsAtOwnHelp(sub, here);
  }
}

export async function main(argv: string[]): Promise<void> {
  guardStdStreams();
  const program = buildProgram(packageVersion());
  let code: number = EXIT.ok;
  program.exitOverride();
  // Before any action, subcommands included: -C moves where the project is found; --debug is --verbose.
  program.hook("preAction", () => {
    const o = program.opts() as CliOptions;
    if (o.debug) o.verbose = true;
    setVerbose(!!o.verbose);
    if (o.cd !== undefined) {
      try {
        process.chdir(o.cd);
      } catch (err) {
        throw new UsageError(`-C/--cd ${o.cd}: ${(err as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : (err as Error).message}.`);
      }
    }
  });
  const run = async (prompt: string | undefined, opts: CliOptions) => {
    const problems = flagProblems(opts);
    if (problems.length) {
      for (const p of problems) process.stderr.write(`letta-code: ${p}\n`);
      code = EXIT.usage;
      return;
    }
    const { runCli } = await import("./run.js");
    code = await runCli(opts, flagsToConfig(opts), prompt);
  };
  program.action(async (prompt: string | undefined, opts: CliOptions) => {
    const meant = prompt !== undefined && opts.prompt === undefined ? nearMissCommand(prompt, program.commands.map((c) => c.name())) : undefined;
    if (meant) {
      process.stderr.write(`letta-code: unknown command "${prompt}". Did you mean \`letta-code ${meant}\`? (For a one-word prompt, use -p "${prompt}".)\n`);
      code = EXIT.usage;
      return;
    }
    await run(prompt, opts);
  });
  // Codex's spelling of -p: `letta-code exec "fix the test"`.
  program
    .command("exec")
    .description("run one turn headless and print the answer (the same as -p)")
    .argument("[prompt]", "the prompt (stdin, if piped, is added)")
    .action(async (prompt: string | undefined) => {
      const opts = program.opts() as CliOptions;
      if (typeof opts.prompt === "string" && prompt !== undefined) {
        process.stderr.write('letta-code: give the prompt once: either exec "..." or -p "...".\n');
        code = EXIT.usage;
        return;
      }
      if (prompt !== undefined) opts.prompt = prompt;
      else opts.prompt ??= true;
      await run(undefined, opts);
    });
  attachMemoryCommand(program, (c) => (code = c));
  attachTrustCommand(program, (c) => (code = c));
  attachSkillsCommand(program, (c) => (code = c));
  attachAgentsCommand(program, (c) => (code = c));
  attachReflectCommand(program, () => flagsToConfig(program.opts() as CliOptions), (c) => (code = c));
  attachRewindCommand(program, (c) => (code = c));
  attachSessionsCommand(program, (c) => (code = c));
  attachMcpCommand(program, (c) => (code = c));
  attachHooksCommand(program, (c) => (code = c));
  attachAcpCommand(program, () => flagsToConfig(program.opts() as CliOptions), (c) => (code = c));
  attachServeCommand(program, () => flagsToConfig(program.opts() as CliOptions), (c) => (code = c));
  attachDoctorCommand(program, () => flagsToConfig(program.opts() as CliOptions), (c) => (code = c));
  attachConfigCommand(program, () => flagsToConfig(program.opts() as CliOptions), (c) => (code = c));
  pointUsageErrorsAtOwnHelp(program);
  attachTeamCommand(program, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`letta-code: ${err.message}\n`);
      code = EXIT.usage;
    } else if (err instanceof CommanderError) {
      const ok = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(err.code);
      code = ok ? EXIT.ok : EXIT.usage;
    } else {
      process.stderr.write(`letta-code: ${(err as Error).message}\n`);
      code = EXIT.failed;
    }
  }
  await flushStdStreams();
  process.exitCode = exitCodeAfterOutput(code);
}
