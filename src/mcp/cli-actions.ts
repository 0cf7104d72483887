import { join } from "node:path";
import { findProjectRoot } from "../config/project.js";
import { ConfigError, projectConfigPath, resolveConfig, userConfigPath, type ResolvedConfig } from "../config/config.js";
import { serverNames, writeServer } from "../config/server-file-edit.js";
import { refuseLinkedProjectFile } from "../config/config-files.js";
import type { ToolServerStatus } from "../tools/types.js";
import { recordApproval, readApprovals } from "./approvals.js";
import { MCP_JSON, transportOf, visible, type McpServerConfig } from "./config.js";
import { McpManager } from "./manager.js";
import { fingerprint, type ApprovalDecision } from "./merge.js";
import { loadMcpPlan } from "./plan.js";
import { describeVariable, serverVariables } from "./variables.js";

/** Exit codes as the rest of the CLI uses them. */
const OK = 0;
const FAILED = 1;
const USAGE = 2;

const out = (s: string) => process.stdout.write(`${s}\n`);
const usage = (s: string) => {
  process.stderr.write(`letta-code: ${s}\n`);
  return USAGE;
};

export interface AddOptions {
  scope?: string;
  url?: string;
  transport?: string;
  header?: string[];
  env?: string[];
}

interface Ctx {
  root: string;
  env: NodeJS.ProcessEnv;
}

const context = (): Ctx => ({ root: findProjectRoot(), env: process.env });

/**
 * The servers as a run of this project sees them, but as if untrusted: these commands show and
 * decide each project server, so none may start just because the project is trusted.
 */
const resolved = (ctx: Ctx): ResolvedConfig => resolveConfig({ projectRoot: ctx.root, env: ctx.env, trusted: false, remembered: [] });

/** Where `--scope` writes: the user's config.json, or the project's `.mcp.json` (the file Claude Code reads too). */
function scopeFile(scope: string, ctx: Ctx): string {
  return scope === "user" ? userConfigPath(ctx.env) : join(ctx.root, MCP_JSON);
}

export function mcpAdd(name: string, command: string[], o: AddOptions): number {
  const ctx = context();
  const scope = o.scope ?? "user";
  if (scope !== "user" && scope !== "project") return usage(`--scope must be "user" or "project" (got "${scope}").`);
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return usage(`server name "${name}" may hold only letters, digits, "_", "-" and ".".`);
  const pairs = (list: string[] | undefined, sep: string, what: string) => {
    const map: Record<string, string> = {};
    for (const item of list ?? []) {
      const i = item.indexOf(sep);
      if (i <= 0) throw new ConfigError(`${what} "${item}" must look like KEY${sep}VALUE.`);
      map[item.slice(0, i).trim()] = item.slice(i + 1).trim();
    }
    return Object.keys(map).length ? map : undefined;
  };
  let config: McpServerConfig;
  try {
    if (o.url) {
      if (command.length) return usage("give either --url or a command after --, not both.");
      if (o.transport && o.transport !== "http" && o.transport !== "sse") return usage('--transport must be "http" or "sse".');
      try {
        new URL(o.url);
      } catch {
        return usage(`--url: not a URL: ${o.url}`);
      }
      config = { type: o.transport === "sse" ? "sse" : "http", url: o.url, headers: pairs(o.header, ":", "--header") };
    } else {
      if (command.length === 0) return usage(`give the server's command after --, e.g. letta-code mcp add ${name} -- npx -y some-mcp-server, or --url URL.`);
      if (o.header?.length) return usage("--header is for HTTP servers (--url).");
      config = { command: command[0], args: command.slice(1), env: pairs(o.env, "=", "--env") };
    }
  } catch (err) {
    return usage((err as Error).message);
  }
  const file = scopeFile(scope, ctx);
  try {
    // A linked .mcp.json may be the repository's, leading to the user's own config: the server would land there.
    if (scope === "project") refuseLinkedProjectFile(file);
  } catch (err) {
    return usage((err as Error).message);
  }
  writeServer(file, name, JSON.parse(JSON.stringify(config)) as McpServerConfig);
  out(`added ${scope} MCP server "${name}" to ${file}`);
  // The user wrote this project server themselves: no reason to ask them about it again.
  if (scope === "project") recordApproval(ctx.root, name, "approved", fingerprint(JSON.parse(JSON.stringify(config))), ctx.env);
  return OK;
}

export function mcpRemove(name: string, o: { scope?: string }): number {
  const ctx = context();
  const files: [string, string][] = [
    ["user", userConfigPath(ctx.env)],
    ["project", join(ctx.root, MCP_JSON)],
    ["project", projectConfigPath(ctx.root)],
  ];
  const hits = files.filter(([scope, f]) => (!o.scope || o.scope === scope) && serverNames(f).includes(name));
  if (hits.length === 0) return usage(`no MCP server "${name}"${o.scope ? ` in ${o.scope} scope` : ""}. See letta-code mcp list.`);
  if (hits.length > 1 && !o.scope) return usage(`"${name}" is configured in ${hits.map(([, f]) => f).join(" and ")}; say which with --scope user|project.`);
  for (const [scope, f] of hits) {
    try {
      if (scope === "project") refuseLinkedProjectFile(f);
    } catch (err) {
      return usage((err as Error).message);
    }
    writeServer(f, name, undefined);
    out(`removed ${scope} MCP server "${name}" from ${f}`);
  }
  return OK;
}

