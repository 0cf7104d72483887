/** /rewind, /resume, /fork and /sessions: checkpoints and conversations from the TUI. */
import type { RewindOptions, TurnSummary } from "../checkpoints/types.js";
import type { SlashCommand, SlashContext } from "./slash-commands.js";
import { truncate, type Span } from "./text-layout.js";
import { theme } from "./theme.js";

const when = (iso: string) => iso.replace("T", " ").slice(0, 16);
const oneLine = (s: string) => s.replace(/\s+/g, " ").trim();

function filesDetail(t: TurnSummary): string {
  if (t.pruned) return "pruned: its files can no longer be restored";
  if (t.files.length === 0) return "no files changed";
  return t.files
    .map((f) => `${f.change} ${f.path}${f.source === "shell" ? " (command)" : ""}${f.restored ? " (restored)" : !f.restorable ? " (not restorable)" : ""}`)
    .join(" · ");
}

const ACTIONS: { label: string; detail: string; opts: Omit<RewindOptions, "force"> }[] = [
  { label: "Restore code and conversation", detail: "files back as they were; later messages leave the context (still in recall)", opts: { code: true, conversation: true, memory: false } },
  { label: "Restore code only", detail: "files back as they were; the conversation stays", opts: { code: true, conversation: false, memory: false } },
  { label: "Restore conversation only", detail: "later messages leave the context; files stay as they are", opts: { code: false, conversation: true, memory: false } },
  { label: "Restore code, conversation and memory", detail: "also undoes memory edits and archival passages made since", opts: { code: true, conversation: true, memory: true } },
];

async function rewindTo(ctx: SlashContext, t: TurnSummary): Promise<void> {
  const s = ctx.session;
  const a = await ctx.choose({ title: `Rewind to before “${truncate(oneLine(t.text), 50)}” (${when(t.createdAt)})`, choices: ACTIONS });
  if (a === null) return ctx.note("dim", "Rewind cancelled.");
  const opts = ACTIONS[a]!.opts;
  let r = s.rewind!(t.turnId, opts);
  if (r.needsConfirmation) {
    const paths = r.needsConfirmation.map((i) => i.path).join(", ");
    const c = await ctx.choose({
      title: `Changed by hand since the agent wrote ${r.needsConfirmation.length === 1 ? "it" : "them"}: ${paths}`,
      choices: [{ label: "Keep my changes (cancel the rewind)" }, { label: "Overwrite them with the version from before the turn" }],
    });
    if (c !== 1) return ctx.note("dim", "Rewind cancelled; nothing was changed.");
    r = s.rewind!(t.turnId, { ...opts, force: true });
  }
  const parts: string[] = [];
  if (r.restored.length) parts.push(`restored ${r.restored.join(", ")}`);
  if (r.deleted.length) parts.push(`removed ${r.deleted.join(", ")}`);
  if (opts.conversation) parts.push(`${r.evicted} message${r.evicted === 1 ? "" : "s"} left the context (still searchable)`);
  if (r.memory) parts.push(`memory: ${r.memory.blocks} block(s), ${r.memory.passages} passage(s) undone`);
  if (opts.conversation) ctx.switchSession(s);
  ctx.note("ok", `Rewound to before the turn: ${parts.length ? parts.join("; ") : "nothing to change"}.`, opts.conversation ? "The turn's message is back in the input: edit and resend it." : undefined);
  for (const k of r.skipped) ctx.note("warn", `Not restored: ${k.path} (${k.reason}).`);
  if (opts.conversation) ctx.setInput(r.text);
  ctx.refresh();
}

const rewind: SlashCommand = {
  name: "rewind",
  aliases: ["undo"],
  description: "undo a turn: restore code and/or conversation to before it (also Esc twice on an empty input)",
  async run(_args, ctx) {
    const s = ctx.session;
    if (!s.turns || !s.rewind) return ctx.note("warn", "Rewind is not available in this session.");
    const turns = [...s.turns()].reverse();
    if (turns.length === 0) return ctx.note("dim", "Nothing to rewind yet: this conversation has no turns.");
    const i = await ctx.choose({
      title: "Rewind to before which turn? (newest first)",
      choices: turns.map((t) => ({ label: `${when(t.createdAt)}  ${truncate(oneLine(t.text), 70)}`, detail: filesDetail(t) })),
    });
    if (i === null) return;
    await rewindTo(ctx, turns[i]!);
  },
};

