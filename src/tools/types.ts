import { ExpectedError } from "../errors.js";
import type { z } from "zod";
import type { AgentEvent, ToolDisplay, Usage } from "../agent/events.js";
import type { Approver } from "../agent/session.js";
import type { MemoryAccess } from "../memory/access.js";
import type { MemoryActor } from "../memory/origin.js";
import type { ShellProcesses } from "./shell-processes.js";
import type { ShellEnvironmentPolicy } from "../config/child-env.js";

/** Permission class: decides whether a call runs freely, asks, or is refused (see permissions/policy). */
export type ToolKind = "read" | "write" | "exec" | "memory";

export interface ShellSettings {
  /** Run commands inside bubblewrap (read-only system, writable project, no network). */
  sandbox: boolean;
  /** When sandbox is requested but bubblewrap is missing: run anyway (true) or refuse (false). */
  allowUnsandboxed: boolean;
  /** Let sandboxed commands reach the network (default false: no network inside the sandbox). */
  network?: boolean;
  /** What commands inherit of letta-code's environment (default: all but secret-looking names). */
  environment?: ShellEnvironmentPolicy;
  /** --add-dir folders: writable inside the sandbox, like the project. */
  addDirs?: readonly string[];
}

/**
 * Checkpoint capture (checkpoints/): the previous content of a file before a tool writes it, and a
 * snapshot around commands. Absent outside a turn (tests, the SDK's direct tool use).
 */
export interface CheckpointHooks {
  beforeWrite(absPath: string): void;
  afterWrite(absPath: string): void;
  /** Before an approved command runs; the token goes back to afterShell. */
  beforeShell(): unknown;
  afterShell(token: unknown): void;
}

export interface ToolContext {
  projectRoot: string;
  agentId: string;
  signal: AbortSignal;
  memory: MemoryAccess;
  shell: ShellSettings;
  /** Whose memory edits these are, for the memory history (default: the agent in a turn). */
  memoryActor?: MemoryActor;
  /** Live output for the UI (shell stdout/stderr as it arrives); never sent to the model. */
  onOutput?: (chunk: string) => void;
  /** Folders outside the project that read_file may read, read-only (user-level skills). */
  readRoots?: () => readonly string[];
  /** --add-dir folders (real paths): read and written like the project, under the same confinement. */
  addDirs?: readonly string[];
  /** One-time notices for the user (e.g. "sandbox unavailable"). */
  notify?: (message: string) => void;
  checkpoint?: CheckpointHooks;
  /**
   * Text files through the host instead of the disk (an ACP editor's buffers, unsaved edits included).
   * Paths are absolute and already confined to the project; without it, files are read and written directly.
   */
  files?: FileAccess;
  /** The session's shell bookkeeping (live process groups, one-time notices). */
  processes?: ShellProcesses;
  /**
   * The call being run, for a tool that runs an agent of its own (`task`): its id, the turn's event
   * stream and approver, so the subagent's work shows under this call and its questions reach the user.
   */
  call?: { id: string; emit: (e: AgentEvent) => void; approve?: Approver; turnAllows?: (tool: Tool, args: unknown) => boolean };
}

export interface FileAccess {
  readText?(abs: string): Promise<string>;
  writeText?(abs: string, content: string): Promise<void>;
}

/** A tool result has two faces: `content` for the model (compact, capped), `display` for the user. */
export interface ToolResult {
  content: string;
  display?: ToolDisplay;
  /** True when the tool failed in a way the model should read and correct. */
  isError?: boolean;
  /**
   * The sandbox, not the work, is why it failed (a command met the read-only file system or the
   * missing network): the runner may offer to run it again outside. Typed here so nobody reads it from a display.
   */
  stoppedBySandbox?: boolean;
  /** Model tokens the tool spent (a subagent's run): added to the turn's usage. */
  usage?: Usage;
}

export interface Tool<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  parameters: S;
  /**
   * A JSON Schema sent to the model as-is instead of one converted from `parameters` (MCP tools:
   * the server owns the schema and validates the arguments; `parameters` then only checks the shape).
   */
  inputSchema?: Record<string, unknown>;
  /**
   * Its description is composed at run time (the task tool lists the project's subagents) while its
   * parameters are the module's own: the JSON Schema prebuilt at build time still fits it.
   */
  runtimeDescription?: boolean;
  kind: ToolKind;
  /** Calls of this tool in one step run at the same time (subagents), not one after another. */
  concurrent?: boolean;
  /** Writes a core memory block, so it changes the system prompt: read-only mode refuses it. */
  writesCore?: boolean;
  /** For approvals and rules: the key argument, e.g. the command of run_shell or the path of write_file. */
  ruleSubject?: (args: z.infer<S>) => string | undefined;
  /** Optional preview shown before approval (a diff of a write, the command of a shell call). */
  preview?: (args: z.infer<S>, ctx: ToolContext) => Promise<ToolDisplay | undefined>;
  run(args: z.infer<S>, ctx: ToolContext): Promise<ToolResult>;
}

/** Thrown by tools for errors the model can act on; the runner turns it into a tool error result. */
export class ToolError extends ExpectedError {
  constructor(message: string) {
    super(message);
    this.name = "ToolError";
  }
}

/** A tool as its module writes it: the parameters come from a function, called at the first use. */
export type ToolSpec<S extends z.ZodType> = Omit<Tool<S>, "parameters"> & { parameters: () => S };

/**
 * The tool, its `parameters` built when first read. Building the built-in tools' zod schemas was ~3 ms of
 * every start, and a run reads them only to parse a tool call's arguments (the model gets the prebuilt
 * JSON Schemas, registry.ts).
 */
export function defineTool<S extends z.ZodType>(spec: ToolSpec<S>): Tool<S> {
  const { parameters, ...tool } = spec;
  return Object.defineProperty(tool, "parameters", { get: lazySchema(parameters), enumerable: true }) as Tool<S>;
}

/** A schema made at its first use and kept: for one shared by several tools, or by a tool made per session. */
export function lazySchema<S>(build: () => S): () => S {
  let schema: S | undefined;
  return () => (schema ??= build());
}

/** One external tool server as the user sees it (`/mcp`, `mcp list`, the stream-json init line). */
export interface ToolServerStatus {
  name: string;
  scope: "user" | "project" | "flag";
  transport: "stdio" | "http" | "sse";
  state: "connecting" | "connected" | "failed" | "closed" | "skipped";
  tools: string[];
  prompts: string[];
  error?: string;
}

/**
 * Tools that arrive after the agent is made (MCP servers connecting in the background). The
 * loop waits for `ready` before its first request, then re-reads `tools()` before every step.
 */
export interface ToolSource {
  /** Resolves once every server connected or gave up (each bounded by its timeout); never rejects. */
  ready(signal?: AbortSignal): Promise<void>;
  tools(): readonly Tool[];
  servers(): ToolServerStatus[];
}
