import type { Command } from "commander";
import type { ConfigLayer } from "../config/config.js";

/**
 * `letta-code acp`: serve the Agent Client Protocol on stdio for an editor (Zed, JetBrains, Neovim…).
 * Model options are the root program's, before or after the subcommand; the ACP SDK is imported
 * only here, so no other command pays for it at start-up.
 */
export function attachAcpCommand(program: Command, flags: () => ConfigLayer, setCode: (code: number) => void): void {
  program
    .command("acp")
    .description("speak the Agent Client Protocol on stdin/stdout, for editors (see README: ACP)")
    .action(async () => {
      const { runAcp } = await import("./server.js");
      setCode(await runAcp(flags()));
    });
}
