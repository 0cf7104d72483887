import type { Command } from "commander";

/**
 * `letta-code team ...`: share this project's memory with the team through a PostgreSQL database.
 * The actions (and `pg`) are imported only when a team command runs.
 */
export function attachTeamCommand(program: Command, setCode: (code: number) => void): void {
  const team = program
    .command("team")
    .description("share this project's memory (project blocks, archival passages) with your team through PostgreSQL");
  const run =
    <A extends unknown[]>(fn: (a: typeof import("./team-actions.js"), ...args: A) => Promise<number>) =>
    async (...args: A) => {
      setCode(await fn(await import("./team-actions.js"), ...args));
    };
  team
    .command("join <url>")
    .description("join a team database (postgres://user@host:5432/db): creates its schema if missing, then syncs")
    .option("-y, --yes", "join without asking")
    .option("--project <name>", "the project's name in the database (default: the repository's root commit)")
    .action(run((a, url: string, o: { yes?: boolean; project?: string }) => a.runTeamJoin(url, o)));
  team
    .command("status")
    .description("joined or not, server, last sync, changes waiting to be pushed, last error")
    .action(run((a) => a.runTeamStatus()));
  team
    .command("sync")
    .description("push this machine's memory changes and pull the team's now")
    .action(run((a) => a.runTeamSync()));
  team
    .command("leave")
    .description("stop sharing this project's memory (local memory stays)")
    .action(run((a) => a.runTeamLeave()));
}
