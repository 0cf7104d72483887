import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { PermissionMode } from "../agent/session.js";
import { PERMISSION_MODES } from "../agent/session.js";
import type { EmbeddingSettings } from "../embeddings/types.js";
import { LETTA_DIR } from "./project.js";

/** Settings as they may appear in a config file, in the environment or on the command line. */
export interface ConfigLayer {
  model?: string;
  baseURL?: string;
  apiKey?: string;
  contextWindow?: number;
  maxSteps?: number;
  /** Retries of a failed model request (connection refused, timeout, 429, 5xx). */
  maxRetries?: number;
  /** Longest wait for a response to start, or between two streamed chunks. */
  requestTimeoutMs?: number;
  agent?: string;
  /** How long the first model request waits for each MCP server to connect (default 10 s). */
  mcpStartupTimeoutMs?: number;
  /** Longest MCP tool call (default 120 s; progress notifications extend it). */
  mcpToolTimeoutMs?: number;
  /** true: commands only run sandboxed; "prefer": sandboxed where bubblewrap works, else unsandboxed (said once). */
  sandbox?: boolean | "prefer";
  permissions?: { mode?: PermissionMode; allow?: string[]; deny?: string[] };
  embeddings?: Partial<EmbeddingSettings>;
}

export interface ResolvedConfig {
  model?: string;
  baseURL: string;
  apiKey?: string;
  contextWindow?: number;
  maxSteps: number;
  maxRetries?: number;
  requestTimeoutMs?: number;
  agent?: string;
  mcpStartupTimeoutMs?: number;
  mcpToolTimeoutMs?: number;
  sandbox: boolean | "prefer";
  permissions: { mode?: PermissionMode; allow: string[]; deny: string[] };
  embeddings: Partial<EmbeddingSettings>;
  /** Which files were read, for `--verbose` and error messages. */
  sources: string[];
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export const DEFAULT_BASE_URL = "https://api.openai.com/v1";
export const DEFAULT_MAX_STEPS = 50;

export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "letta-code", "config.json");
}

export function projectConfigPath(projectRoot: string): string {
  return join(projectRoot, LETTA_DIR, "config.json");
}

/** Machine-local project settings (approvals remembered with "don't ask again"); kept out of git. */
export function localConfigPath(projectRoot: string): string {
  return join(projectRoot, LETTA_DIR, "config.local.json");
}

export function readConfigFile(file: string): ConfigLayer | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new ConfigError(`${file} is not valid JSON: ${(err as Error).message}. Fix or remove it.`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(`${file} must hold a JSON object.`);
  }
  return validateLayer(parsed as Record<string, unknown>, file);
}

function validateLayer(o: Record<string, unknown>, where: string): ConfigLayer {
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
  if (o.sandbox !== undefined && typeof o.sandbox !== "boolean" && o.sandbox !== "prefer")
    throw new ConfigError(`${where}: "sandbox" must be true, false or "prefer".`);
  return {
    model: str("model"),
    baseURL: str("baseURL"),
    apiKey: str("apiKey"),
    contextWindow: int("contextWindow"),
    maxSteps: int("maxSteps"),
    maxRetries: int("maxRetries", 0),
    requestTimeoutMs: int("requestTimeoutMs"),
    agent: str("agent"),
    mcpStartupTimeoutMs: int("mcpStartupTimeoutMs"),
    mcpToolTimeoutMs: int("mcpToolTimeoutMs"),
    sandbox: o.sandbox as boolean | "prefer" | undefined,
    permissions: perms,
    embeddings: o.embeddings as Partial<EmbeddingSettings> | undefined,
  };
}

