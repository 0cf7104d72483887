import type { ConfigFile } from "../config/config-files.js";
import type { ConfigLayer } from "../config/layer.js";
import type { ConfigOrigin } from "../config/sections.js";

/**
 * What a project's own files may set without the user's trust. Harmless settings (model name,
 * context window, embeddings, deny rules, a stricter mode or sandbox) apply everywhere; elevating
 * ones (a looser permission mode, allow rules, a weaker sandbox, another endpoint or key) would let
 * a cloned repository run code or read the user's key, so they wait for `letta-code trust`.
 */
export interface ElevatingSetting {
  /** The file it came from. */
  file: string;
  /** Dotted key as the user would write it, e.g. `permissions.mode`. */
  key: string;
  /** Short rendering of the value for the prompt and the notice. */
  value: string;
}

/**
 * How strict each mode and sandbox setting is. A project may choose a setting only at least as
 * strict as the user's own (or the default): `ask` is stricter than the default, but looser than
 * a user's `read-only`, and `"sandbox": "auto"` looser than a user's `true` where no sandbox works.
 */
const MODE_STRICTNESS: Record<string, number> = { yolo: 0, "accept-edits": 1, ask: 2, "read-only": 3 };
const DEFAULT_MODE = "ask";
const sandboxStrictness = (v: unknown) => (v === true ? 2 : v === false ? 0 : 1);

/** Sections that start programs; read by the resolver from the same files. */
const PROGRAM_KEYS = ["mcpServers", "hooks"] as const;

const show = (v: unknown) => {
  const s = JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

/** Split one project file's layer into what applies untrusted and what waits for trust. */
function splitProjectLayer(
  layer: ConfigLayer,
  file: string,
  raw: Record<string, unknown> = {},
  /** The user's own settings, which the project's must not loosen. */
  user: ConfigLayer = {},
): { harmless: ConfigLayer; elevating: ElevatingSetting[] } {
  const elevating: ElevatingSetting[] = [];
  const note = (key: string, value: unknown) => elevating.push({ file, key, value: show(value) });
  const harmless: ConfigLayer = { ...layer };
  if (layer.baseURL !== undefined) {
    note("baseURL", layer.baseURL);
    delete harmless.baseURL;
  }
  if (layer.apiKey !== undefined) {
    // The key's value is the project's secret or a trap; never echo it.
    elevating.push({ file, key: "apiKey", value: '"…"' });
    delete harmless.apiKey;
  }
  if (layer.sandbox !== undefined && sandboxStrictness(layer.sandbox) < sandboxStrictness(user.sandbox ?? "auto")) {
    note("sandbox", layer.sandbox);
    delete harmless.sandbox;
  }
  if (layer.sandboxNetwork) {
    note("sandbox.network", true);
    delete harmless.sandboxNetwork;
  }
  if (layer.embeddings && typeof layer.embeddings === "object") {
    // Where models are downloaded from and cached to decide which files letta-code writes, and
    // with what: a project's cacheDir plus its own model host can plant ~/.config/letta-code/config.json.
    const emb = { ...layer.embeddings };
    for (const key of ["remoteHost", "cacheDir"] as const) {
      if (emb[key] === undefined) continue;
      note(`embeddings.${key}`, emb[key]);
      delete emb[key];
    }
    harmless.embeddings = emb;
  }
  if (layer.permissions) {
    const { mode, allow, deny } = layer.permissions;
    const perms: NonNullable<ConfigLayer["permissions"]> = { deny };
    if (mode !== undefined) {
      if (MODE_STRICTNESS[mode] >= MODE_STRICTNESS[user.permissions?.mode ?? DEFAULT_MODE]) perms.mode = mode;
      else note("permissions.mode", mode);
    }
    if (allow?.length) note("permissions.allow", allow);
    harmless.permissions = perms;
  }
  // Settings other parts of letta-code read from the same files: they start programs.
  for (const key of PROGRAM_KEYS) {
    if (raw[key] !== undefined && !(typeof raw[key] === "object" && raw[key] !== null && Object.keys(raw[key]).length === 0)) {
      note(key, Object.keys(raw[key] as object));
    }
  }
  return { harmless, elevating };
}

/**
 * The trust rule, the one place it is decided: a setting from the user's own files always applies;
 * an elevating one from the project's files (config.json, config.local.json, .mcp.json, its
 * commands) only once the user trusted the project, in their record outside it.
 */
export function elevatingApplies(origin: ConfigOrigin, trusted: boolean): boolean {
  return origin === "user" || trusted;
}

/** Sections only the user's own config may set, trusted project or not: see TeamSection, ServeSection and ShellEnvironmentPolicy. */
export const USER_ONLY_KEYS = ["team", "serve", "shellEnvironmentPolicy"] as const;

export interface AdmittedFile {
  /** What of the file applies: all of it, or (untrusted) its harmless part; never a user-only section. */
  applied: ConfigFile;
  /** Its elevating settings, applied or not: for the notice, the trust prompt and `letta-code trust`. */
  elevating: ElevatingSetting[];
  /** User-only sections it tried to set (ignored, said once). */
  userOnly: string[];
}

/** One config file through the trust rule. */
export function admitFile(f: ConfigFile, trusted: boolean, user: ConfigLayer): AdmittedFile {
  if (f.origin === "user") return { applied: f, elevating: [], userOnly: [] };
  const raw = { ...f.raw };
  const userOnly = USER_ONLY_KEYS.filter((k) => raw[k] !== undefined);
  for (const k of userOnly) delete raw[k];
  // .mcp.json's servers are asked about one by one (src/mcp/merge.ts), so they are not listed among what trust unlocks.
  const { harmless, elevating } = splitProjectLayer(f.layer, f.file, f.mcpJson ? {} : raw, user);
  if (elevatingApplies(f.origin, trusted)) return { applied: { ...f, raw }, elevating, userOnly };
  for (const k of PROGRAM_KEYS) delete raw[k];
  return { applied: { ...f, layer: harmless, raw }, elevating, userOnly };
}

/** One line naming what an untrusted project asked for, for the notice shown once per run. */
export function ignoredNotice(ignored: readonly ElevatingSetting[]): string {
  const what = ignored.map((s) => `${s.key} ${s.value}`).join(", ");
  return (
    `This project is not trusted, so its settings that loosen safety were ignored: ${what}. ` +
    "Deny rules and harmless settings still apply. If you trust this repository, run `letta-code trust`."
  );
}

/** The list shown before the user decides: `letta-code trust` and the TUI prompt. */
export function describeElevating(elevating: readonly ElevatingSetting[]): string {
  if (!elevating.length) return "Its files ask for nothing that loosens safety.";
  const lines = elevating.map((s) => `  ${s.key} = ${s.value}   (${s.file})`);
  return ["Its files ask for settings that loosen safety; they apply only once you trust it:", ...lines].join("\n");
}
