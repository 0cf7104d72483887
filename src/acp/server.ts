import { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import * as acp from "@agentclientprotocol/sdk";
import type { AgentContext, ContentBlock, McpServer, SessionModeState } from "@agentclientprotocol/sdk";
import { Project } from "../agent/open-project.js";
import type { Agent } from "../agent/agent.js";
import { PERMISSION_MODES, type Approver, type PermissionMode } from "../agent/session.js";
import type { ConfigLayer } from "../config/config.js";
import { ProtocolStream } from "../protocol/translate.js";
import { AcpUpdates, STOP, title, toolKind } from "./updates.js";
import { clientFiles } from "./client-files.js";
import { permissionOptions } from "./permission-options.js";

const MODE_NAMES: Record<PermissionMode, string> = {
  ask: "Ask before edits and commands",
  "accept-edits": "Accept edits, ask before commands",
  yolo: "Allow everything",
  "read-only": "Read only",
};

interface LiveSession {
  project: Project;
  session: Agent;
  stream: ProtocolStream;
  updates: AcpUpdates;
  turn?: AbortController;
}

/** The client's MCP servers, as an `--mcp-config` value: the editor speaks for the user, like a flag. */
function mcpConfig(servers: McpServer[]): string[] {
  const entries: Record<string, unknown> = {};
  for (const s of servers) {
    if ("command" in s) entries[s.name] = { command: s.command, args: s.args, env: Object.fromEntries(s.env.map((e) => [e.name, e.value])) };
    else entries[s.name] = { type: s.type, url: s.url, headers: Object.fromEntries(s.headers.map((h) => [h.name, h.value])) };
  }
  return Object.keys(entries).length ? [JSON.stringify({ mcpServers: entries })] : [];
}

/** A prompt's blocks as one user message: text as-is, embedded resources inline, links named (the agent reads them under its own confinement). */
export function promptText(blocks: ContentBlock[]): string {
  const parts: string[] = [];
  for (const b of blocks) {
    if (b.type === "text") parts.push(b.text);
    else if (b.type === "resource_link") {
      const path = b.uri.startsWith("file://") ? fileURLToPath(b.uri) : b.uri;
      parts.push(`[attached: ${path}${b.name && !path.endsWith(b.name) ? ` (${b.name})` : ""}]`);
    } else if (b.type === "resource") {
      const r = b.resource as { uri: string; text?: string; blob?: string; mimeType?: string | null };
      const path = r.uri.startsWith("file://") ? fileURLToPath(r.uri) : r.uri;
      parts.push(r.text !== undefined ? `<attachment path="${path}">\n${r.text}\n</attachment>` : `[attached binary: ${path}${r.mimeType ? `, ${r.mimeType}` : ""}; not included]`);
    } else parts.push(`[${b.type} attachment not supported; not included]`);
  }
  return parts.join("\n\n");
}

function modes(current: PermissionMode): SessionModeState {
  return { currentModeId: current, availableModes: PERMISSION_MODES.map((id) => ({ id, name: MODE_NAMES[id] })) };
}

/**
 * `letta-code acp`: the Agent Client Protocol over stdio. Each ACP session is one of our
 * conversations in the project at the client's cwd, opened with that project's own trust (a client
 * asking never trusts a project). Resolves when the client closes the connection.
 */
export async function runAcp(flags: ConfigLayer): Promise<number> {
  // Only protocol messages may reach stdout: anything else written there (a library's log) goes to stderr.
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: never, ...rest: never[]) => process.stderr.write(chunk, ...rest)) as typeof process.stdout.write;
  const output = new Writable({
    write(chunk, _enc, cb) {
      stdoutWrite(chunk, cb);
    },
  });
  const sessions = new Map<string, LiveSession>();
  const projects = new Map<string, Project>();
  let fsCaps: { readTextFile?: boolean; writeTextFile?: boolean } = {};
  const warn = (m: string) => process.stderr.write(`letta-code: ${m}\n`);

  const open = (cwd: string, servers: McpServer[], resume?: string): LiveSession => {
    const configs = mcpConfig(servers);
    const key = `${cwd}\0${configs.join()}`;
    let project = projects.get(key);
    if (!project) {
      project = Project.open({ cwd, flags, mcp: { configs }, onNotice: warn });
      projects.set(key, project);
    }
    const agent = project.resolveAgent(flags.agent);
    const session = project.session(agent, { mode: flags.permissions?.mode, resume, newConversation: !resume });
    const id = session.info().conversationId;
    const live: LiveSession = { project, session, stream: new ProtocolStream(id), updates: new AcpUpdates(project.root) };
    sessions.set(id, live);
    return live;
  };
  const live = (id: string): LiveSession => {
    const s = sessions.get(id);
    if (!s) throw acp.RequestError.resourceNotFound(id);
    return s;
  };
  const send = (client: AgentContext, sessionId: string, update: acp.SessionUpdate) =>
    client.notify(acp.methods.client.session.update, { sessionId, update });
  /** The editor's slash menu: custom commands and skills, which the session expands when a prompt starts with one. */
  const advertiseCommands = (client: AgentContext, sessionId: string, s: LiveSession) => {
    const availableCommands = s.session.inputCommands().map((c) => ({ name: c.name, description: c.description, ...(c.hint ? { input: { hint: c.hint } } : {}) }));
    // After the response: a client learns the session id from it.
    if (availableCommands.length) setImmediate(() => void send(client, sessionId, { sessionUpdate: "available_commands_update", availableCommands }).catch(() => undefined));
  };

  const approver = (client: AgentContext, sessionId: string, s: LiveSession): Approver => async (req) => {
    // A subagent's question is about its task call (the client knows no nested calls), titled with who asks and what.
    const toolCall: acp.ToolCallUpdate = req.parent_tool_use_id
      ? { toolCallId: req.parent_tool_use_id, title: `${req.agent ?? "subagent"}: ${title(req.name, req.args)}`, kind: toolKind(req.name), rawInput: req.args }
      : { toolCallId: req.id, ...s.updates.toolCallFields(req.id), kind: toolKind(req.name), status: "pending", rawInput: req.args };
    const options = permissionOptions(req);
    const res = await client.request(acp.methods.client.session.requestPermission, { sessionId, toolCall, options });
    if (res.outcome.outcome !== "selected") return { decision: "no", reason: "the request was cancelled" };
    if (res.outcome.optionId === "allow_once") return { decision: "yes" };
    if (res.outcome.optionId === "allow_always") return { decision: "always" };
    return { decision: "no" };
  };

  const app = acp
    .agent({ name: "letta-code" })
    .onRequest(acp.methods.agent.initialize, ({ params }) => {
      fsCaps = params.clientCapabilities?.fs ?? {};
      return {
        protocolVersion: acp.PROTOCOL_VERSION,
        agentInfo: { name: "letta-code", version: process.env.npm_package_version ?? "0.1.0" },
        agentCapabilities: {
          loadSession: true,
          promptCapabilities: { image: false, audio: false, embeddedContext: true },
          mcpCapabilities: { http: true, sse: true },
        },
        authMethods: [],
      };
    })
    .onRequest(acp.methods.agent.session.new, ({ params, client }) => {
      const s = open(params.cwd, params.mcpServers);
      const info = s.session.info();
      for (const n of s.session.takeNotices?.() ?? []) warn(n);
      advertiseCommands(client, info.conversationId, s);
      return { sessionId: info.conversationId, modes: modes(info.permissionMode) };
    })
    .onRequest(acp.methods.agent.session.load, async ({ params, client }) => {
      const s = open(params.cwd, params.mcpServers, params.sessionId);
      // Replay the conversation so the editor shows it as it was.
      for (const t of s.session.recentTranscript(1000)) {
        const content = { type: "text" as const, text: t.content };
        if (t.role === "user") await send(client, params.sessionId, { sessionUpdate: "user_message_chunk", content });
        else if (t.role === "assistant") await send(client, params.sessionId, { sessionUpdate: "agent_message_chunk", content });
      }
      advertiseCommands(client, params.sessionId, s);
      return { modes: modes(s.session.info().permissionMode) };
    })
    .onRequest(acp.methods.agent.session.setMode, ({ params }) => {
      const mode = params.modeId as PermissionMode;
      if (!PERMISSION_MODES.includes(mode)) throw acp.RequestError.invalidParams({ modeId: params.modeId }, `modes: ${PERMISSION_MODES.join(", ")}`);
      live(params.sessionId).session.setPermissionMode(mode);
      return {};
    })
    .onRequest(acp.methods.agent.session.prompt, async ({ params, client }) => {
      const s = live(params.sessionId);
      s.turn?.abort();
      const turn = (s.turn = new AbortController());
      const files = clientFiles(client, params.sessionId, fsCaps);
      let reason: keyof typeof STOP = "error";
      let failure: string | undefined;
      for await (const internal of s.session.send(promptText(params.prompt), { signal: turn.signal, approve: approver(client, params.sessionId, s), files })) {
        const e = s.stream.event(internal);
        for (const u of s.updates.updates(e)) await send(client, params.sessionId, u);
        if (e.type === "done") {
          reason = e.reason;
          if (e.reason === "error") failure = e.result;
        }
      }
      if (s.turn === turn) s.turn = undefined;
      if (failure !== undefined && !turn.signal.aborted) throw acp.RequestError.internalError(undefined, failure);
      return { stopReason: turn.signal.aborted ? "cancelled" : STOP[reason] };
    })
    .onNotification(acp.methods.agent.session.cancel, ({ params }) => {
      sessions.get(params.sessionId)?.turn?.abort();
    });

  const connection = app.connect(acp.ndJsonStream(Writable.toWeb(output) as WritableStream<Uint8Array>, Readable.toWeb(process.stdin) as ReadableStream<Uint8Array>));
  const stop = () => connection.close();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    await connection.closed;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    for (const s of sessions.values()) s.turn?.abort();
    // Each session ends as every face's does: reflection gets its bounded moment, SessionEnd hooks run.
    await Promise.all([...sessions.values()].map((s) => s.session.endSession("exit")));
    for (const s of sessions.values()) s.session.close();
    for (const p of projects.values()) await p.shutdown();
  }
  return 0;
}
