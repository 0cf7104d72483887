import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "../config/atomic-write.js";
import {
  ConfigError,
  localConfigPath,
  parseSandboxMode,
  projectConfigPath,
  resolveConfig,
  userConfigPath,
  validateLayer,
  type ConfigLayer,
  type ResolvedConfig,
} from "../config/config.js";
import { refuseLinkedProjectFile } from "../config/config-files.js";
import { CONFIG_KEYS, USER_ONLY_SECTIONS, type ConfigKey, type ValueOrigin } from "../config/keys.js";
import { findProjectRoot } from "../config/project.js";
import { defaultEmbeddingSettings, mergeEmbeddingSettings } from "../embeddings/provider.js";
import { EXIT } from "./headless.js";
import { shownURL } from "../llm/endpoint-url.js";
import { visible } from "../mcp/config.js";

export type Scope = "user" | "project" | "local";

const err = (m: string) => process.stderr.write(`letta-code: ${m}\n`);

/** The key's value in the resolved config: the same `layer` reader, over the resolved settings. */
function resolvedValue(c: ResolvedConfig, k: ConfigKey): unknown {
  const asLayer: ConfigLayer = {
    ...c,
    permissions: { mode: c.permissions.mode ?? "ask" },
    embeddings: mergeEmbeddingSettings(defaultEmbeddingSettings(), c.embeddings),
  };
  const v = k.layer(asLayer);
  // Only a long key keeps a hint of itself (its first 3 and last 4 characters): of a short one that would be most of it.
  if (k.key === "apiKey" && typeof v === "string") return v.length >= 20 ? `${v.slice(0, 3)}…${v.slice(-4)}` : "(set)";
  if (k.key === "baseURL" && typeof v === "string") return shownURL(v);
  if (k.kind === "sandbox") return v === true ? "on" : v === false ? "off" : v;
  return v;
}

function describe(o: ValueOrigin): string {
  if (o.source === "env" || o.source === "flag") return `${o.source} ${o.name}`;
  if (o.source === "default") return "default";
  const label = { user: "user config", project: "project config", local: "local config" }[o.source];
  return `${label} ${o.file}`;
}

function resolveHere(flags: ConfigLayer): { root: string; config: ResolvedConfig } | number {
  const root = findProjectRoot();
  try {
    return { root, config: resolveConfig({ projectRoot: root, flags }) };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    return EXIT.usage;
  }
}

function findKey(key: string): ConfigKey | number {
  const k = CONFIG_KEYS.find((c) => c.key === key);
  if (k) return k;
  const head = key.split(".")[0]!;
  if (["hooks", "mcpServers", "checkpoints", "commands", "permissions", ...USER_ONLY_SECTIONS].includes(head))
    err(`"${key}" is not a single value config can set: edit the "${head}" section of the config file (see README: Configuration files), or use its own command (mcp, hooks).`);
  else err(`unknown config key "${key}". Known keys: ${CONFIG_KEYS.map((c) => c.key).join(", ")}.`);
  return EXIT.usage;
}

/** `letta-code config` / `config list`: every key with its value and where it came from. */
export function runConfigList(flags: ConfigLayer, o: { json?: boolean }): number {
  const r = resolveHere(flags);
  if (typeof r === "number") return r;
  const { root, config } = r;
  const rows = CONFIG_KEYS.map((k) => ({ key: k.key, value: resolvedValue(config, k), origin: config.origins[k.key]! }));
  const ignored = config.trust.trusted ? [] : config.trust.elevating;
  if (o.json) {
    const keys = Object.fromEntries(rows.map((x) => [x.key, { value: x.value ?? null, ...x.origin }]));
    const files = { user: userConfigPath(), project: projectConfigPath(root), local: localConfigPath(root) };
    process.stdout.write(`${JSON.stringify({ project: root, trusted: config.trust.trusted, files, keys, ignored })}\n`);
    return EXIT.ok;
  }
  const width = Math.max(...rows.map((x) => x.key.length));
  // Values come from the project's files too (a model name): their control characters are shown, not obeyed by the terminal.
  const shown = rows.map((x) => (x.value === undefined ? "(unset)" : typeof x.value === "string" ? visible(x.value) : JSON.stringify(x.value)));
  const valueWidth = Math.min(40, Math.max(...shown.map((s) => s.length)));
  rows.forEach((x, i) => process.stdout.write(`${x.key.padEnd(width)}  ${shown[i]!.padEnd(valueWidth)}  ${describe(x.origin)}\n`));
  process.stdout.write(`\nproject ${root} is ${config.trust.trusted ? "trusted" : "not trusted"}`);
  process.stdout.write(config.trust.trusted ? ": its elevating settings apply.\n" : ": its elevating settings are ignored (letta-code trust).\n");
  for (const e of ignored) process.stdout.write(`  ignored: ${e.key} = ${e.value} from ${e.file}\n`);
  return EXIT.ok;
}

