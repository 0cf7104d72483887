import type { PermissionMode } from "../agent/session.js";
import { checkpointSettings } from "../checkpoints/settings.js";
import type { CheckpointSettings } from "../checkpoints/types.js";
import type { EmbeddingSettings } from "../embeddings/types.js";
import { parseHooksSection, type HookSpec } from "../extensions/hook-config.js";
import { hookSetFingerprint, readHookApproval, type HookSetApproval } from "../trust/hook-approvals.js";
import { isTrackedByGit } from "./git-tracked.js";
import { parseServers, type ServerEntries } from "../mcp/config.js";
import type { McpFlags } from "../mcp/plan.js";
import { validateRules } from "../permissions/policy.js";
import { admitFile, elevatingApplies, type ElevatingSetting } from "../trust/project-settings.js";
import { projectDefinitionFiles } from "../agents/definitions.js";
import { basename } from "node:path";
import { projectRecord } from "../trust/record.js";
import { parsePolicy, type ShellEnvironmentPolicy } from "./child-env.js";
import { readConfigFile, readMcpJson, type ConfigFile } from "./config-files.js";
import {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_STEPS,
  DEFAULT_REFLECTION,
  DEFAULT_SANDBOX,
  envLayer,
  type ConfigLayer,
  type ReflectionSettings,
  type SandboxMode,
} from "./layer.js";
import { flagServers } from "./mcp-flags.js";
import { originsOf, type ValueOrigin } from "./keys.js";
import { localConfigPath, mcpJsonPath, projectConfigPath, userConfigPath } from "./paths.js";
import type { CommandsSection, HooksSection, McpSection, ServeSection, TeamSection } from "./sections.js";
import { serveSettings, teamFor } from "./user-sections.js";

/**
 * Every setting of a run, each section typed. The model section is the flat fields `model` to
 * `agent`; permissions, sandbox (`sandbox`, `sandboxNetwork`), embeddings and reflection follow;
 * then the sections other modules used to read for themselves.
 */
export interface ResolvedConfig {
  model?: string;
  baseURL: string;
  apiKey?: string;
  contextWindow?: number;
  maxSteps: number;
  subagentConcurrency: number;
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
  hooks: HooksSection;
  mcp: McpSection;
  checkpoints: CheckpointSettings;
  commands: CommandsSection;
  /** Only from the user's own config, for this project; never from the project's files. */
  team?: TeamSection;
  /** Only from the user's own config and `letta-code serve`'s flags. */
  serve?: ServeSection;
  /** What the model's commands, MCP servers and project hooks inherit; only from the user's own config. */
  shellEnvironmentPolicy: ShellEnvironmentPolicy;
  /** --add-dir folders (real paths), --system-prompt, --append-system-prompt: from the flags only. */
  addDirs: string[];
  systemPrompt?: string;
  appendSystemPrompt?: string;
  /** Which files were read, for `--verbose` and error messages. */
  sources: string[];
  /** Where the endpoint came from: shown when a (trusted) project moved it. */
  baseURLSource: "default" | "user" | "project" | "env" | "flag";
  /** Where each of `letta-code config`'s keys came from (src/config/keys.ts): the strongest layer that set it, after the trust rule. */
  origins: Record<string, ValueOrigin>;
  trust: {
    trusted: boolean;
    /** Elevating settings of the project's files: ignored when untrusted, applied when trusted. */
    elevating: ElevatingSetting[];
  };
  /** Problems that did not stop the run (a malformed rule in a file), each named once. */
  warnings: string[];
}

export interface ResolveOptions {
  projectRoot: string;
  flags?: ConfigLayer;
  env?: NodeJS.ProcessEnv;
  /** Whether the user trusts this project. Default: their trust record (outside the project) decides. */
  trusted?: boolean;
  /** Allow rules the user made permanent for this project. Default: from their trust record. */
  remembered?: string[];
  /** --mcp-config / --strict-mcp-config; relative paths are taken from `cwd` (default: the working directory). */
  mcp?: McpFlags;
  cwd?: string;
  /** `letta-code serve`'s --port / --host / --token. */
  serve?: ServeSection;
  /** The user's decision on the project's hook set. Default: from their record (outside the project). */
  hookApproval?: HookSetApproval;
}

