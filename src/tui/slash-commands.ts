/**
 * Slash commands. Each is a name, a one-line description and a `run` that talks to the
 * session and prints into the transcript through SlashContext (so commands know nothing
 * about Ink). The CLI may add its own through runTui's `extraSlash` option.
 */
import type { AgentSession, PermissionMode, SendOptions } from "../agent/session.js";

/** What a slash command may set for the one turn it starts (a custom command's allowed-tools, model). */
export type TurnSendOptions = Pick<SendOptions, "allowTools" | "model">;
import type { NoteLevel, PanelRow } from "./items.js";
import type { TermSize } from "./terminal-size.js";
import { initPrompt, rememberPrompt } from "./prompts.js";
import { instructionFileLabel } from "../agent/instructions.js";
import { compactNumber, contextBar } from "./status-spans.js";
import { truncate, type Span } from "./text-layout.js";
import { theme } from "./theme.js";
import { eventSubject } from "../memory/history-event.js";
import type { ChoiceRequest } from "./choice-list.js";
import { SESSION_COMMANDS } from "./session-commands.js";
import { helpCommand } from "./help-command.js";

export interface AgentSwitcher {
  list(): { name: string; id: string; current: boolean }[];
  switchTo(name: string): Promise<AgentSession>;
  create(name: string): Promise<AgentSession>;
}

export interface PermissionsView {
  mode: PermissionMode;
  allow: string[];
  deny: string[];
}