/** `letta-code config get KEY`: the resolved value alone, for scripts (an API key is masked). */
export function runConfigGet(flags: ConfigLayer, key: string, o: { json?: boolean }): number {
  const k = findKey(key);
  if (typeof k === "number") return k;
  const r = resolveHere(flags);
  if (typeof r === "number") return r;
  const value = resolvedValue(r.config, k);
  if (o.json) process.stdout.write(`${JSON.stringify({ key, value: value ?? null, ...r.config.origins[key] })}\n`);
  else if (value !== undefined) process.stdout.write(`${typeof value === "string" ? visible(value) : JSON.stringify(value)}\n`);
  return EXIT.ok;
}

function parseValue(k: ConfigKey, raw: string): unknown {
  switch (k.kind) {
    case "int":
      if (!/^\d+$/.test(raw)) throw new ConfigError(`${k.key} must be a whole number, not "${raw}".`);
      return Number(raw);
    case "bool":
      if (raw === "true" || raw === "on") return true;
      if (raw === "false" || raw === "off") return false;
      throw new ConfigError(`${k.key} must be true or false, not "${raw}".`);
    case "sandbox": {
      const m = parseSandboxMode(raw);
      if (m === undefined) throw new ConfigError(`sandbox must be on, off or auto, not "${raw}".`);
      return m;
    }
    default:
      return raw;
  }
}

/** The file as written, or a refusal: a file we cannot parse is not ours to overwrite. */
function readRaw(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`${file} is not valid JSON (${(e as Error).message}); fix it first, it was left as it is.`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new ConfigError(`${file} must hold a JSON object; it was left as it is.`);
  return parsed as Record<string, unknown>;
}

/** Sets a dotted key in a config object; `sandbox` may be written as a mode or as {mode, network}. */
function assign(obj: Record<string, unknown>, key: string, value: unknown): void {
  const sandboxObj = typeof obj.sandbox === "object" && obj.sandbox !== null && !Array.isArray(obj.sandbox);
  if (key === "sandbox" && sandboxObj) return void ((obj.sandbox as Record<string, unknown>).mode = value);
  if (key === "sandbox.network" && !sandboxObj) obj.sandbox = obj.sandbox === undefined ? {} : { mode: obj.sandbox };
  const parts = key.split(".");
  let at = obj;
  for (const p of parts.slice(0, -1)) {
    if (typeof at[p] !== "object" || at[p] === null || Array.isArray(at[p])) at[p] = {};
    at = at[p] as Record<string, unknown>;
  }
  at[parts.at(-1)!] = value;
}

/**
 * `letta-code config set KEY VALUE [--user|--project|--local]`: one key into one file, checked by
 * the same validator the resolver applies to every file, written whole or not at all.
 */
export function runConfigSet(flags: ConfigLayer, key: string, value: string, scope: Scope): number {
  const k = findKey(key);
  if (typeof k === "number") return k;
  const root = findProjectRoot();
  const file = scope === "user" ? userConfigPath() : scope === "project" ? projectConfigPath(root) : localConfigPath(root);
  if (k.userOnly && scope !== "user") {
    err(`"${key}" is read only from your own config (${userConfigPath()}), never from a project's files: a repository must not choose where your API key goes. Set it without --${scope}.`);
    return EXIT.usage;
  }
  try {
    if (scope !== "user") refuseLinkedProjectFile(file);
    const raw = readRaw(file);
    assign(raw, key, parseValue(k, value));
    validateLayer(raw, file);
    mkdirSync(dirname(file), { recursive: true });
    // The user's file may hold an API key: readable by its owner only.
    writeFileAtomic(file, `${JSON.stringify(raw, null, 2)}\n`, scope === "user" ? 0o600 : undefined);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(e.message);
    return EXIT.usage;
  }
  process.stdout.write(`${key} = ${key === "apiKey" ? "(set)" : value} in ${file}\n`);
  // Said when the value just written is not the one a run would use (a flag, env var or stronger file wins, or trust withholds it).
  const after = resolveHere(flags);
  if (typeof after !== "number") {
    const o = after.config.origins[key]!;
    if (o.source !== scope) process.stdout.write(`note: a run here still uses ${describe(o)} for ${key}${scope !== "user" && !after.config.trust.trusted ? " (or the project is not trusted, so this setting waits for `letta-code trust`)" : ""}.\n`);
  }
  return EXIT.ok;
}
