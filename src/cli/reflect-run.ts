import { EXIT } from "./headless.js";
import { changeLine, reflectAll, type ReflectAllResult } from "./reflect-all.js";
import { ConfigError, type ConfigLayer } from "../config/config.js";
import { NoModelError, Project } from "../agent/open-project.js";
import { StoreError } from "../store/db.js";

/** The JSON shape of `letta-code reflect --json` (snake_case like the -p result). */
export function reflectJson(r: ReflectAllResult) {
  return {
    status: r.status,
    changes: r.changes.map((c) => ({ label: c.label, action: c.action, before: c.before, after: c.after, reason: c.reason ?? null, event_id: c.eventId ?? null })),
    messages_reflected: r.messagesReflected,
    usage: { prompt_tokens: r.usage.promptTokens, completion_tokens: r.usage.completionTokens, total_tokens: r.usage.totalTokens },
    ...(r.message ? { message: r.message } : {}),
  };
}

export async function runReflectCommand(opts: { agent?: string; json: boolean; flags: ConfigLayer }): Promise<number> {
  const warn = (m: string) => process.stderr.write(`letta-code: ${m}\n`);
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  let project: Project | undefined;
  try {
    project = Project.open({ flags: opts.flags });
    const store = project.store;
    if (opts.agent && !store.agents.byName(opts.agent) && !store.agents.get(opts.agent)) {
      warn(`no agent named "${opts.agent}" in ${project.lettaDir}. Agents: ${project.agentNames()}.`);
      return EXIT.usage;
    }
    const agent = project.resolveAgent(opts.agent);
    if (project.config.reflection.mode === "off") {
      warn('reflection is off (config "reflection.mode"); set it to "manual" or "auto" to use letta-code reflect.');
      return EXIT.usage;
    }
    const session = project.session(agent);
    const r = await reflectAll(session, { trigger: "command", signal: controller.signal });
    if (opts.json) process.stdout.write(`${JSON.stringify(reflectJson(r))}\n`);
    else {
      for (const c of r.changes) process.stdout.write(`${changeLine(c)}\n`);
      if (r.changes.length === 0 && (r.status === "done" || r.status === "nothing")) {
        process.stdout.write(r.messagesReflected ? `nothing durable in ${r.messagesReflected} messages\n` : "nothing new to reflect on\n");
      }
    }
    if (r.status === "failed") {
      warn(r.message ?? "reflection failed.");
      return EXIT.failed;
    }
    if (r.status === "interrupted") {
      warn("interrupted; the lease was released and the messages will be reflected on next time.");
      return EXIT.interrupted;
    }
    if (r.message && r.status !== "nothing") warn(r.message);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof NoModelError || err instanceof ConfigError) {
      warn(err.message);
      return EXIT.usage;
    }
    if (err instanceof StoreError) {
      warn(err.message);
      return EXIT.failed;
    }
    throw err;
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
    project?.close();
  }
}
