import type { PermissionMode } from "../agent/session.js";
import { PERMISSION_MODES } from "../agent/session.js";
import type { EmbeddingSettings } from "../embeddings/types.js";
import { API_KEY_ENV } from "./credentials.js";

/** Settings as they may appear in a config file, in the environment or on the command line. */
export interface ConfigLayer {
  model?: string;
  baseURL?: string;
  apiKey?: string;
  contextWindow?: number;
  maxSteps?: number;
  /** How many subagents (`task` calls of one step) run at the same time (default 4). */
  subagentConcurrency?: number;
  /** Retries of a failed model request (connection refused, timeout, 429, 5xx). */
  maxRetries?: number;
  /** Longest wait for a response to start, or between two streamed chunks. */
  requestTimeoutMs?: number;
  agent?: string;
  /** How long the first model request waits for each MCP server to connect (default 10 s). */
  mcpStartupTimeoutMs?: number;
  /** Longest MCP tool call (default 120 s; progress notifications extend it). */
  mcpToolTimeoutMs?: number;
  /** true: commands only run sandboxed; "auto": sandboxed where bubblewrap works, else unsandboxed (said once); false: off. */
  sandbox?: SandboxMode;
  /** Let sandboxed commands reach the network. */
  sandboxNetwork?: boolean;
  permissions?: { mode?: PermissionMode; allow?: string[]; deny?: string[] };
  embeddings?: Partial<EmbeddingSettings>;
  /** The background pass that distils conversations into memory (harmless: it only edits memory). */
  reflection?: Partial<ReflectionSettings>;
  /** --add-dir: folders besides the project the agent may read and write. Flags only: never read from a file. */
  addDirs?: string[];
  /** --system-prompt / --append-system-prompt (flags only, see customBasePrompt in src/agent/prompts.ts). */
  systemPrompt?: string;
  appendSystemPrompt?: string;
}

export type ReflectionMode = "auto" | "manual" | "off";
export const REFLECTION_MODES: ReflectionMode[] = ["auto", "manual", "off"];

export interface ReflectionSettings {
  /** auto: in the background every few turns, after compaction and at exit; manual: only when asked; off: never. */
  mode: ReflectionMode;
  everyTurns: number;
  /** A cheaper model for reflection (default: the session's model). */
  model?: string;
  dailyTokenCap: number;
}

export const DEFAULT_REFLECTION: ReflectionSettings = { mode: "auto", everyTurns: 3, dailyTokenCap: 200_000 };

export type SandboxMode = boolean | "auto";
export const DEFAULT_SANDBOX: SandboxMode = "auto";

/** `--sandbox` and config spellings: on/true, off/false, auto/prefer (the old name of auto). */
export function parseSandboxMode(v: unknown): SandboxMode | undefined {
  if (v === true || v === "on" || v === "true") return true;
  if (v === false || v === "off" || v === "false") return false;
  if (v === "auto" || v === "prefer") return "auto";
  return undefined;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export const DEFAULT_BASE_URL = "https://api.openai.com/v1";
export const DEFAULT_MAX_STEPS = 50;

export function validateLayer(o: Record<string, unknown>, where: string): ConfigLayer {
  const str = (k: string) => {
    if (o[k] !== undefined && typeof o[k] !== "string") throw new ConfigError(`${where}: "${k}" must be a string.`);
    return o[k] as string | undefined;
  };
  const int = (k: string, min = 1) => {
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && (o[k] as number) >= min))
      throw new ConfigError(`${where}: "${k}" must be a whole number of at least ${min}.`);
    return o[k] as number | undefined;
  };
  const perms = o.permissions as ConfigLayer["permissions"] | undefined;
  if (perms !== undefined) {
    if (typeof perms !== "object" || perms === null) throw new ConfigError(`${where}: "permissions" must be an object.`);
    if (perms.mode !== undefined && !PERMISSION_MODES.includes(perms.mode))
      throw new ConfigError(`${where}: permissions.mode must be one of ${PERMISSION_MODES.join(", ")}.`);
    for (const k of ["allow", "deny"] as const) {
      const v = perms[k];
      if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === "string")))
        throw new ConfigError(`${where}: permissions.${k} must be a list of rules like "run_shell(npm test)".`);
    }
  }
  let sandbox: SandboxMode | undefined;
  let sandboxNetwork: boolean | undefined;
  if (o.sandbox !== undefined) {
    const obj = typeof o.sandbox === "object" && o.sandbox !== null && !Array.isArray(o.sandbox) ? (o.sandbox as Record<string, unknown>) : undefined;
    const modeValue = obj ? obj.mode : o.sandbox;
    sandbox = parseSandboxMode(modeValue);
    if (sandbox === undefined && !(obj && obj.mode === undefined))
      throw new ConfigError(`${where}: "sandbox" must be true, false, "auto", or an object like {"mode": "auto", "network": true}.`);
    if (obj?.network !== undefined) {
      if (typeof obj.network !== "boolean") throw new ConfigError(`${where}: "sandbox.network" must be true or false.`);
      sandboxNetwork = obj.network;
    }
  }
  return {
    reflection: validateReflection(o.reflection, where),
    model: str("model"),
    baseURL: str("baseURL"),
    apiKey: str("apiKey"),
    contextWindow: int("contextWindow"),
    maxSteps: int("maxSteps"),
    subagentConcurrency: int("subagentConcurrency"),
    maxRetries: int("maxRetries", 0),
    requestTimeoutMs: int("requestTimeoutMs"),
    agent: str("agent"),
    mcpStartupTimeoutMs: int("mcpStartupTimeoutMs"),
    mcpToolTimeoutMs: int("mcpToolTimeoutMs"),
    sandbox,
    sandboxNetwork,
    permissions: perms,
    embeddings: o.embeddings as Partial<EmbeddingSettings> | undefined,
  };
}

