import { ConfigError } from "../config/layer.js";

/** One server as written in a config file (`.mcp.json`, `mcpServers` in config.json, `--mcp-config`). */
export type McpServerConfig =
  | { type?: "stdio"; command: string; args?: string[]; env?: Record<string, string>; cwd?: string }
  | { type?: "http" | "sse" | "streamable-http"; url: string; headers?: Record<string, string> };

export type McpScope = "user" | "project" | "flag";

/** A server's entry as read, or why it could not be read (shown as a skipped server, not a crash). */
export type ServerEntries = Record<string, McpServerConfig | { invalid: string }>;

export { MCP_JSON } from "../config/paths.js";

/**
 * `{ "mcpServers": { name: {...} } }` -> entries. A bad entry is kept as `{ invalid }` so the
 * others still start and the user is told which one was wrong and why.
 */
export function parseServers(raw: unknown, where: string): ServerEntries {
  if (raw === undefined) return {};
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ConfigError(`${where}: "mcpServers" must be an object of servers, e.g. {"github": {"command": "npx", "args": [...]}}.`);
  }
  const out: ServerEntries = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!/^[\w.@-]{1,64}$/.test(name)) {
      // Names reach the terminal (prompts, notices) and tool names: no control characters, no surprises.
      out[visible(name).slice(0, 80)] = { invalid: `${where}: server name ${JSON.stringify(visible(name).slice(0, 80))} may hold only letters, digits, "_", "-", "." and "@" (at most 64)` };
      continue;
    }
    const problem = serverProblem(value);
    out[name] = problem ? { invalid: `${where}: server "${name}": ${problem}` } : (value as McpServerConfig);
  }
  return out;
}

function serverProblem(v: unknown): string | undefined {
  if (!v || typeof v !== "object" || Array.isArray(v)) return "must be an object with a \"command\" or a \"url\"";
  const o = v as Record<string, unknown>;
  const strings = (k: string) => o[k] === undefined || (Array.isArray(o[k]) && (o[k] as unknown[]).every((x) => typeof x === "string"));
  const stringMap = (k: string) =>
    o[k] === undefined ||
    (typeof o[k] === "object" && o[k] !== null && !Array.isArray(o[k]) && Object.values(o[k] as object).every((x) => typeof x === "string"));
  if (o.type !== undefined && !["stdio", "http", "sse", "streamable-http"].includes(o.type as string))
    return `"type" must be "stdio", "http" or "sse" (got ${JSON.stringify(o.type)})`;
  if (typeof o.url === "string") {
    if (o.type === "stdio") return '"type": "stdio" needs a "command", not a "url"';
    // With ${VAR} in it the URL is only known after expansion; connecting will say if it is bad.
    if (!o.url.includes("${")) {
      try {
        const u = new URL(o.url);
        if (u.protocol !== "http:" && u.protocol !== "https:") return `"url" must be http(s) (got ${u.protocol})`;
      } catch {
        return `"url" is not a URL: ${o.url}`;
      }
    }
    if (!stringMap("headers")) return '"headers" must be an object of strings';
    return undefined;
  }
  if (typeof o.command !== "string" || !o.command.trim()) return 'needs a "command" (stdio) or a "url" (HTTP)';
  if (o.type !== undefined && o.type !== "stdio") return `"type": "${o.type}" needs a "url"`;
  if (!strings("args")) return '"args" must be a list of strings';
  if (!stringMap("env")) return '"env" must be an object of strings';
  if (o.cwd !== undefined && typeof o.cwd !== "string") return '"cwd" must be a string';
  return undefined;
}

/**
 * `${VAR}` and `${VAR:-default}` in every string of a server's config, as Claude Code does.
 * Unset variables without a default are collected so the server can be skipped with a clear reason.
 */
export function expandServer(config: McpServerConfig, env: NodeJS.ProcessEnv): { config: McpServerConfig; missing: string[] } {
  const missing: string[] = [];
  const expand = (s: string) =>
    s.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, def: string | undefined) => {
      const v = env[name];
      // Like the shell: `:-` also replaces an empty value.
      if (def !== undefined) return v ? v : def;
      if (v !== undefined) return v;
      if (!missing.includes(name)) missing.push(name);
      return "";
    });
  const map = (m?: Record<string, string>) => (m ? Object.fromEntries(Object.entries(m).map(([k, v]) => [k, expand(v)])) : undefined);
  if ("url" in config) {
    return { config: { ...config, url: expand(config.url), headers: map(config.headers) }, missing };
  }
  return {
    config: {
      ...config,
      command: expand(config.command),
      args: config.args?.map(expand),
      env: map(config.env),
      cwd: config.cwd === undefined ? undefined : expand(config.cwd),
    },
    missing,
  };
}

/** Control characters shown as escapes, so text from a repository cannot drive the terminal. */
export function visible(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

export function transportOf(config: McpServerConfig): "stdio" | "http" | "sse" {
  if (!("url" in config)) return "stdio";
  return config.type === "sse" ? "sse" : "http";
}
