import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { PermissionMode } from "../agent/session.js";
import { PERMISSION_MODES } from "../agent/session.js";
import type { EmbeddingSettings } from "../embeddings/types.js";
import { LETTA_DIR } from "./project.js";
import { API_KEY_ENV } from "./credentials.js";
import { userConfigDir } from "./user-dirs.js";
import { validateRules } from "../permissions/policy.js";
import { splitProjectLayer, type ElevatingSetting } from "../trust/project-settings.js";

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
  /** true: commands only run sandboxed; "auto": sandboxed where bubblewrap works, else unsandboxed (said once); false: off. */
  sandbox?: SandboxMode;
  /** Let sandboxed commands reach the network. */
  sandboxNetwork?: boolean;
  permissions?: { mode?: PermissionMode; allow?: string[]; deny?: string[] };
  embeddings?: Partial<EmbeddingSettings>;
  /** The background pass that distils conversations into memory (harmless: it only edits memory). */
  reflection?: Partial<ReflectionSettings>;
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
  sandbox: SandboxMode;
  sandboxNetwork: boolean;
  permissions: { mode?: PermissionMode; allow: string[]; deny: string[] };
  embeddings: Partial<EmbeddingSettings>;
  reflection: ReflectionSettings;
  /** Which files were read, for `--verbose` and error messages. */
  sources: string[];
  /** Where the endpoint came from: shown when a (trusted) project moved it. */
  baseURLSource: "default" | "user" | "project" | "env" | "flag";
  trust: {
    trusted: boolean;
    /** Elevating settings of the project's files: ignored when untrusted, applied when trusted. */
    elevating: ElevatingSetting[];
  };
  /** Problems that did not stop the run (a malformed rule in a file), each named once. */
  warnings: string[];
}

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

export function userConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(userConfigDir(env), "config.json");
}

export function projectConfigPath(projectRoot: string): string {
  return join(projectRoot, LETTA_DIR, "config.json");
}

/** Machine-local project settings (approvals remembered with "don't ask again"); kept out of git. */
export function localConfigPath(projectRoot: string): string {
  return join(projectRoot, LETTA_DIR, "config.local.json");
}

export function readConfigFile(file: string): ConfigLayer | undefined {
  return readConfigFileRaw(file)?.layer;
}

/** The validated layer and the raw object (other modules read their own keys, e.g. mcpServers, hooks). */
export function readConfigFileRaw(file: string): { layer: ConfigLayer; raw: Record<string, unknown> } | undefined {
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
  return { layer: validateLayer(parsed as Record<string, unknown>, file), raw: parsed as Record<string, unknown> };
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

export function envLayer(env: NodeJS.ProcessEnv): ConfigLayer {
  return {
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

/**
 * Precedence, strongest first: flags, environment, project-local (.letta/config.local.json),
 * project (.letta/config.json), user (~/.config/letta-code/config.json). Permission rules add up
 * across files instead of replacing each other, so a user's deny rule survives a project's allow.
 * The project's two files are the repository's words, not the user's: unless `trusted`, their
 * elevating settings are left out (and listed in `trust.elevating`).
 */
export function resolveConfig(opts: {
  projectRoot: string;
  flags?: ConfigLayer;
  env?: NodeJS.ProcessEnv;
  /** The user trusts this project (their record, outside it); default: not trusted. */
  trusted?: boolean;
  /** Allow rules the user made permanent for this project (kept in their own record). */
  remembered?: string[];
}): ResolvedConfig {
  const env = opts.env ?? process.env;
  const trusted = opts.trusted === true;
  const elevating: ElevatingSetting[] = [];
  let userLayer: ConfigLayer = {};
  const read = (f: string, fromProject: boolean) => {
    const got = readConfigFileRaw(f);
    if (!got) return { f, layer: undefined };
    if (!fromProject) {
      userLayer = got.layer;
      return { f, layer: got.layer };
    }
    const split = splitProjectLayer(got.layer, f, got.raw, userLayer);
    elevating.push(...split.elevating);
    return { f, layer: trusted ? got.layer : split.harmless };
  };
  const fileLayers = [
    read(userConfigPath(env), false),
    read(projectConfigPath(opts.projectRoot), true),
    read(localConfigPath(opts.projectRoot), true),
  ];
  const named: { source: ResolvedConfig["baseURLSource"]; layer: ConfigLayer }[] = [
    { source: "user", layer: fileLayers[0].layer ?? {} },
    { source: "project", layer: fileLayers[1].layer ?? {} },
    { source: "project", layer: fileLayers[2].layer ?? {} },
    { source: "user", layer: { permissions: { allow: opts.remembered ?? [] } } },
    { source: "env", layer: envLayer(env) },
    { source: "flag", layer: opts.flags ?? {} },
  ];
  const layers = named.map((n) => n.layer);
  const pick = <K extends keyof ConfigLayer>(k: K): ConfigLayer[K] => {
    let v: ConfigLayer[K] = undefined;
    for (const l of layers) if (l[k] !== undefined) v = l[k];
    return v;
  };
  let baseURLSource: ResolvedConfig["baseURLSource"] = "default";
  for (const n of named) if (n.layer.baseURL !== undefined) baseURLSource = n.source;
  const allow: string[] = [];
  const deny: string[] = [];
  let mode: PermissionMode | undefined;
  let embeddings: Partial<EmbeddingSettings> = {};
  let reflection: ReflectionSettings = { ...DEFAULT_REFLECTION };
  for (const l of layers) {
    if (l.reflection) reflection = { ...reflection, ...l.reflection };
    allow.push(...(l.permissions?.allow ?? []));
    deny.push(...(l.permissions?.deny ?? []));
    if (l.permissions?.mode) mode = l.permissions.mode;
    if (l.embeddings) embeddings = { ...embeddings, ...l.embeddings };
  }
  const warnings: string[] = [];
  for (const { f, layer } of fileLayers) {
    const rules = [...(layer?.permissions?.allow ?? []), ...(layer?.permissions?.deny ?? [])];
    for (const error of validateRules(rules)) warnings.push(`${f}: ${error} (rule ignored)`);
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
    sandbox: pick("sandbox") ?? DEFAULT_SANDBOX,
    sandboxNetwork: pick("sandboxNetwork") ?? false,
    permissions: { mode, allow: [...new Set(allow)], deny: [...new Set(deny)] },
    embeddings,
    reflection,
    sources: fileLayers.filter((x) => x.layer).map((x) => x.f),
    baseURLSource,
    trust: { trusted, elevating },
    warnings,
  };
}