function validateReflection(r: unknown, where: string): Partial<ReflectionSettings> | undefined {
  if (r === undefined) return undefined;
  if (typeof r !== "object" || r === null || Array.isArray(r)) throw new ConfigError(`${where}: "reflection" must be an object.`);
  const o = r as Record<string, unknown>;
  if (o.mode !== undefined && !REFLECTION_MODES.includes(o.mode as ReflectionMode))
    throw new ConfigError(`${where}: reflection.mode must be one of ${REFLECTION_MODES.join(", ")}.`);
  for (const [k, min] of [["everyTurns", 1], ["dailyTokenCap", 0]] as const) {
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && (o[k] as number) >= min))
      throw new ConfigError(`${where}: reflection.${k} must be a whole number of at least ${min}.`);
  }
  if (o.model !== undefined && (typeof o.model !== "string" || !o.model.trim()))
    throw new ConfigError(`${where}: reflection.model must be a model name.`);
  return {
    ...(o.mode !== undefined ? { mode: o.mode as ReflectionMode } : {}),
    ...(o.everyTurns !== undefined ? { everyTurns: o.everyTurns as number } : {}),
    ...(o.dailyTokenCap !== undefined ? { dailyTokenCap: o.dailyTokenCap as number } : {}),
    ...(o.model !== undefined ? { model: o.model as string } : {}),
  };
}

/** A whole-number variable: unset or empty means "not given"; anything else that is not a number is refused. */
function envInt(env: NodeJS.ProcessEnv, name: string, min: number): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(`${name} must be a whole number of at least ${min}, not "${raw}".`);
  return n;
}

/** `LETTA_CODE_REFLECTION=manual` (or off, auto): reflection's mode for this environment, e.g. a CI job that must not learn. */
function envReflection(env: NodeJS.ProcessEnv): ConfigLayer["reflection"] {
  const raw = env.LETTA_CODE_REFLECTION?.trim();
  if (!raw) return undefined;
  if (!REFLECTION_MODES.includes(raw as ReflectionMode)) throw new ConfigError(`LETTA_CODE_REFLECTION must be one of ${REFLECTION_MODES.join(", ")}, not "${raw}".`);
  return { mode: raw as ReflectionMode };
}

export function envLayer(env: NodeJS.ProcessEnv): ConfigLayer {
  return {
    reflection: envReflection(env),
    requestTimeoutMs: envInt(env, "LETTA_CODE_TIMEOUT_MS", 1),
    maxRetries: envInt(env, "LETTA_CODE_MAX_RETRIES", 0),
    contextWindow: envInt(env, "LETTA_CODE_CONTEXT_WINDOW", 1),
    model: env.LETTA_CODE_MODEL || undefined,
    baseURL: env.OPENAI_BASE_URL || undefined,
    apiKey: env[API_KEY_ENV] || undefined,
    embeddings: {
      ...(env.LETTA_CODE_EMBEDDING_MODEL ? { model: env.LETTA_CODE_EMBEDDING_MODEL } : {}),
      ...(env.LETTA_CODE_EMBEDDING_PATH ? { localPath: env.LETTA_CODE_EMBEDDING_PATH } : {}),
    },
  };
}

