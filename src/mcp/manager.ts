import { childEnvironment, type ShellEnvironmentPolicy } from "../config/child-env.js";
import type { Tool, ToolServerStatus, ToolSource } from "../tools/types.js";
import { expandServer, transportOf } from "./config.js";
import { McpConnection } from "./connection.js";
import type { MergeResult, PlannedServer, SkippedServer } from "./merge.js";
import { adaptTool } from "./tool-adapter.js";

export const DEFAULT_MCP_STARTUP_TIMEOUT_MS = 10_000;
export const DEFAULT_MCP_TOOL_TIMEOUT_MS = 120_000;

export interface McpManagerOptions {
  projectRoot: string;
  env: NodeJS.ProcessEnv;
  /** What a stdio server inherits of `env` (the shell's policy); its own `env` entries apply on top. */
  environment?: ShellEnvironmentPolicy;
  startupTimeoutMs?: number;
  toolTimeoutMs?: number;
  /** One-time messages for the user (TUI notice, `notice` event, stderr with --verbose). */
  notice: (message: string) => void;
}

export interface McpPromptInfo {
  server: string;
  name: string;
  /** The slash command: mcp__server__prompt. */
  command: string;
  description?: string;
  arguments: { name: string; required?: boolean; description?: string }[];
}

/** Children still running, killed at process exit whatever path led there (Ctrl-C twice, a crash). */
const livePids = new Set<number>();
let exitHook = false;
function trackPid(pid: number, alive: boolean): void {
  if (alive) livePids.add(pid);
  else livePids.delete(pid);
  if (!exitHook) {
    exitHook = true;
    process.once("exit", () => {
      for (const p of livePids) {
        try {
          process.kill(p, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
    });
  }
}

/** Every server of a session: started in parallel in the background, their tools offered as one list. */
export class McpManager implements ToolSource {
  private conns: McpConnection[] = [];
  private skipped: SkippedServer[];
  private cached?: Tool[];
  private pending = new Set<Promise<void>>();
  private startupTimeoutMs: number;
  private toolTimeoutMs: number;
  private listeners = new Set<() => void>();
  private pids = new Set<number>();
  /** Skipped servers are reported on the first wait, after any interactive approval prompts. */
  private reported = false;
  private quiet = new Set<string>();

  constructor(
    plan: MergeResult,
    private opts: McpManagerOptions,
  ) {
    this.startupTimeoutMs = opts.startupTimeoutMs ?? DEFAULT_MCP_STARTUP_TIMEOUT_MS;
    this.toolTimeoutMs = opts.toolTimeoutMs ?? DEFAULT_MCP_TOOL_TIMEOUT_MS;
    this.skipped = [...plan.skipped];
    for (const s of plan.start) this.add(s);
  }

  /** Start one more server (the user approved it in this session). */
  add(server: PlannedServer): void {
    const { config: expanded, missing } = expandServer(server.config, this.opts.env);
    // The SDK would pass only a few names of its choosing; the user's policy decides instead.
    const config = "url" in expanded ? expanded : { ...expanded, env: { ...childEnvironment(this.opts.environment, this.opts.env), ...expanded.env } };
    this.skipped = this.skipped.filter((s) => s.name !== server.name);
    if (missing.length) {
      const reason = `environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} not set`;
      this.skipped.push({ name: server.name, scope: server.scope, reason });
      if (this.reported) this.opts.notice(`MCP server "${server.name}" (${server.scope}) skipped: ${reason}.`);
      return;
    }
    const conn = new McpConnection(server, config, {
      projectRoot: this.opts.projectRoot,
      startupTimeoutMs: this.startupTimeoutMs,
      toolTimeoutMs: this.toolTimeoutMs,
      onChange: () => this.changed(),
      onNotice: this.opts.notice,
      onPid: (pid, alive) => {
        trackPid(pid, alive);
        if (alive) this.pids.add(pid);
        else this.pids.delete(pid);
      },
    });
    this.conns.push(conn);
    const p = conn.start().finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** The user just said no to a project server: it stays skipped, without a notice about it. */
  denied(name: string): void {
    this.quiet.add(name);
    for (const s of this.skipped) if (s.name === name) s.reason = "project server you denied";
  }

  /** Bounded by each server's start-up timeout, since they all start at once. */
  async ready(signal?: AbortSignal): Promise<void> {
    if (!this.reported) {
      this.reported = true;
      for (const s of this.skipped) if (!this.quiet.has(s.name)) this.opts.notice(`MCP server "${s.name}" (${s.scope}) skipped: ${s.reason}.`);
    }
    const waits = [...this.pending, ...this.conns.flatMap((c) => (c.refreshing ? [c.refreshing] : []))];
    if (waits.length === 0) return;
    const all = Promise.all(waits).then(() => undefined);
    if (!signal) return all;
    await Promise.race([all, new Promise<void>((r) => signal.addEventListener("abort", () => r(), { once: true }))]);
  }

  tools(): readonly Tool[] {
    if (this.cached) return this.cached;
    const seen = new Set<string>();
    const out: Tool[] = [];
    for (const c of this.conns) {
      for (const t of c.tools) {
        const tool = adaptTool(c.server.name, t, c);
        // Two servers whose names sanitise alike would collide: the first keeps the name.
        if (seen.has(tool.name)) continue;
        seen.add(tool.name);
        out.push(tool);
      }
    }
    return (this.cached = out);
  }

  servers(): ToolServerStatus[] {
    const live: ToolServerStatus[] = this.conns.map((c) => ({
      name: c.server.name,
      scope: c.server.scope,
      transport: c.transportName,
      state: c.state,
      tools: c.tools.map((t) => t.name),
      prompts: c.prompts.map((p) => p.name),
      error: c.error,
    }));
    const skipped: ToolServerStatus[] = this.skipped.map((s) => ({
      name: s.name,
      scope: s.scope,
      transport: s.needsApproval ? transportOf(s.needsApproval.config) : "stdio",
      state: "skipped",
      tools: [],
      prompts: [],
      error: s.reason,
    }));
    return [...live, ...skipped];
  }

  prompts(): McpPromptInfo[] {
    return this.conns.flatMap((c) =>
      c.prompts.map((p) => ({
        server: c.server.name,
        name: p.name,
        command: `mcp__${c.server.name}__${p.name}`.replace(/[^A-Za-z0-9_-]/g, "_"),
        description: p.description,
        arguments: p.arguments ?? [],
      })),
    );
  }

  /** The prompt's messages as one text to send as the user's message. */
  async renderPrompt(server: string, name: string, args: Record<string, string>): Promise<string> {
    const conn = this.conns.find((c) => c.server.name === server);
    if (!conn) throw new Error(`No MCP server named "${server}".`);
    const r = await conn.getPrompt(name, args);
    return r.messages
      .map((m) => (m.content.type === "text" ? m.content.text : m.content.type === "resource" && "text" in m.content.resource ? String(m.content.resource.text) : `[${m.content.type}]`))
      .join("\n\n");
  }

  /** A resource's contents as text for the model (binary ones as a placeholder). */
  async readResource(server: string, uri: string): Promise<{ text: string; bytes: number }> {
    const conn = this.conns.find((c) => c.server.name === server);
    if (!conn) throw new Error(`No MCP server named "${server}".`);
    const r = await conn.readResource(uri);
    let bytes = 0;
    const parts = r.contents.map((c) => {
      if ("text" in c && typeof c.text === "string") {
        bytes += Buffer.byteLength(c.text);
        return c.text;
      }
      const size = Math.floor(((("blob" in c && typeof c.blob === "string") ? c.blob : "").length * 3) / 4);
      bytes += size;
      return `[${c.mimeType ?? "binary"} resource ${c.uri}, ${size} bytes]`;
    });
    return { text: parts.join("\n"), bytes };
  }

  /** Names of the servers, for telling `@server:uri` from an e-mail address or a path. */
  serverNames(): string[] {
    return this.conns.map((c) => c.server.name);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** stdin closed on every child (the polite shutdown), then a short wait; the exit hook kills stragglers. */
  async close(graceMs = 1000): Promise<void> {
    const closing = Promise.all(this.conns.map((c) => c.close()));
    await Promise.race([closing, new Promise((r) => setTimeout(r, graceMs).unref())]);
    for (const p of this.pids) {
      try {
        process.kill(p, "SIGTERM");
      } catch {
        /* already gone */
      }
    }
  }

  private changed(): void {
    this.cached = undefined;
    for (const l of this.listeners) l();
  }
}