const resume: SlashCommand = {
  name: "resume",
  usage: "[id]",
  description: "continue another conversation of this agent (a picker without an id)",
  async run(args, ctx) {
    const s = ctx.session;
    if (!s.sessions || !s.resume) return ctx.note("warn", "Sessions are not available here.");
    // `--resume --fork-session` without an id: pick, then continue in a copy of the pick.
    const fork = /(^|\s)--fork(\s|$)/.test(args);
    let id = args.replace(/(^|\s)--fork(\s|$)/, " ").trim();
    if (!id) {
      // A subagent's run is not a conversation to continue (Claude Code's resume hides its side chains too).
      const list = s.sessions().filter((c) => !c.subagentRun);
      if (list.length === 0) return ctx.note("dim", "No conversations yet.");
      const current = s.info().conversationId;
      const i = await ctx.choose({
        title: "Resume which conversation? (newest first)",
        choices: list.map((c) => ({
          label: `${c.id === current ? "● " : ""}${when(c.lastActiveAt)}  ${truncate(oneLine(c.firstUserMessage) || "(no user message)", 60)}`,
          detail: `${c.id} · ${c.messageCount} messages · started ${when(c.startedAt)}`,
        })),
      });
      if (i === null) return;
      id = list[i]!.id;
    }
    const full = s.resume(id);
    const copy = fork && s.fork ? s.fork() : undefined;
    ctx.switchSession(s);
    ctx.note("ok", copy ? `Resumed ${full} in a copy: ${copy}.` : `Resumed conversation ${full}.`);
  },
};

const fork: SlashCommand = {
  name: "fork",
  description: "continue in a new conversation that starts with a copy of this one (the original stays as it is)",
  run(_args, ctx) {
    const s = ctx.session;
    if (!s.fork) return ctx.note("warn", "Forking is not available here.");
    const from = s.info().conversationId;
    const id = s.fork();
    ctx.switchSession(s);
    ctx.note("ok", `Forked ${from} into ${id}; you are in the copy now.`, "/resume goes back to the original.");
  },
};

const sessions: SlashCommand = {
  name: "sessions",
  description: "list this agent's conversations",
  whileBusy: true,
  run(_args, ctx) {
    const s = ctx.session;
    if (!s.sessions) return ctx.note("warn", "Sessions are not available here.");
    const current = s.info().conversationId;
    const rows: Span[][] = s.sessions().map((c) => [
      c.id === current ? { text: "● ", color: theme.ok } : { text: "  " },
      { text: c.id, bold: c.id === current },
      { text: `  ${when(c.lastActiveAt)} · ${c.messageCount} msgs  `, dim: true },
      ...(c.subagentRun ? [{ text: `↳ ${c.subagentRun.subagent}  `, color: theme.tool }] : []),
      { text: truncate(oneLine(c.firstUserMessage), 60) },
    ]);
    if (rows.length === 0) rows.push([{ text: "(no conversations yet)", dim: true }]);
    rows.push([{ text: "/resume [id] continues one · /fork copies this one", dim: true }]);
    ctx.panel("Conversations", rows);
  },
};

const team: SlashCommand = {
  name: "team",
  description: "team memory: joined or not, server, last sync, changes waiting to be pushed, last error",
  whileBusy: true,
  run(_args, ctx) {
    const lines = ctx.session.teamStatus?.() ?? ["Team memory is not available in this session."];
    ctx.panel("Team", lines.map((l) => [{ text: l }]));
  },
};

export const SESSION_COMMANDS: readonly SlashCommand[] = [rewind, resume, fork, sessions, team];
