import type { Command } from "commander";

export interface RewindFlags {
  list?: boolean;
  json?: boolean;
  codeOnly?: boolean;
  conversationOnly?: boolean;
  memory?: boolean;
  yes?: boolean;
  session?: string;
}

/**
 * `letta-code rewind`: list this conversation's turns, or go back to before one of them (no model
 * needed). Global options (`--agent`, `--model`…) may come before the subcommand.
 */
export function attachRewindCommand(program: Command, setCode: (code: number) => void): void {
  const rewind = program
    .command("rewind [turn-id]")
    .description("undo a turn: restore the files it and later turns changed and/or take them out of the conversation")
    .option("--list", "list the conversation's turns with the files each changed")
    .option("--json", "with --list or a turn: print JSON")
    .option("--code-only", "restore files only; the conversation is left as it is")
    .option("--conversation-only", "take the turn and later ones out of the context window only; files are left as they are")
    .option("--memory", "also undo core memory edits and archival passages made since the turn")
    .option("-y, --yes", "overwrite files that were changed by hand since (otherwise refused)")
    .option("--session <id>", "another conversation than the current one (see `letta-code sessions`)")
    .option("--agent <name>", "which agent (default: the project's first agent)");
  rewind.action(async (turn: string | undefined, o: RewindFlags) => {
    const { runRewind } = await import("./rewind-actions.js");
    const agent = (rewind.opts().agent ?? program.opts().agent) as string | undefined;
    setCode(await runRewind(turn, o, agent));
  });
}