export interface SlashContext {
  session: AgentSession;
  busy: boolean;
  commands: readonly SlashCommand[];
  agents?: AgentSwitcher;
  permissions?: () => PermissionsView;
  note(level: NoteLevel, text: string, hint?: string): void;
  panel(title: string | undefined, rows: PanelRow[]): void;
  /** The terminal's size now (a panel that lists a lot fits itself to it). */
  terminal(): TermSize;
  /** Start a turn with `text`; `display` is what the transcript shows as the user's message. */
  send(text: string, display?: string, opts?: TurnSendOptions): void;
  /** Run a long operation with a progress line (and Esc to cancel). */
  progress<T>(label: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Edit text in $EDITOR with Ink's input suspended; null when cancelled or failed. */
  editText(initial: string, fileName: string): Promise<string | null>;
  clearView(): void;
  /** Let the user pick one entry; null when cancelled. */
  choose(request: ChoiceRequest): Promise<number | null>;
  /** Put text in the input box for the user to edit (a rewound turn's message). */
  setInput(text: string): void;
  switchSession(session: AgentSession): void;
  setModel(name: string): void;
  /** Start a reflection pass in the background (changes appear as they land); resolves when it ends. */
  reflect(trigger: "manual"): Promise<void>;
  refresh(): void;
  exit(code?: number): void;
}

export interface SlashCommand {
  name: string;
  aliases?: string[];
  usage?: string;
  description: string;
  /** Read-only views can run while a turn is in progress. */
  whileBusy?: boolean;
  run(args: string, ctx: SlashContext): void | Promise<void>;
}

const dim = (text: string): Span => ({ text, dim: true });
const acc = (text: string): Span => ({ text, color: theme.accent });

function usageBar(chars: number, limit: number): Span[] {
  const { bar, pct, color } = contextBar(chars, limit, 8);
  return [{ text: bar, color }, dim(` ${chars}/${limit} chars (${pct}%)`)];
}

const memory: SlashCommand = {
  name: "memory",
  usage: "[edit|share|unshare <label> | history [label] | undo <id>]",
  description:
    "show core memory blocks with usage; `edit <label>` opens one in $EDITOR; `share <label>` makes it follow you into every project; " +
    "`history` lists memory changes (who, why); `undo <id>` reverts one",
  whileBusy: true,
  async run(args, ctx) {
    const [sub, label] = args.trim().split(/\s+/);
    const core = ctx.session.memory.core;
    if (sub === "edit") {
      if (!label) return ctx.note("warn", "Which block?", "Usage: /memory edit <label>, e.g. /memory edit project");
      if (ctx.busy) return ctx.note("warn", "Can't edit memory while the agent is working.", "Wait for the turn to finish, or press Esc to interrupt.");
      const block = core.get(label);
      if (block?.readOnly) return ctx.note("warn", `The ${label} block is read-only.`);
      const edited = await ctx.editText(block?.value ?? "", `${label}.md`);
      if (edited === null) return;
      const value = edited.replace(/\n+$/, "");
      if (block && value === block.value) return ctx.note("dim", `${label} unchanged.`);
      const saved = core.set(label, value, block ? { limit: block.limit, description: block.description } : undefined);
      ctx.refresh();
      const over = saved.value.length > saved.limit;
      return ctx.note(
        over ? "warn" : "ok",
        `${block ? "Saved" : "Created"} ${label}: ${saved.value.length}/${saved.limit} chars.`,
        over ? "The block is over its limit; the agent will be asked to condense it." : undefined,
      );
    }
    if (sub === "share" || sub === "unshare") {
      if (!label) return ctx.note("warn", "Which block?", `Usage: /memory ${sub} <label>, e.g. /memory ${sub} human`);
      const act = sub === "share" ? core.share : core.unshare;
      if (!act) return ctx.note("warn", "Sharing blocks across projects is not available in this session.");
      try {
        act.call(core, label);
      } catch (e) {
        return ctx.note("warn", e instanceof Error ? e.message : String(e));
      }
      ctx.refresh();
      return ctx.note("ok", sub === "share" ? `${label} now follows you into every project (kept in ~/.letta).` : `${label} is no longer shared; this project keeps its text.`);
    }
    if (sub === "history") return memoryHistory(label, ctx);
    if (sub === "undo") {
      if (!label) return ctx.note("warn", "Which change?", "Usage: /memory undo <id>, with an id from /memory history");
      if (ctx.busy) return ctx.note("warn", "Can't undo a memory change while the agent is working.", "Wait for the turn to finish, or press Esc to interrupt.");
      const history = ctx.session.memory.history;
      if (!history) return ctx.note("warn", "Memory history is not available in this session.");
      try {
        const e = await history.undo(label);
        ctx.refresh();
        return ctx.note("ok", `Undid ${e.undoes}: ${eventSubject(e)} is back as it was.`, `/memory undo ${e.id} redoes it`);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        return ctx.note("warn", message, /--force/.test(message) ? "`letta-code memory undo <id> --force` reverts it anyway" : undefined);
      }
    }
    if (sub && sub !== "show") {
      return ctx.note("warn", `Unknown /memory option "${sub}".`, "Usage: /memory, /memory edit <label>, /memory share <label>, /memory history, /memory undo <id>");
    }
    const blocks = core.list();
    const rows: Span[][] = [];
    if (blocks.length === 0) rows.push([dim("(no core memory blocks yet)")]);
    for (const b of blocks) {
      rows.push([{ text: b.label, bold: true, color: theme.memory }, { text: "  " }, ...usageBar(b.value.length, b.limit), dim(`${b.readOnly ? "  read-only" : ""}${b.shared ? "  shared across projects" : ""}`)]);
      if (b.description) rows.push([dim(truncate(b.description, 200))]);
      const lines = b.value.split("\n");
      for (const l of lines.slice(0, 8)) rows.push([{ text: "│ " + l, dim: false }]);
      if (lines.length > 8) rows.push([dim(`│ … ${lines.length - 8} more lines`)]);
      rows.push([]);
    }
    let archival = 0;
    let recall = 0;
    try {
      archival = ctx.session.memory.archival.count();
      recall = ctx.session.memory.recall.count();
    } catch {
      // counts are a nicety
    }
    rows.push([dim(`archival: ${archival} passages · recall: ${recall} messages`)]);
    const files = ctx.session.instructionFiles?.() ?? [];
    const root = ctx.session.info().projectRoot;
    rows.push([dim(`instruction files: ${files.length ? files.map((f) => instructionFileLabel(f, root)).join(", ") : "none (AGENTS.md, CLAUDE.md … at the project root)"}`)]);
    rows.push([dim("/memory edit <label> edits a block · /search <query> searches archival · /forget <id> deletes a passage")]);
    ctx.panel("Core memory", rows);
  },
};

/** The newest memory changes: id, when, who, what, why. */
function memoryHistory(label: string | undefined, ctx: SlashContext): void {
  const history = ctx.session.memory.history;
  if (!history) return ctx.note("warn", "Memory history is not available in this session.");
  const events = history.log({ label, limit: 20 });
  if (events.length === 0) return ctx.note("dim", label ? `No changes to ${label} yet.` : "No memory changes yet.");
  const rows: Span[][] = events.map((e) => [
    acc(e.id),
    dim(`  ${e.at.replace("T", " ").slice(0, 16)}  `),
    { text: e.actor.padEnd(10), color: e.actor === "user" ? undefined : theme.memory },
    { text: `${e.op} ${eventSubject(e)}`, bold: true },
    dim(e.undoes ? ` (undoes ${e.undoes})` : ""),
    ...(e.reason ? [dim(`  — ${truncate(e.reason, 80)}`)] : []),
  ]);
  rows.push([], [dim("/memory undo <id> reverts a change · `letta-code memory diff <id>` shows it in full")]);
  ctx.panel(label ? `Memory history: ${label}` : "Memory history", rows);
}

const search: SlashCommand = {
  name: "search",
  usage: "<query>",
  description: "search archival memory (no model call)",
  whileBusy: true,
  async run(args, ctx) {
    const q = args.trim();
    if (!q) return ctx.note("warn", "Search for what?", "Usage: /search <query>");
    const hits = await ctx.session.memory.archival.search(q, { topK: 10 });
    if (hits.length === 0) return ctx.note("dim", `No archival passages match "${q}".`);
    const rows: Span[][] = [];
    for (const p of hits) {
      const meta = [p.createdAt.slice(0, 10), p.tags.length ? `[${p.tags.join(", ")}]` : "", p.score !== undefined ? `score ${p.score.toFixed(3)}` : ""].filter(Boolean).join(" · ");
      rows.push([acc(`#${p.id}`), dim(`  ${meta}`)]);
      rows.push([{ text: truncate(p.text.replace(/\s+/g, " "), 300) }]);
    }
    rows.push([dim("/forget <id> deletes a passage")]);
    ctx.panel(`Archival memory: ${hits.length} result${hits.length === 1 ? "" : "s"} for "${q}"`, rows);
  },
};

const forget: SlashCommand = {
  name: "forget",
  usage: "[id]",
  description: "delete an archival passage; without an id, list recent passages",
  whileBusy: true,
  run(args, ctx) {
    const a = args.trim().replace(/^#/, "");
    const archival = ctx.session.memory.archival;
    if (!a) {
      const recent = archival.list({ limit: 10 });
      if (recent.length === 0) return ctx.note("dim", "Archival memory is empty.");
      const rows = recent.map((p): Span[] => [acc(`#${p.id}`.padEnd(7)), dim(p.createdAt.slice(0, 10) + "  "), { text: truncate(p.text.replace(/\s+/g, " "), 200) }]);
      rows.push([dim("/forget <id> deletes one")]);
      return ctx.panel("Recent archival passages", rows);
    }
    const id = Number(a);
    if (!Number.isInteger(id) || id <= 0) return ctx.note("warn", `"${a}" is not a passage id.`, "Use /forget to list passages with their ids.");
    if (archival.delete(id)) {
      ctx.refresh();
      ctx.note("ok", `Forgot archival passage #${id}.`);
    } else ctx.note("warn", `No archival passage #${id}.`, "Use /forget to list passages with their ids.");
  },
};

const compact: SlashCommand = {
  name: "compact",
  description: "summarise older messages now to free context",
  async run(_args, ctx) {
    const ev = await ctx.progress("compacting the conversation…", (signal) => ctx.session.compact(signal));
    ctx.refresh();
    if (!ev) return ctx.note("dim", "Nothing to compact yet.");
    // What left the window is distilled into memory too: the session schedules that (automatic mode).
    ctx.note("ok", `Compacted: summarised ${ev.evicted} messages (${compactNumber(ev.tokensBefore)} → ${compactNumber(ev.tokensAfter)} tokens). They stay searchable in recall memory.`);
  },
};

const clear: SlashCommand = {
  name: "clear",
  description: "start a new conversation (memory is kept) and clear the screen",
  run(_args, ctx) {
    ctx.session.newConversation();
    ctx.clearView();
    ctx.refresh();
    ctx.note("ok", "Started a new conversation. Memory is kept.");
  },
};

const model: SlashCommand = {
  name: "model",
  usage: "[name]",
  description: "show or switch the model",
  whileBusy: true,
  run(args, ctx) {
    const name = args.trim();
    const info = ctx.session.info();
    if (!name) return ctx.note("info", `Model: ${info.model} (${info.baseURL}), context window ${compactNumber(info.contextWindow)} tokens.`, "/model <name> switches.");
    if (ctx.busy) return ctx.note("warn", "Can't switch models during a turn.", "Wait for it to finish, or press Esc to interrupt.");
    ctx.session.setModel(name);
    ctx.setModel(name);
    ctx.note("ok", `Model set to ${name}.`);
  },
};

/** The subagents the task tool can start: name, scope, tools, where each was defined. */
function subagentPanel(ctx: SlashContext): void {
  const defs = ctx.session.subagents?.() ?? [];
  if (defs.length === 0) return;
  const w = Math.max(...defs.map((d) => d.name.length)) + 2;
  const rows: Span[][] = [];
  for (const d of defs) {
    rows.push([acc(d.name.padEnd(w)), { text: d.description }]);
    const tools = d.tools ? d.tools.join(", ") || "(none)" : "the parent's tools";
    rows.push([{ text: " ".repeat(w) }, dim(`${d.scope} · tools: ${tools} · memory: ${d.memory}${d.model ? ` · model: ${d.model}` : ""}${d.file ? ` · ${d.file}` : ""}`)]);
  }
  rows.push([dim("Define more in .letta/agents/ or .claude/agents/ (trusted projects) or ~/.config/letta-code/agents/ (you).")]);
  ctx.panel("Subagents", rows);
}

const agents: SlashCommand = {
  name: "agents",
  usage: "[switch <name> | new <name>]",
  description: "list the subagents and the agents in this project, switch to one, or create one",
  async run(args, ctx) {
    if (!args.trim()) subagentPanel(ctx);
    if (!ctx.agents) return ctx.note("warn", "Agent switching is unavailable in this session.", "Start letta-code with --agent <name> to pick an agent.");
    const parts = args.trim().split(/\s+/).filter(Boolean);
    let [sub, name] = parts;
    if (sub && sub !== "switch" && sub !== "new" && sub !== "create" && !name) [sub, name] = ["switch", sub];
    if (!sub) {
      const list = ctx.agents.list();
      const rows = list.map((a): Span[] => [a.current ? { text: "● ", color: theme.ok } : { text: "  " }, { text: a.name, bold: a.current }, dim(`  ${a.id}`)]);
      if (rows.length === 0) rows.push([dim("(no agents)")]);
      rows.push([dim("/agents switch <name> · /agents new <name>")]);
      return ctx.panel("Agents", rows);
    }
    if (!name) return ctx.note("warn", "Which agent?", "Usage: /agents switch <name> or /agents new <name>");
    const next = sub === "switch" ? await ctx.agents.switchTo(name) : await ctx.agents.create(name);
    ctx.switchSession(next);
    ctx.note("ok", `${sub === "switch" ? "Switched to" : "Created and switched to"} agent ${next.info().agentName}.`);
  },
};

const init: SlashCommand = {
  name: "init",
  description: "have the agent study the repository and fill the project memory block",
  run(_args, ctx) {
    const root = ctx.session.info().projectRoot;
    const files = (ctx.session.instructionFiles?.() ?? []).map((f) => instructionFileLabel(f, root));
    ctx.send(initPrompt(files), "/init — study the repository and record it in the project memory block");
  },
};

const remember: SlashCommand = {
  name: "remember",
  usage: "<text>",
  description: "ask the agent to store something in memory",
  run(args, ctx) {
    const t = args.trim();
    if (!t) return ctx.note("warn", "Remember what?", "Usage: /remember <text>");
    ctx.send(rememberPrompt(t), `/remember ${t}`);
  },
};

const permissions: SlashCommand = {
  name: "permissions",
  description: "show the permission mode and allow / deny rules",
  whileBusy: true,
  run(_args, ctx) {
    const view = ctx.permissions?.() ?? { mode: ctx.session.info().permissionMode, allow: [], deny: [] };
    const rows: Span[][] = [[dim("mode   "), { text: view.mode, bold: true }, dim("   (Shift+Tab cycles)")]];
    rows.push([dim("allow  "), { text: view.allow.length ? view.allow.join(", ") : "(none)", color: view.allow.length ? theme.ok : undefined }]);
    rows.push([dim("deny   "), { text: view.deny.length ? view.deny.join(", ") : "(none)", color: view.deny.length ? theme.error : undefined }]);
    if (!ctx.permissions) rows.push([dim("(rules are not available in this session)")]);
    rows.push([dim("Answer an approval with “2. Yes, and don't ask again” to add an allow rule.")]);
    ctx.panel("Permissions", rows);
  },
};

const cost: SlashCommand = {
  name: "cost",
  description: "tokens used in this session",
  whileBusy: true,
  run(_args, ctx) {
    const s = ctx.session.stats();
    const u = s.sessionUsage;
    ctx.panel("Session usage", [
      [dim("prompt      "), { text: u.promptTokens.toLocaleString("en-US") }],
      [dim("completion  "), { text: u.completionTokens.toLocaleString("en-US") }],
      [dim("total       "), { text: u.totalTokens.toLocaleString("en-US"), bold: true }],
      [dim("context     "), { text: `${compactNumber(s.contextTokens)} / ${compactNumber(s.contextWindow)} tokens` }],
      ...(s.reflectionUsage
        ? [
            [
              dim("reflection  "),
              { text: s.reflectionUsage.totalTokens.toLocaleString("en-US") },
              dim(
                ` this session · ${(s.reflectionToday ?? 0).toLocaleString("en-US")} today` +
                  (s.reflectionCap ? ` of ${s.reflectionCap.toLocaleString("en-US")} (daily cap)` : ""),
              ),
            ],
          ]
        : []),
    ]);
  },
};

const reflect: SlashCommand = {
  name: "reflect",
  description: "distil the conversation into memory now (runs in the background; it also runs on its own every few turns)",
  whileBusy: true,
  async run(_args, ctx) {
    if (!ctx.session.reflect) return ctx.note("warn", "Reflection is not available in this session.");
    await ctx.reflect("manual");
  },
};

const exit: SlashCommand = {
  name: "exit",
  aliases: ["quit"],
  description: "leave letta-code",
  whileBusy: true,
  run(_args, ctx) {
    ctx.exit(0);
  },
};

export const BUILTIN_COMMANDS: readonly SlashCommand[] = [helpCommand, memory, search, forget, remember, compact, clear, ...SESSION_COMMANDS, model, agents, init, reflect, permissions, cost, exit];

/** Built-ins plus extras (an extra with a built-in's name replaces it). */
export function commandList(extra: readonly SlashCommand[] = []): SlashCommand[] {
  const names = new Set(extra.map((c) => c.name));
  return [...BUILTIN_COMMANDS.filter((c) => !names.has(c.name)), ...extra];
}

/** Completion entries: names and aliases (`/quit` completes too). */
export function completionEntries(commands: readonly SlashCommand[]): { name: string; description: string; usage?: string }[] {
  const out: { name: string; description: string; usage?: string }[] = [];
  for (const c of commands) {
    out.push({ name: c.name, description: c.description, usage: c.usage });
    for (const a of c.aliases ?? []) if (/^[\w-]+$/.test(a)) out.push({ name: a, description: c.description, usage: c.usage });
  }
  return out;
}

export function parseSlash(text: string): { name: string; args: string } | null {
  const m = /^\/(\S+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!m) return null;
  return { name: m[1]!.toLowerCase(), args: m[2] ?? "" };
}

export function findCommand(commands: readonly SlashCommand[], name: string): SlashCommand | undefined {
  return commands.find((c) => c.name === name || c.aliases?.includes(name));
}
