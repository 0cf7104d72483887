import type { Command } from "commander";

/**
 * `letta-code trust`: the headless way to give, show or take back trust in a project. Trust is
 * kept in the user's config directory; the project's files only ever show what they ask for.
 */
export function attachTrustCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command("trust")
    .description("trust this project, so its own settings that loosen safety apply (permission mode, allow rules, sandbox, endpoint, MCP servers, hooks)")
    .option("-y, --yes", "trust without asking")
    .option("--revoke", "take trust back: the project's elevating settings stop applying")
    .option("--status", "only show whether the project is trusted and what its files ask for")
    .action(async (o: { yes?: boolean; revoke?: boolean; status?: boolean }) => {
      const { runTrust } = await import("./trust-actions.js");
      setCode(await runTrust(o));
    });
}
