import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Project } from "../../src/agent/open-project.js";
import type { AgentEvent } from "../../src/agent/events.js";
import type { ConfigLayer } from "../../src/config/config.js";
import type { AgentSession, SendOptions, PermissionMode } from "../../src/agent/session.js";
import { startScriptedServer, type ScriptedServer } from "./llm-server.mjs";
import { tempDir } from "./temp.js";
import { afterEachTest } from "./after-each.js";

const open: { close(): unknown }[] = [];
afterEachTest("harness servers and projects", 2, async () => {
  while (open.length) await open.pop()!.close();
});

export interface Harness {
  server: ScriptedServer;
  root: string;
  project: Project;
  session: AgentSession;
  /** Reopen the project from disk, as a new process would. */
  reopen(opts?: { mode?: PermissionMode; contextWindow?: number }): { project: Project; session: AgentSession };
}

/** A project in a temp dir wired to a scripted OpenAI-compatible server (real `openai` client). */
export async function harness(
  opts: { mode?: PermissionMode; contextWindow?: number; maxSteps?: number; server?: ScriptedServer; flags?: ConfigLayer } = {},
): Promise<Harness> {
  const server = opts.server ?? (await startScriptedServer());
  if (!opts.server) open.push(server);
  const root = tempDir("letta-agent-");
  mkdirSync(join(root, ".git"));
  writeFileSync(join(root, "README.md"), "# demo\n");
  const make = (o: { mode?: PermissionMode; contextWindow?: number }) => {
    const project = Project.open({
      cwd: root,
      env: { HOME: root, LETTA_CODE_EMBEDDING_PATH: join(root, "no-models") },
      flags: {
        model: "scripted-model",
        baseURL: server.url,
        contextWindow: o.contextWindow ?? opts.contextWindow,
        maxSteps: opts.maxSteps,
        // The session reflects on its own in "auto" mode, and a background pass would take the next
        // scripted reply: tests of reflection scheduling ask for "auto" themselves.
        ...opts.flags,
        reflection: { mode: "manual", ...opts.flags?.reflection },
      },
    });
    open.push(project);
    const session = project.session(project.resolveAgent(), { mode: o.mode ?? opts.mode ?? "ask" });
    return { project, session };
  };
  const first = make({});
  return { server, root, ...first, reopen: (o = {}) => make(o) };
}

export async function collect(session: AgentSession, text: string, opts?: SendOptions): Promise<AgentEvent[]> {
  const events: AgentEvent[] = [];
  for await (const e of session.send(text, opts)) events.push(e);
  return events;
}

export function doneOf(events: AgentEvent[]): Extract<AgentEvent, { type: "done" }> {
  const d = events.find((e) => e.type === "done");
  if (!d || d.type !== "done") throw new Error(`no done event in ${JSON.stringify(events.map((e) => e.type))}`);
  return d;
}

export function toolResults(events: AgentEvent[]) {
  return events.filter((e): e is Extract<AgentEvent, { type: "tool_result" }> => e.type === "tool_result");
}
