import { resolve } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult, Prompt, Tool as McpTool } from "@modelcontextprotocol/sdk/types.js";
import { ToolError } from "../tools/types.js";
import { transportOf, visible, type McpServerConfig } from "./config.js";
import type { PlannedServer } from "./merge.js";

export type ConnectionState = "connecting" | "connected" | "failed" | "closed";

export interface ConnectionOptions {
  projectRoot: string;
  startupTimeoutMs: number;
  toolTimeoutMs: number;
  /** The server's tool or prompt list changed (connected, list_changed, gone). */
  onChange: () => void;
  /** Told once per event worth the user's attention (failed, died). */
  onNotice: (message: string) => void;
  /** A child process started, so the exit hook can make sure it never outlives us. */
  onPid?: (pid: number, alive: boolean) => void;
}

const STDERR_KEEP = 2000;

/** The SDK is imported here, on first connect, so runs without MCP servers never load it. */
async function sdk() {
  const [client, stdio, http, sse, types] = await Promise.all([
    import("@modelcontextprotocol/sdk/client/index.js"),
    import("@modelcontextprotocol/sdk/client/stdio.js"),
    import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
    import("@modelcontextprotocol/sdk/client/sse.js"),
    import("@modelcontextprotocol/sdk/types.js"),
  ]);
  return { ...client, ...stdio, ...http, ...sse, ...types };
}
type Sdk = Awaited<ReturnType<typeof sdk>>;

/**
 * One MCP server: connect (bounded by the start-up timeout), list its tools and prompts, call
 * tools (bounded by the tool timeout), and come back on the next call after it died.
 */
export class McpConnection {
  state: ConnectionState = "connecting";
  error?: string;
  tools: McpTool[] = [];
  prompts: Prompt[] = [];
  private client?: Client;
  private transport?: Transport;
  private starting?: Promise<void>;
  private closing = false;
  private generation = 0;
  /** A list_changed re-listing in flight: the next model request waits for it (bounded like start-up). */
  refreshing?: Promise<void>;
  private stderrTail = "";

  constructor(
    readonly server: PlannedServer,
    readonly config: McpServerConfig,
    private opts: ConnectionOptions,
  ) {}

  get transportName(): "stdio" | "http" | "sse" {
    return transportOf(this.config);
  }

  /** Never throws: a failure is a state and one notice. */
  start(): Promise<void> {
    this.starting ??= this.connect().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private async connect(): Promise<void> {
    this.state = "connecting";
    this.error = undefined;
    this.stderrTail = "";
    const timeoutMs = this.opts.startupTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    try {
      const lib = await sdk();
      const gen = ++this.generation;
      await Promise.race([this.open(lib, timeoutMs, gen), timeout]);
      this.state = "connected";
      this.opts.onChange();
    } catch (err) {
      // An attempt still in flight (the SSE fallback after a timeout) must not come back to life.
      this.generation++;
      // Not awaited: a hung server may take seconds to die, and the agent must not wait for it.
      void this.dispose();
      this.state = "failed";
      this.error = this.describe(err);
      this.opts.onNotice(`MCP server "${this.server.name}" failed to start: ${this.error}; its tools are not available.`);
    } finally {
      clearTimeout(timer);
    }
  }

  private async open(lib: Sdk, timeoutMs: number, gen: number): Promise<void> {
    const attempt = async (transport: Transport) => {
      if (gen !== this.generation) throw new Error("abandoned");
      const client = new lib.Client({ name: "letta-code", version: "0.1.0" }, { capabilities: {} });
      this.client = client;
      this.transport = transport;
      client.onclose = () => this.onClosed(client);
      await client.connect(transport, { timeout: timeoutMs });
      if (gen !== this.generation) {
        void client.close();
        throw new Error("abandoned");
      }
    };
    const c = this.config;
    if ("url" in c) {
      const requestInit = { headers: c.headers ?? {} };
      const url = new URL(c.url);
      if (c.type === "sse") return attempt(new lib.SSEClientTransport(url, { requestInit }));
      try {
        await attempt(new lib.StreamableHTTPClientTransport(url, { requestInit }));
      } catch (err) {
        if (err instanceof lib.McpError && err.code === lib.ErrorCode.RequestTimeout) throw err;
        // Older servers speak only HTTP+SSE: the spec's fallback is to try that transport next.
        await this.dispose();
        try {
          await attempt(new lib.SSEClientTransport(url, { requestInit }));
        } catch {
          throw err;
        }
      }
    } else {
      const transport = new lib.StdioClientTransport({
        command: c.command,
        args: c.args ?? [],
        env: c.env,
        cwd: resolve(this.opts.projectRoot, c.cwd ?? "."),
        // Piped, never inherited: a server's logs would tear through the TUI and pollute headless stderr.
        stderr: "pipe",
      });
      transport.stderr?.on("data", (d: Buffer) => {
        this.stderrTail = (this.stderrTail + d.toString("utf8")).slice(-STDERR_KEEP);
      });
      // Track the child from spawn to exit (the Client chains this onclose), so the exit hook
      // can kill exactly the children still running, even one that never answered.
      let pid: number | null = null;
      const start = transport.start.bind(transport);
      transport.start = async () => {
        await start();
        pid = transport.pid;
        if (pid) this.opts.onPid?.(pid, true);
      };
      transport.onclose = () => {
        if (pid) this.opts.onPid?.(pid, false);
      };
      await attempt(transport);
    }
    await this.refresh();
    const onListChanged = () => {
      const r: Promise<void> = this.refresh()
        .then(this.opts.onChange, () => undefined)
        .finally(() => {
          if (this.refreshing === r) this.refreshing = undefined;
        });
      this.refreshing = r;
    };
    this.client!.setNotificationHandler(lib.ToolListChangedNotificationSchema, onListChanged);
    this.client!.setNotificationHandler(lib.PromptListChangedNotificationSchema, onListChanged);
  }

  private async refresh(): Promise<void> {
    const client = this.client!;
    const caps = client.getServerCapabilities() ?? {};
    const timeout = this.opts.startupTimeoutMs;
    const tools: McpTool[] = [];
    if (caps.tools) {
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined, { timeout });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
    }
    let prompts: Prompt[] = [];
    if (caps.prompts) {
      prompts = await client.listPrompts(undefined, { timeout }).then((r) => r.prompts, () => []);
    }
    this.tools = tools;
    this.prompts = prompts;
  }

