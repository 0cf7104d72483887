import type { ConfigLayer } from "./layer.js";

/** Where a resolved value came from: `project` is .letta/config.json (applied only as the trust rule allows), `local` .letta/config.local.json. */
export type ValueSource = "default" | "user" | "project" | "local" | "env" | "flag";

export interface ValueOrigin {
  source: ValueSource;
  /** The file, for the three file sources. */
  file?: string;
  /** The variable or flag, for `env` and `flag`. */
  name?: string;
}

type Kind = "string" | "int" | "bool" | "sandbox";

/**
 * The single-value settings `letta-code config` shows, gets and sets, as dotted keys the way they are
 * written in a config file. Sections that hold lists or programs (permissions.allow/deny, hooks,
 * mcpServers, team, serve, shellEnvironmentPolicy) are edited in the file or by their own commands.
 */
export interface ConfigKey {
  key: string;
  kind: Kind;
  /** Read from one layer (a file's validated settings, the environment's, the flags'). */
  layer: (l: ConfigLayer) => unknown;
  env?: string;
  flag?: string;
  /** Only the user's own config may set it: a repository must not choose where the key is sent, or the key. */
  userOnly?: boolean;
}

export const CONFIG_KEYS: ConfigKey[] = [
  { key: "model", kind: "string", layer: (l) => l.model, env: "LETTA_CODE_MODEL", flag: "--model" },
  { key: "baseURL", kind: "string", layer: (l) => l.baseURL, env: "OPENAI_BASE_URL", flag: "--base-url", userOnly: true },
  { key: "apiKey", kind: "string", layer: (l) => l.apiKey, env: "OPENAI_API_KEY", userOnly: true },
  { key: "contextWindow", kind: "int", layer: (l) => l.contextWindow, env: "LETTA_CODE_CONTEXT_WINDOW", flag: "--context-window" },
  { key: "maxSteps", kind: "int", layer: (l) => l.maxSteps, flag: "--max-steps" },
  { key: "maxRetries", kind: "int", layer: (l) => l.maxRetries, env: "LETTA_CODE_MAX_RETRIES" },
  { key: "requestTimeoutMs", kind: "int", layer: (l) => l.requestTimeoutMs, env: "LETTA_CODE_TIMEOUT_MS" },
  { key: "agent", kind: "string", layer: (l) => l.agent, flag: "--agent" },
  { key: "mcpStartupTimeoutMs", kind: "int", layer: (l) => l.mcpStartupTimeoutMs },
  { key: "mcpToolTimeoutMs", kind: "int", layer: (l) => l.mcpToolTimeoutMs },
  { key: "sandbox", kind: "sandbox", layer: (l) => l.sandbox, flag: "--sandbox" },
  { key: "sandbox.network", kind: "bool", layer: (l) => l.sandboxNetwork, flag: "--sandbox-network" },
  { key: "permissions.mode", kind: "string", layer: (l) => l.permissions?.mode, flag: "--permission-mode" },
  { key: "reflection.mode", kind: "string", layer: (l) => l.reflection?.mode, env: "LETTA_CODE_REFLECTION" },
  { key: "reflection.everyTurns", kind: "int", layer: (l) => l.reflection?.everyTurns },
  { key: "reflection.dailyTokenCap", kind: "int", layer: (l) => l.reflection?.dailyTokenCap },
  { key: "reflection.model", kind: "string", layer: (l) => l.reflection?.model },
  { key: "embeddings.model", kind: "string", layer: (l) => l.embeddings?.model, env: "LETTA_CODE_EMBEDDING_MODEL" },
  { key: "embeddings.localPath", kind: "string", layer: (l) => l.embeddings?.localPath, env: "LETTA_CODE_EMBEDDING_PATH" },
  { key: "embeddings.disabled", kind: "bool", layer: (l) => l.embeddings?.disabled },
];

/** Sections only the user's own config may hold (see USER_ONLY_KEYS in the trust rule), named so `config set` can say why. */
export const USER_ONLY_SECTIONS = ["team", "serve", "shellEnvironmentPolicy"];

/** The strongest layer that sets each key, in the resolver's order (weakest first). */
export function originsOf(layers: { origin: ValueOrigin; layer: ConfigLayer }[]): Record<string, ValueOrigin> {
  const out: Record<string, ValueOrigin> = {};
  for (const k of CONFIG_KEYS) {
    out[k.key] = { source: "default" };
    for (const { origin, layer } of layers) {
      if (k.layer(layer) === undefined) continue;
      out[k.key] = origin.source === "env" ? { source: "env", name: k.env } : origin.source === "flag" ? { source: "flag", name: k.flag } : origin;
    }
  }
  return out;
}
