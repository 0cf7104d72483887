import type { Command } from "commander";
import type { ConfigLayer } from "../config/config.js";

/**
 * `letta-code reflect`: distil everything not yet reflected on into memory, now, and print what
 * changed. Model options (--model, --base-url…) are the root program's, so they work before or
 * after the subcommand; the action is imported lazily so `--help` stays fast.
 */
export function attachReflectCommand(program: Command, flags: () => ConfigLayer, setCode: (code: number) => void): void {
  const reflect = program
    .command("reflect")
    .description("distil the conversations not yet reflected on into memory now, and print what changed")
    .option("--agent <name>", "which agent (default: the project's first agent)")
    .option("--json", "print { changes, messages_reflected, usage } as JSON")
    .action(async (o: { agent?: string; json?: boolean }) => {
      const { runReflectCommand } = await import("./reflect-run.js");
      const agent = (o.agent ?? program.opts().agent) as string | undefined;
      setCode(await runReflectCommand({ agent, json: !!o.json, flags: { ...flags(), agent } }));
    });
  reflect.addHelpText(
    "after",
    `
Exit codes: 0 done (also when there was nothing to reflect on, another process was already on it,
or today's token cap was reached), 1 the model call failed (nothing changed), 2 no model or reflection is off, 130 interrupted.`,
  );
}