  private onClosed(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.transport = undefined;
    if (this.closing || this.state !== "connected") return;
    this.state = "closed";
    const tail = this.lastStderrLine();
    this.error = `exited${tail ? `: ${tail}` : ""}`;
    this.opts.onNotice(`MCP server "${this.server.name}" ${this.error}; it restarts on its next tool call.`);
  }

  /** A server that died or failed earlier gets one more start on use. */
  async callTool(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallToolResult> {
    if (this.state !== "connected") await this.start();
    const client = this.client;
    if (this.state !== "connected" || !client) {
      throw new ToolError(`MCP server "${this.server.name}" is not available (${this.error ?? this.state}).`);
    }
    const lib = await sdk();
    try {
      return (await client.callTool({ name, arguments: args }, undefined, {
        timeout: this.opts.toolTimeoutMs,
        resetTimeoutOnProgress: true,
        signal,
      })) as CallToolResult;
    } catch (err) {
      if (signal.aborted) throw err;
      if (err instanceof lib.McpError && err.code === lib.ErrorCode.RequestTimeout) {
        throw new ToolError(`MCP tool ${name} on "${this.server.name}" timed out after ${this.opts.toolTimeoutMs / 1000} s.`);
      }
      if (err instanceof lib.McpError && err.code === lib.ErrorCode.ConnectionClosed) {
        const tail = this.lastStderrLine();
        throw new ToolError(
          `MCP server "${this.server.name}" closed the connection during the ${name} call${tail ? ` (${tail})` : ""}; ` +
            "it will be restarted on the next call.",
        );
      }
      throw new ToolError(`MCP tool ${name} on "${this.server.name}" failed: ${(err as Error).message}`);
    }
  }

  async readResource(uri: string) {
    if (this.state !== "connected") await this.start();
    if (!this.client) throw new Error(`MCP server "${this.server.name}" is not available (${this.error ?? this.state}).`);
    return this.client.readResource({ uri }, { timeout: this.opts.startupTimeoutMs });
  }

  async getPrompt(name: string, args: Record<string, string>) {
    if (this.state !== "connected") await this.start();
    if (!this.client) throw new Error(`MCP server "${this.server.name}" is not available (${this.error ?? this.state}).`);
    return this.client.getPrompt({ name, arguments: args }, { timeout: this.opts.toolTimeoutMs });
  }

  /** Ends the server: stdin closed first (the polite way), the exit hook kills it if it lingers. */
  async close(): Promise<void> {
    this.closing = true;
    await this.dispose();
    if (this.state === "connected" || this.state === "connecting") this.state = "closed";
  }

  private async dispose(): Promise<void> {
    const client = this.client;
    const transport = this.transport;
    this.client = undefined;
    this.transport = undefined;
    try {
      if (client) await client.close();
      else await transport?.close();
    } catch {
      /* already gone */
    }
  }

  private lastStderrLine(): string {
    // A server's stderr reaches the terminal in notices: escapes shown, not obeyed.
    return visible(this.stderrTail.trim().split("\n").at(-1)?.slice(0, 300) ?? "");
  }

  private describe(err: unknown): string {
    const e = err as NodeJS.ErrnoException;
    const c = this.config;
    let msg: string;
    if (e?.code === "ENOENT" && !("url" in c)) msg = `command not found: ${c.command}`;
    else msg = e?.message ?? String(err);
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND) is in its cause.
    const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
    if (cause && !msg.includes(cause.code ?? cause.message ?? "")) msg += ` (${cause.code ?? cause.message})`;
    const tail = this.lastStderrLine();
    msg = visible(msg);
    return tail && !msg.includes(tail) ? `${msg} (stderr: ${tail})` : msg;
  }
}
