import { API_KEY_ENV } from "./credentials.js";
import { ConfigError } from "./layer.js";

/**
 * How the environment of what we start for the model (its shell commands, MCP servers, project
 * hooks) is built from ours. Field names are Codex's `shell_environment_policy`, so a user's
 * habits carry over; it is read from the user's own config only, since a repository loosening it
 * would hand its commands the user's tokens.
 */
export interface ShellEnvironmentPolicy {
  inherit: "all" | "core" | "none";
  ignore_default_excludes: boolean;
  exclude: string[];
  set: Record<string, string>;
  include_only: string[];
}

export const POLICY_KEY = "shellEnvironmentPolicy";

/** Names that usually hold a secret; matched case-insensitively anywhere in the name. */
export const DEFAULT_EXCLUDES = ["*KEY*", "*SECRET*", "*TOKEN*", "*PASSWORD*", "*CREDENTIAL*"];

/** What a program needs to find itself and its files; `npx` needs no more than PATH and HOME. */
export const CORE_VARS = ["HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP", "LANG", "LC_ALL", "LC_CTYPE", "TZ"];

export const DEFAULT_POLICY: ShellEnvironmentPolicy = { inherit: "all", ignore_default_excludes: false, exclude: [], set: {}, include_only: [] };

const FIELDS = ["inherit", "ignore_default_excludes", "exclude", "set", "include_only"];
// Spellings a camelCase config invites; named in the error instead of being silently ignored.
const CAMEL: Record<string, string> = { ignoreDefaultExcludes: "ignore_default_excludes", includeOnly: "include_only" };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The section as written in the user's config (undefined: the defaults). A bad value names its key. */
export function parsePolicy(raw: unknown, file: string | undefined): ShellEnvironmentPolicy {
  if (raw === undefined) return DEFAULT_POLICY;
  const where = `${file ?? "config"}: "${POLICY_KEY}"`;
  if (!isObject(raw)) throw new ConfigError(`${where} must be an object like {"inherit": "core", "exclude": ["AWS_*"], "set": {"CI": "1"}}.`);
  for (const k of Object.keys(raw)) {
    if (FIELDS.includes(k)) continue;
    const hint = CAMEL[k] ? `; did you mean "${CAMEL[k]}"?` : ` (known: ${FIELDS.join(", ")})`;
    throw new ConfigError(`${where}.${k} is not a setting${hint}`);
  }
  const out: ShellEnvironmentPolicy = { ...DEFAULT_POLICY, set: {} };
  if (raw.inherit !== undefined) {
    if (raw.inherit !== "all" && raw.inherit !== "core" && raw.inherit !== "none")
      throw new ConfigError(`${where}.inherit must be "all", "core" or "none" (got ${JSON.stringify(raw.inherit)}).`);
    out.inherit = raw.inherit;
  }
  if (raw.ignore_default_excludes !== undefined) {
    if (typeof raw.ignore_default_excludes !== "boolean") throw new ConfigError(`${where}.ignore_default_excludes must be true or false.`);
    out.ignore_default_excludes = raw.ignore_default_excludes;
  }
  for (const k of ["exclude", "include_only"] as const) {
    const v = raw[k];
    if (v === undefined) continue;
    if (!Array.isArray(v) || !v.every((p) => typeof p === "string" && p.length > 0))
      throw new ConfigError(`${where}.${k} must be a list of variable names or patterns like "AWS_*".`);
    out[k] = v as string[];
  }
  if (raw.set !== undefined) {
    if (!isObject(raw.set)) throw new ConfigError(`${where}.set must be an object of variable names to strings.`);
    for (const [name, value] of Object.entries(raw.set)) {
      if (!/^[^=\0]+$/.test(name)) throw new ConfigError(`${where}.set: ${JSON.stringify(name)} is not a variable name.`);
      if (typeof value !== "string") throw new ConfigError(`${where}.set.${name} must be a string.`);
      out.set[name] = value;
    }
  }
  return out;
}

/** `*` any run of characters, `?` one; the whole name must match, case-insensitively. */
function compile(patterns: string[]): (name: string) => boolean {
  if (!patterns.length) return () => false;
  const re = patterns.map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "i"));
  return (name) => re.some((r) => r.test(name));
}

/**
 * The child's environment, in Codex's order: start from `inherit`, drop the default excludes
 * (unless ignored), drop `exclude`, add `set`, then keep only `include_only` when given.
 * letta-code's own model key never passes on by inheritance; only an explicit `set` gives it.
 * Hooks and MCP servers call this too, so one policy decides for everything the model can start.
 */
export function childEnvironment(policy: ShellEnvironmentPolicy = DEFAULT_POLICY, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const defaults = compile(policy.ignore_default_excludes ? [] : DEFAULT_EXCLUDES);
  const excluded = compile(policy.exclude);
  const core = new Set(CORE_VARS);
  const out: Record<string, string> = {};
  if (policy.inherit !== "none") {
    for (const [k, v] of Object.entries(env)) {
      if (v === undefined || k === API_KEY_ENV) continue;
      if (policy.inherit === "core" && !core.has(k)) continue;
      if (defaults(k) || excluded(k)) continue;
      out[k] = v;
    }
  }
  Object.assign(out, policy.set);
  if (policy.include_only.length) {
    const keep = compile(policy.include_only);
    for (const k of Object.keys(out)) if (!keep(k)) delete out[k];
  }
  return out;
}
