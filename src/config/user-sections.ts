import { projectKey } from "../trust/record.js";
import { ConfigError } from "./layer.js";
import type { ServeSection, TeamSection } from "./sections.js";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * This project's team database from the user's `"team": {"projects": {"/path": {"url": "postgres://…"}}}`.
 * Projects are matched by real path, as the trust record matches them.
 */
export function teamFor(raw: unknown, file: string, projectRoot: string): TeamSection | undefined {
  if (raw === undefined) return undefined;
  const shape = `"team" must be an object like {"projects": {"/path/to/project": {"url": "postgres://…"}}}`;
  if (!isObject(raw) || (raw.projects !== undefined && !isObject(raw.projects))) throw new ConfigError(`${file}: ${shape}.`);
  const here = projectKey(projectRoot);
  for (const [path, entry] of Object.entries(raw.projects ?? {})) {
    if (!isObject(entry) || typeof entry.url !== "string" || !/^postgres(ql)?:\/\//.test(entry.url))
      throw new ConfigError(`${file}: team.projects[${JSON.stringify(path)}].url must be a PostgreSQL URL (postgres://…).`);
    if (entry.project !== undefined && (typeof entry.project !== "string" || !entry.project))
      throw new ConfigError(`${file}: team.projects[${JSON.stringify(path)}].project must be a non-empty string.`);
    if (projectKey(path) === here) return { url: entry.url, ...(entry.project ? { project: entry.project as string } : {}) };
  }
  return undefined;
}

/** `"serve": {"port", "host", "token"}` from the user's config, then `letta-code serve`'s flags. */
export function serveSettings(raw: unknown, file: string | undefined, flags: ServeSection = {}): ServeSection | undefined {
  const out: ServeSection = {};
  if (raw !== undefined) {
    const where = `${file}: "serve"`;
    if (!isObject(raw)) throw new ConfigError(`${where} must be an object like {"port": 8283, "host": "127.0.0.1", "token": "…"}.`);
    if (raw.port !== undefined) {
      if (!(Number.isInteger(raw.port) && (raw.port as number) >= 1 && (raw.port as number) <= 65535))
        throw new ConfigError(`${where}.port must be a port number (1-65535).`);
      out.port = raw.port as number;
    }
    for (const k of ["host", "token"] as const) {
      if (raw[k] === undefined) continue;
      if (typeof raw[k] !== "string" || !raw[k]) throw new ConfigError(`${where}.${k} must be a non-empty string.`);
      out[k] = raw[k];
    }
  }
  for (const k of ["port", "host", "token"] as const) if (flags[k] !== undefined) (out as Record<string, unknown>)[k] = flags[k];
  return Object.keys(out).length ? out : undefined;
}
