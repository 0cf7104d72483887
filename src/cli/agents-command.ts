import type { Command } from "commander";

/** `letta-code agents [--json]`: the subagents the `task` tool can start here. */
export function attachAgentsCommand(program: Command, setCode: (code: number) => void): void {
  program
    .command("agents")
    .description("list the subagents the task tool can start: built-ins, .letta/agents and .claude/agents (trusted projects), your user folders")
    .option("--json", "as JSON")
    .action(async (o: { json?: boolean }) => {
      const { listAgents } = await import("./agents-actions.js");
      setCode(listAgents(!!o.json));
    });
}
