import { askYesNo } from "./confirm.js";
import type { Project } from "../agent/open-project.js";
import { withAgentProject } from "./agent-project.js";
import { resolveConversation, SessionNotFoundError } from "../agent/conversations.js";
import { rewind, RewindError, type RewindDeps } from "../checkpoints/rewind.js";
import type { RestoreItem, RewindResult, TurnSummary } from "../checkpoints/types.js";
import { formatBytes } from "../tools/output-cap.js";
import type { RewindFlags } from "./rewind-command.js";
import { EXIT } from "./headless.js";

const out = (s: string) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`);
const warn = (s: string) => process.stderr.write(`letta-code: ${s}\n`);

/** Open the project (no model needed) and run `fn` with what a rewind needs; errors become exit codes. */
export function withRewindDeps(agentName: string | undefined, session: string | undefined, fn: (deps: RewindDeps, project: Project) => Promise<number> | number): Promise<number> {
  const isUsage = (err: unknown) => err instanceof RewindError || err instanceof SessionNotFoundError;
  return withAgentProject(agentName, isUsage, (project, agent) => {
    const conversationId = session ? resolveConversation(project.store, agent.id, session, agent.conversationId) : agent.conversationId;
    return fn({ store: project.store, checkpoints: project.checkpoints(), memory: project.memory(agent.id), agentId: agent.id, conversationId }, project);
  });
}

const firstWords = (text: string, n = 60) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > n ? `${flat.slice(0, n - 1)}…` : flat;
};

export function turnJson(t: TurnSummary) {
  return {
    turn_id: t.turnId,
    created_at: t.createdAt,
    text: t.text,
    pruned: t.pruned,
    files: t.files.map((f) => ({ path: f.path, change: f.change, source: f.source, restorable: f.restorable, restored: f.restored })),
  };
}

function fileLine(t: TurnSummary): string {
  if (t.files.length === 0) return "no files changed";
  return t.files
    .map((f) => `${f.change} ${f.path}${f.source === "shell" ? " (by a command)" : ""}${f.restored ? " (restored)" : !f.restorable ? " (not restorable)" : ""}`)
    .join(" · ");
}

function list(deps: RewindDeps, json: boolean): number {
  const cp = deps.checkpoints;
  const turns = cp.listTurns(deps.agentId, deps.conversationId);
  const prunedHere = deps.store.checkpoints.prunedCount(deps.agentId, deps.conversationId);
  const limits = { max_age_days: cp.settings.maxAgeDays, max_bytes: cp.settings.maxBytes };
  if (json) {
    out(JSON.stringify({
      agent_id: deps.agentId,
      session_id: deps.conversationId,
      turns: turns.map(turnJson),
      pruned: { turns: prunedHere, pruned_now: cp.pruned.prunedTurns, freed_bytes: cp.pruned.freedBytes, limits },
    }, null, 2));
    return EXIT.ok;
  }
  out(`Conversation ${deps.conversationId}: ${turns.length} turn${turns.length === 1 ? "" : "s"}`);
  for (const t of turns) {
    out(`  ${String(t.turnId).padStart(5)}  ${t.createdAt.replace("T", " ").slice(0, 16)}  ${firstWords(t.text)}${t.pruned ? "  [pruned: files no longer restorable]" : ""}`);
    out(`         ${fileLine(t)}`);
  }
  if (cp.pruned.prunedTurns) out(`Pruned just now: ${cp.pruned.prunedTurns} turn(s), ${formatBytes(cp.pruned.freedBytes)} freed.`);
  if (prunedHere) {
    out(`${prunedHere} turn(s) of this conversation are pruned (older than ${limits.max_age_days} days, or over ${formatBytes(limits.max_bytes)} of checkpoints).`);
  }
  if (turns.length) out("Rewind with: letta-code rewind <turn-id> [--code-only | --conversation-only] [--memory] [--yes]");
  return EXIT.ok;
}

async function confirm(conflicts: RestoreItem[]): Promise<boolean> {
  return (await askYesNo(`Changed by hand since: ${conflicts.map((c) => c.path).join(", ")}. Overwrite? [y/N] `, process.stderr)) === true;
}

function report(r: RewindResult, turn: number, json: boolean, conversation: boolean): void {
  if (json) {
    out(JSON.stringify({ turn_id: turn, restored: r.restored, deleted: r.deleted, skipped: r.skipped, evicted: r.evicted, memory: r.memory ?? null, text: r.text }, null, 2));
    return;
  }
  const parts: string[] = [];
  if (r.restored.length) parts.push(`restored ${r.restored.join(", ")}`);
  if (r.deleted.length) parts.push(`removed ${r.deleted.join(", ")}`);
  if (conversation) parts.push(`${r.evicted} message${r.evicted === 1 ? "" : "s"} left the context window (still searchable in recall)`);
  if (r.memory) parts.push(`memory: ${r.memory.blocks} block(s) restored, ${r.memory.passages} passage(s) removed`);
  out(`Rewound to before turn ${turn}: ${parts.length ? parts.join("; ") : "nothing to change"}.`);
  if (conversation) out(`The turn's message was:\n${r.text}`);
}

export async function runRewind(turn: string | undefined, o: RewindFlags, agentName: string | undefined): Promise<number> {
  if (o.codeOnly && o.conversationOnly) {
    warn("--code-only and --conversation-only contradict each other: give one of them (or neither, for both).");
    return EXIT.usage;
  }
  if (o.list && turn !== undefined) {
    warn("give either --list or a turn id.");
    return EXIT.usage;
  }
  if (!o.list && turn === undefined) {
    warn("which turn? `letta-code rewind --list` shows them; then `letta-code rewind <turn-id>`.");
    return EXIT.usage;
  }
  const id = turn === undefined ? NaN : Number(turn.replace(/^#/, ""));
  if (turn !== undefined && !Number.isInteger(id)) {
    warn(`"${turn}" is not a turn id (a number, as \`letta-code rewind --list\` shows).`);
    return EXIT.usage;
  }
  return withRewindDeps(agentName, o.session, async (deps) => {
    if (o.list) return list(deps, !!o.json);
    const opts = { code: !o.conversationOnly, conversation: !o.codeOnly, memory: !!o.memory, force: !!o.yes };
    // A second rewind of the same turn would "succeed" at nothing; like an unknown id, it is a usage error.
    const row = deps.store.checkpoints.get(id);
    if (row?.rewoundAt && row.agentId === deps.agentId && row.conversationId === deps.conversationId) {
      warn(`turn ${id} was already rewound (${row.rewoundAt.replace("T", " ").slice(0, 16)}); \`letta-code rewind --list\` shows the turns left.`);
      return EXIT.usage;
    }
    let r = rewind(deps, id, opts);
    if (r.needsConfirmation) {
      if (!(await confirm(r.needsConfirmation))) {
        warn(
          `not rewound: ${r.needsConfirmation.map((c) => c.path).join(", ")} changed since the agent wrote ${r.needsConfirmation.length === 1 ? "it" : "them"}. ` +
            "Run again with --yes to overwrite.",
        );
        return EXIT.failed;
      }
      r = rewind(deps, id, { ...opts, force: true });
    }
    for (const s of r.skipped) warn(`not restored: ${s.path}: ${s.reason}`);
    report(r, id, !!o.json, opts.conversation);
    return EXIT.ok;
  });
}
