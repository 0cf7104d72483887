import { readFileSync } from "node:fs";
import { CommanderError } from "commander";
import { buildProgram, type CliOptions } from "./program.js";
import { EXIT } from "./headless.js";
import { attachMemoryCommand } from "./memory-command.js";
import { attachMcpCommand } from "./mcp-command.js";
import type { ConfigLayer } from "../config/config.js";

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
}

/** CLI flags as a config layer (the strongest one). */
export function flagsToConfig(o: CliOptions): ConfigLayer {
  const mode = o.yolo ? "yolo" : o.permissionMode;
  return {
    model: o.model,
    baseURL: o.baseUrl,
    contextWindow: o.contextWindow,
    maxSteps: o.maxSteps,
    agent: o.agent,
    sandbox: o.sandbox === "prefer" ? "prefer" : o.sandbox ? true : undefined,
    permissions: { mode, allow: o.allowedTools, deny: o.disallowedTools },
  };
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram(packageVersion());
  let code: number = EXIT.ok;
  program.exitOverride();
  program.action(async (prompt: string | undefined, opts: CliOptions) => {
    const { runCli } = await import("./run.js");
    code = await runCli(opts, flagsToConfig(opts), prompt);
  });
  attachMemoryCommand(program, (c) => (code = c));
  attachMcpCommand(program, (c) => (code = c));
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) {
      const ok = ["commander.helpDisplayed", "commander.version", "commander.help"].includes(err.code);
      code = ok ? EXIT.ok : EXIT.usage;
    } else {
      process.stderr.write(`letta-code: ${(err as Error).message}\n`);
      code = EXIT.failed;
    }
  }
  process.exitCode = code;
}
