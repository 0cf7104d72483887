import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { projectKey } from "../trust/record.js";
import { writeFileAtomic } from "./atomic-write.js";
import { ConfigError } from "./layer.js";
import { userConfigPath } from "./paths.js";
import type { TeamSection } from "./sections.js";

/**
 * `team join` / `team leave` write the project's team database into the user's own config.json
 * (`"team": {"projects": {"/path": {"url", "project"}}}`), keyed by the project's real path. Mode 0600:
 * the URL may hold a password.
 */
function edit(env: NodeJS.ProcessEnv, fn: (projects: Record<string, unknown>) => void): void {
  const file = userConfigPath(env);
  let raw: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}. Fix or remove it.`);
    }
  }
  const team = (typeof raw.team === "object" && raw.team !== null ? raw.team : {}) as Record<string, unknown>;
  const projects = (typeof team.projects === "object" && team.projects !== null ? team.projects : {}) as Record<string, unknown>;
  fn(projects);
  raw.team = { ...team, projects };
  mkdirSync(dirname(file), { recursive: true });
  writeFileAtomic(file, `${JSON.stringify(raw, null, 2)}\n`, 0o600);
}

export function saveTeamLink(root: string, link: TeamSection, env: NodeJS.ProcessEnv = process.env): void {
  edit(env, (projects) => {
    for (const k of Object.keys(projects)) if (projectKey(k) === projectKey(root)) delete projects[k];
    projects[projectKey(root)] = { url: link.url, ...(link.project ? { project: link.project } : {}) };
  });
}

/** Returns whether the project was joined. */
export function removeTeamLink(root: string, env: NodeJS.ProcessEnv = process.env): boolean {
  let had = false;
  edit(env, (projects) => {
    for (const k of Object.keys(projects))
      if (projectKey(k) === projectKey(root)) {
        delete projects[k];
        had = true;
      }
  });
  return had;
}