/** Record a decision on a project server (headless runs start approved ones only). */
export function mcpDecide(name: string, decision: ApprovalDecision): number {
  const ctx = context();
  const entry = resolved(ctx).mcp.project[name];
  if (!entry) return usage(`no project MCP server "${name}" in ${join(ctx.root, MCP_JSON)} or ${projectConfigPath(ctx.root)}.`);
  if ("invalid" in entry) return usage(entry.invalid);
  recordApproval(ctx.root, name, decision, fingerprint(entry), ctx.env);
  out(`${decision} project MCP server "${name}" for ${ctx.root}: ${describe(entry)}`);
  printVariables(entry, ctx.env);
  return OK;
}

/** The user's variables the server's config names, values masked: what approving hands it. */
function printVariables(c: McpServerConfig, env: NodeJS.ProcessEnv): void {
  const vars = serverVariables(c, env);
  if (!vars.length) return;
  out("  variables it receives from your environment:");
  for (const v of vars) out(`    ${describeVariable(v)}`);
}

function describe(c: McpServerConfig): string {
  return "url" in c ? c.url : [c.command, ...(c.args ?? [])].join(" ");
}

/** Connect to every server that would start, and say how each did (skipped ones with why). */
async function statuses(ctx: Ctx): Promise<{ status: ToolServerStatus; config?: McpServerConfig }[]> {
  const config = resolved(ctx);
  const plan = loadMcpPlan({ mcp: config.mcp, projectRoot: ctx.root, env: ctx.env });
  const manager = new McpManager(plan, {
    projectRoot: ctx.root,
    env: ctx.env,
    environment: config.shellEnvironmentPolicy,
    startupTimeoutMs: config.mcpStartupTimeoutMs,
    toolTimeoutMs: config.mcpToolTimeoutMs,
    notice: () => undefined,
  });
  try {
    await manager.ready();
    const configs = new Map<string, McpServerConfig>();
    for (const s of [...plan.start, ...plan.skipped.flatMap((x) => (x.needsApproval ? [x.needsApproval] : []))]) configs.set(s.name, s.config);
    return manager.servers().map((status) => ({ status, config: configs.get(status.name) }));
  } finally {
    await manager.close(500);
  }
}

export async function mcpList(o: { json?: boolean }): Promise<number> {
  const ctx = context();
  const rows = await statuses(ctx);
  if (o.json) {
    out(JSON.stringify(rows.map((r) => ({ ...r.status, config: r.config })), null, 2));
    return OK;
  }
  if (rows.length === 0) {
    out(`no MCP servers configured. Add one with: letta-code mcp add <name> -- <command> [args...]`);
    return OK;
  }
  for (const { status: s } of rows) {
    const what = s.state === "connected" ? `connected · ${s.tools.length} tool${s.tools.length === 1 ? "" : "s"}` : s.state;
    out(`${s.name}  ${s.scope} · ${s.transport} · ${what}${s.error ? ` · ${s.error}` : ""}`);
  }
  return OK;
}

export async function mcpGet(name: string): Promise<number> {
  const ctx = context();
  const { mcp } = resolved(ctx);
  const user = mcp.user[name];
  const project = mcp.project[name];
  if (!user && !project) return usage(`no MCP server "${name}". See letta-code mcp list.`);
  const row = (await statuses(ctx)).find((r) => r.status.name === name);
  for (const [scope, entry] of [["user", user], ["project", project]] as const) {
    if (!entry) continue;
    if ("invalid" in entry) {
      out(`${name} (${scope}): ${entry.invalid}`);
      continue;
    }
    out(`${name} (${scope})`);
    out(`  transport: ${transportOf(entry)}`);
    out(`  ${"url" in entry ? `url: ${entry.url}` : `command: ${describe(entry)}`}`);
    const given = "url" in entry ? Object.keys(entry.headers ?? {}).map((k) => `header ${k}`) : Object.keys(entry.env ?? {}).map((k) => `env ${k}`);
    if (given.length) out(`  sets: ${visible(given.join(", "))}`);
    printVariables(entry, ctx.env);
    if (scope === "project") {
      const a = readApprovals(ctx.root, ctx.env)[name];
      out(`  approval: ${!a ? "not decided yet" : a.fingerprint === fingerprint(entry) ? a.decision : `${a.decision}, but the config changed since`}`);
    }
  }
  if (row) {
    out(`  status: ${row.status.state}${row.status.error ? ` (${row.status.error})` : ""}`);
    if (row.status.tools.length) out(`  tools: ${row.status.tools.join(", ")}`);
    if (row.status.prompts.length) out(`  prompts: ${row.status.prompts.join(", ")}`);
  }
  return row?.status.state === "failed" ? FAILED : OK;
}