/**
 * The only reader of config files. Precedence, strongest first: flags, environment, project-local
 * (.letta/config.local.json), project (.letta/config.json), user (~/.config/letta-code/config.json).
 * Permission rules add up across files instead of replacing each other, so a user's deny rule
 * survives a project's allow. Every project file (and .mcp.json) goes through the trust rule
 * (`admitFile`) once; each section below is built from what it admitted.
 */
export function resolveConfig(opts: ResolveOptions): ResolvedConfig {
  const env = opts.env ?? process.env;
  const root = opts.projectRoot;
  const record = opts.trusted === undefined || opts.remembered === undefined ? projectRecord(root, env) : {};
  const trusted = opts.trusted ?? record.trust === "trusted";
  const user = readConfigFile(userConfigPath(env), "user");
  const project = readConfigFile(projectConfigPath(root), "project");
  const local = readConfigFile(localConfigPath(root), "local");
  const mcpJson = readMcpJson(mcpJsonPath(root));
  // config.local.json is this machine's, the user's own, unless the repository committed it.
  const localIsUsers = local?.raw.hooks !== undefined && !isTrackedByGit(root, local.file);

  const elevating: ElevatingSetting[] = [];
  const refused: string[] = [];
  const applied = new Map<ConfigFile, ConfigFile>();
  for (const f of [user, mcpJson, project, local]) {
    if (!f) continue;
    const a = admitFile(f, trusted, user?.layer ?? {});
    applied.set(f, a.applied);
    // The user's own hooks are not the project's to ask for: trust neither lists nor unlocks them.
    elevating.push(...a.elevating.filter((e) => !(f === local && localIsUsers && e.key === "hooks")));
    for (const key of a.userOnly) refused.push(`${f.file}: "${key}" is read only from your own config (${userConfigPath(env)}); ignored here.`);
  }
  const settingsFiles = [user, project, local].flatMap((f) => (f ? [applied.get(f)!] : []));
  // The project's subagent definitions (src/agents) are used only once trusted: the trust prompt names them.
  for (const d of projectDefinitionFiles(root, env)) {
    elevating.push({ file: d.dir, key: "subagents", value: d.files.map((f) => basename(f, ".md")).join(", ") });
  }

  const named: { source: ResolvedConfig["baseURLSource"]; layer: ConfigLayer }[] = [
    { source: "user", layer: user ? applied.get(user)!.layer : {} },
    { source: "project", layer: project ? applied.get(project)!.layer : {} },
    { source: "project", layer: local ? applied.get(local)!.layer : {} },
    { source: "user", layer: { permissions: { allow: opts.remembered ?? record.allow ?? [] } } },
    { source: "env", layer: envLayer(env) },
    { source: "flag", layer: opts.flags ?? {} },
  ];
  const layers = named.map((n) => n.layer);
  const origins = originsOf([
    { origin: { source: "user", file: user?.file }, layer: named[0]!.layer },
    { origin: { source: "project", file: project?.file }, layer: named[1]!.layer },
    { origin: { source: "local", file: local?.file }, layer: named[2]!.layer },
    { origin: { source: "env" }, layer: named[4]!.layer },
    { origin: { source: "flag" }, layer: named[5]!.layer },
  ]);
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
  for (const { file, layer } of settingsFiles) {
    const rules = [...(layer.permissions?.allow ?? []), ...(layer.permissions?.deny ?? [])];
    for (const error of validateRules(rules)) warnings.push(`${file}: ${error} (rule ignored)`);
  }
  warnings.push(...refused);

  return {
    model: pick("model"),
    baseURL: (pick("baseURL") ?? DEFAULT_BASE_URL).replace(/\/+$/, ""),
    apiKey: pick("apiKey"),
    contextWindow: pick("contextWindow"),
    maxSteps: pick("maxSteps") ?? DEFAULT_MAX_STEPS,
    subagentConcurrency: pick("subagentConcurrency") ?? 4,
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
    hooks: hooksSection({ user, project, local, localIsUsers }, applied, opts.hookApproval ?? readHookApproval(root, env)),
    mcp: mcpSection({ user, mcpJson, project }, applied, opts),
    checkpoints: checkpointSettings(settingsFiles.map((f) => f.raw.checkpoints), env),
    commands: { projectElevated: elevatingApplies("project", trusted) },
    team: user ? teamFor(user.raw.team, user.file, root) : undefined,
    serve: serveSettings(user?.raw.serve, user?.file, opts.serve),
    shellEnvironmentPolicy: parsePolicy(user?.raw.shellEnvironmentPolicy, user?.file),
    addDirs: opts.flags?.addDirs ?? [],
    systemPrompt: opts.flags?.systemPrompt,
    appendSystemPrompt: opts.flags?.appendSystemPrompt,
    sources: [user, project, local].flatMap((f) => (f ? [f.file] : [])),
    baseURLSource,
    origins,
    trust: { trusted, elevating },
    warnings,
  };
}

