import type { Command } from "commander";
import type { ConfigLayer } from "../config/config.js";

/**
 * `letta-code doctor`: whether this machine and project can run a session, and what to fix where
 * not. The model options (--model, --base-url) are the root program's, so the endpoint checked is
 * the one a run with the same flags would use.
 */
export function attachDoctorCommand(program: Command, flags: () => ConfigLayer, setCode: (code: number) => void): void {
  program
    .command("doctor")
    .description("check the model endpoint, the sandbox, the embedding model, the store and ripgrep, and say what to fix")
    .option("--json", "the checks as one JSON object")
    .action(async (o: { json?: boolean }) => {
      const { runDoctor } = await import("./doctor-actions.js");
      setCode(await runDoctor(flags(), o));
    });
}
