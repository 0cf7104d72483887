/**
 * The slash commands that come from files: the user's and the project's custom commands, and
 * `/hooks` and `/skills` that show what is in force and where each comes from.
 */
import type { Extensions } from "../extensions/extensions.js";
import type { CustomCommand } from "../extensions/commands.js";
import { BUILTIN_COMMANDS, findCommand, type SlashCommand } from "./slash-commands.js";
import type { Span } from "./text-layout.js";
import { truncate } from "./text-layout.js";
import { theme } from "./theme.js";

const dim = (text: string): Span => ({ text, dim: true });
const acc = (text: string): Span => ({ text, color: theme.accent });

export interface ExtensionView {
  extensions: Extensions;
}

function customCommand(cmd: CustomCommand): SlashCommand {
  return {
    name: cmd.name,
    usage: cmd.argumentHint,
    description: `${cmd.description} (${cmd.scope})`,
    // The session expands it (as it does for every face); the TUI only lists and completes it.
    run(args, ctx) {
      ctx.send(`/${cmd.name}${args.trim() ? ` ${args.trim()}` : ""}`);
    },
  };
}

const hooksCommand = (view: ExtensionView): SlashCommand => ({
  name: "hooks",
  description: "list the hooks in force and the file each comes from",
  whileBusy: true,
  run(_args, ctx) {
    const { hooks, skippedHookFiles } = view.extensions;
    const rows: Span[][] = [];
    if (!hooks.length) rows.push([dim("(no hooks; configure them under \"hooks\" in ~/.config/letta-code/config.json or .letta/config.json)")]);
    for (const h of hooks) {
      rows.push([acc(h.event.padEnd(17)), dim(h.matcher ? `${h.matcher}  ` : ""), { text: truncate(h.command, 120) }, dim(`  ${h.timeoutMs / 1000} s`)]);
      rows.push([dim(`  ${h.scope}: ${h.file}`)]);
    }
    for (const f of skippedHookFiles) rows.push([{ text: `not run (project not trusted): ${f}`, color: theme.warn }]);
    if (skippedHookFiles.length) rows.push([dim("`letta-code trust` lets this project's hooks run.")]);
    ctx.panel("Hooks", rows);
  },
});

const skillsCommand = (view: ExtensionView): SlashCommand => ({
  name: "skills",
  description: "list the skills the agent can load (load_skill)",
  whileBusy: true,
  run(_args, ctx) {
    const rows: Span[][] = [];
    const { skills } = view.extensions;
    if (!skills.length) rows.push([dim("(no skills; add a folder with a SKILL.md to .agents/skills/ or ~/.agents/skills/)")]);
    for (const s of skills) {
      rows.push([{ text: s.name, bold: true }, { text: `  ${truncate(s.description, 200)}` }]);
      rows.push([dim(`  ${s.scope}: ${s.file}`)]);
    }
    ctx.panel("Skills", rows);
  },
});

/**
 * The extra slash commands, and notices for custom commands that lose to a built-in of the same name
 * (a file in a repository must not be able to replace /help or /exit).
 */
export function extensionCommands(view: ExtensionView): { commands: SlashCommand[]; notices: string[] } {
  const own = [hooksCommand(view), skillsCommand(view)];
  const taken = [...BUILTIN_COMMANDS, ...own];
  const commands: SlashCommand[] = [...own];
  const notices: string[] = [];
  for (const c of view.extensions.commands) {
    if (findCommand(taken, c.name)) {
      notices.push(`Custom command /${c.name} (${c.file}) has a built-in's name; the built-in /${c.name} is used.`);
      continue;
    }
    commands.push(customCommand(c));
  }
  return { commands, notices };
}
