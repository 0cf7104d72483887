import { visible, type McpServerConfig } from "./config.js";
import { compareNames } from "../name-order.js";

/** One `${NAME}` of a server's config: the user's variable it will be handed after approval. */
export interface ServerVariable {
  name: string;
  /** Whether it is set now; its value is never shown. */
  set: boolean;
  /** Where it lands: `args`, `env GITHUB_TOKEN`, `header Authorization`, `url`… */
  where: string[];
}

const REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-[^}]*)?\}/g;

/**
 * Which of the user's variables a server's config pulls in. `${VAR}` is expanded from the user's
 * whole environment (the policy's excludes do not apply to what a config names), so these are
 * what the user must see before saying yes: a repository's `"args": ["${AWS_SECRET_ACCESS_KEY}"]`
 * is a request for that key. The names are part of the config, so a changed list changes its
 * fingerprint and asks again.
 */
export function serverVariables(config: McpServerConfig, env: NodeJS.ProcessEnv): ServerVariable[] {
  const found = new Map<string, ServerVariable>();
  const scan = (text: string | undefined, where: string) => {
    if (!text) return;
    for (const m of text.matchAll(REF)) {
      const name = m[1]!;
      const v = found.get(name) ?? { name, set: env[name] !== undefined && env[name] !== "", where: [] };
      if (!v.where.includes(where)) v.where.push(where);
      found.set(name, v);
    }
  };
  if ("url" in config) {
    scan(config.url, "url");
    for (const [k, v] of Object.entries(config.headers ?? {})) scan(v, `header ${k}`);
  } else {
    scan(config.command, "command");
    for (const a of config.args ?? []) scan(a, "args");
    for (const [k, v] of Object.entries(config.env ?? {})) scan(v, `env ${k}`);
    scan(config.cwd, "cwd");
  }
  return [...found.values()].sort((a, b) => compareNames(a.name, b.name));
}

/** `GITHUB_TOKEN=•••• (env GH_TOKEN)`: the name and where it goes, the value masked; terminal-safe. */
export function describeVariable(v: ServerVariable): string {
  return visible(`${v.name}${v.set ? "=••••" : " (not set)"} → ${v.where.join(", ")}`);
}
