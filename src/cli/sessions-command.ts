import type { Command } from "commander";

/** `letta-code sessions`: the project's conversations, and a readable transcript of one. */
export function attachSessionsCommand(program: Command, setCode: (code: number) => void): void {
  const sessions = program
    .command("sessions")
    .description("list the agent's conversations (newest first); `sessions export <id>` prints one as a transcript")
    .option("--json", "as JSON")
    .option("--agent <name>", "which agent (default: the project's first agent)");
  const agent = () => (sessions.opts().agent ?? program.opts().agent) as string | undefined;
  sessions.action(async (o: { json?: boolean }) => {
    const { listSessions } = await import("./sessions-actions.js");
    setCode(await listSessions(agent(), !!o.json));
  });
  sessions
    .command("export <id>")
    // `show` as in the subagent docs: a task call's result names the child conversation to look at.
    .alias("show")
    .description("write a conversation as Markdown (tool calls and results folded) or JSON to stdout")
    .option("--format <format>", "md or json", "md")
    .action(async (id: string, o: { format: string }) => {
      const { exportSession } = await import("./sessions-actions.js");
      setCode(await exportSession(agent(), id, o.format));
    });
}
