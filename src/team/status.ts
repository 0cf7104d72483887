import type { Project } from "../agent/open-project.js";
import { maskUrl } from "../store/pg-url.js";
import { teamLink } from "./project-team.js";

/** `team status` and the TUI's `/team`: what a user needs to know, read from local state only (never waits on the network). */
export function teamStatusLines(project: Project): string[] {
  const t = project.config.team;
  if (!t) return ["Team: not joined. `letta-code team join postgres://user@host:5432/db` shares this project's memory."];
  const link = teamLink(project);
  const team = project.store.team;
  const lines = [
    `Team: joined ${maskUrl(t.url)}`,
    `Project: ${link?.project ?? "(no root commit: join again with --project NAME)"}`,
    `Last sync: ${team.get("last_sync") ?? "never"}`,
    `Pending: ${team.pendingCount()} change(s) waiting to be pushed`,
  ];
  const err = team.get("last_error");
  // Cleared by the next sync that succeeds.
  if (err) lines.push(`Last error: ${err}`);
  // A teammate's event this machine would not apply (malformed or oversized): kept until a later one replaces it.
  const refused = team.get("last_refused");
  if (refused) lines.push(`Last refused event: ${refused}`);
  return lines;
}