export function envLayer(env: NodeJS.ProcessEnv): ConfigLayer {
  const cw = env.LETTA_CODE_CONTEXT_WINDOW ? Number(env.LETTA_CODE_CONTEXT_WINDOW) : undefined;
  const retries = env.LETTA_CODE_MAX_RETRIES ? Number(env.LETTA_CODE_MAX_RETRIES) : undefined;
  const timeout = env.LETTA_CODE_TIMEOUT_MS ? Number(env.LETTA_CODE_TIMEOUT_MS) : undefined;
  return {
    requestTimeoutMs: timeout !== undefined && Number.isInteger(timeout) && timeout > 0 ? timeout : undefined,
    maxRetries: retries !== undefined && Number.isInteger(retries) && retries >= 0 ? retries : undefined,
    model: env.LETTA_CODE_MODEL || undefined,
    baseURL: env.OPENAI_BASE_URL || undefined,
    apiKey: env.OPENAI_API_KEY || undefined,
    contextWindow: cw && Number.isInteger(cw) && cw > 0 ? cw : undefined,
    embeddings: {
      ...(env.LETTA_CODE_EMBEDDING_MODEL ? { model: env.LETTA_CODE_EMBEDDING_MODEL } : {}),
      ...(env.LETTA_CODE_EMBEDDING_PATH ? { localPath: env.LETTA_CODE_EMBEDDING_PATH } : {}),
    },
  };
}

/**
 * Precedence, strongest first: flags, environment, project-local (.letta/config.local.json),
 * project (.letta/config.json), user (~/.config/letta-code/config.json). Permission rules add up
 * across files instead of replacing each other, so a user's deny rule survives a project's allow.
 */
export function resolveConfig(opts: {
  projectRoot: string;
  flags?: ConfigLayer;
  env?: NodeJS.ProcessEnv;
}): ResolvedConfig {
  const env = opts.env ?? process.env;
  const files = [userConfigPath(env), projectConfigPath(opts.projectRoot), localConfigPath(opts.projectRoot)];
  const fileLayers = files.map((f) => ({ f, layer: readConfigFile(f) }));
  const layers: ConfigLayer[] = [...fileLayers.map((x) => x.layer ?? {}), envLayer(env), opts.flags ?? {}];
  const pick = <K extends keyof ConfigLayer>(k: K): ConfigLayer[K] => {
    let v: ConfigLayer[K] = undefined;
    for (const l of layers) if (l[k] !== undefined) v = l[k];
    return v;
  };
  const allow: string[] = [];
  const deny: string[] = [];
  let mode: PermissionMode | undefined;
  let embeddings: Partial<EmbeddingSettings> = {};
  for (const l of layers) {
    allow.push(...(l.permissions?.allow ?? []));
    deny.push(...(l.permissions?.deny ?? []));
    if (l.permissions?.mode) mode = l.permissions.mode;
    if (l.embeddings) embeddings = { ...embeddings, ...l.embeddings };
  }
  return {
    model: pick("model"),
    baseURL: (pick("baseURL") ?? DEFAULT_BASE_URL).replace(/\/+$/, ""),
    apiKey: pick("apiKey"),
    contextWindow: pick("contextWindow"),
    maxSteps: pick("maxSteps") ?? DEFAULT_MAX_STEPS,
    maxRetries: pick("maxRetries"),
    requestTimeoutMs: pick("requestTimeoutMs"),
    agent: pick("agent"),
    mcpStartupTimeoutMs: pick("mcpStartupTimeoutMs"),
    mcpToolTimeoutMs: pick("mcpToolTimeoutMs"),
    sandbox: pick("sandbox") ?? false,
    permissions: { mode, allow: [...new Set(allow)], deny: [...new Set(deny)] },
    embeddings,
    sources: fileLayers.filter((x) => x.layer).map((x) => x.f),
  };
}

/** Remember an allow rule for this project on this machine ("yes, don't ask again"). */
export function addLocalAllowRule(projectRoot: string, rule: string): void {
  const file = localConfigPath(projectRoot);
  const current = (readConfigFile(file) ?? {}) as ConfigLayer;
  const allow = [...new Set([...(current.permissions?.allow ?? []), rule])];
  const next = { ...current, permissions: { ...current.permissions, allow } };
  writeFileSync(file, `${JSON.stringify(stripUndefined(next), null, 2)}\n`);
}

function stripUndefined<T>(o: T): T {
  return JSON.parse(JSON.stringify(o)) as T;
}