/**
 * The user's hooks and an untracked config.local.json's always apply: they are the user's code. A
 * project's (config.json, a config.local.json git tracks) only in a trusted project, and only once
 * the user approved that exact set. A file whose `hooks` the trust rule withheld is named, not
 * parsed: its mistakes are the repository's business until trusted.
 */
function hooksSection(
  files: { user?: ConfigFile; project?: ConfigFile; local?: ConfigFile; localIsUsers: boolean },
  applied: Map<ConfigFile, ConfigFile>,
  approval: HookSetApproval | undefined,
): HooksSection {
  const out: HooksSection = { hooks: [], warnings: [], skippedFiles: [] };
  const read = (f: ConfigFile, raw: unknown, scope: HookSpec["scope"]) => {
    const parsed = parseHooksSection(raw, f.file, scope);
    out.warnings.push(...parsed.warnings);
    return parsed.hooks;
  };
  const { user, project, local } = files;
  const own = local?.raw.hooks !== undefined && files.localIsUsers ? local : undefined;
  if (user?.raw.hooks !== undefined) out.hooks.push(...read(user, user.raw.hooks, "user"));
  const repo: HookSpec[] = [];
  for (const f of [project, own ? undefined : local]) {
    if (f?.raw.hooks === undefined) continue;
    if (f === local) out.warnings.push(`${f.file} is tracked by git, so it is the repository's file, not yours: its hooks run only like .letta/config.json's.`);
    const admitted = applied.get(f)!.raw.hooks;
    if (admitted === undefined) out.skippedFiles.push(f.file);
    else repo.push(...read(f, admitted, "project"));
  }
  if (repo.length) {
    const fingerprint = hookSetFingerprint(repo);
    const decided = approval?.fingerprint === fingerprint ? approval.decision : undefined;
    const set = { hooks: repo, fingerprint, state: decided ?? "pending", changed: !!approval && !decided } as const;
    out.project = set;
    if (set.state === "approved") out.hooks.push(...repo);
  }
  if (own) out.hooks.push(...read(own, own.raw.hooks, "local"));
  return out;
}

/**
 * Withheld project servers are still listed, as servers waiting for the user's approval of each
 * (src/mcp/merge.ts): that per-server decision is the user's, recorded outside the project.
 */
function mcpSection(
  files: { user?: ConfigFile; mcpJson?: ConfigFile & { problem?: string }; project?: ConfigFile },
  applied: Map<ConfigFile, ConfigFile>,
  opts: ResolveOptions,
): McpSection {
  const strict = opts.mcp?.strict === true;
  const flag = flagServers(opts.mcp?.configs ?? [], opts.cwd ?? process.cwd());
  if (strict) return { user: {}, project: {}, projectAdmitted: false, flag, strict };
  const user = files.user ? parseServers(files.user.raw.mcpServers, files.user.file) : {};
  const project: ServerEntries = {};
  let projectAdmitted = true;
  if (files.mcpJson?.problem) project[`(${files.mcpJson.file})`] = { invalid: files.mcpJson.problem };
  for (const f of [files.mcpJson, files.project]) {
    if (!f) continue;
    if (f.raw.mcpServers === undefined) continue;
    if (applied.get(f)!.raw.mcpServers === undefined) projectAdmitted = false;
    // A broken project file must not stop the run: it comes back as one invalid entry.
    try {
      Object.assign(project, parseServers(f.raw.mcpServers, f.file));
    } catch (err) {
      project[`(${f.file})`] = { invalid: (err as Error).message };
    }
  }
  return { user, project, projectAdmitted, flag, strict };
}
