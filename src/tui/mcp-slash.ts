/**
 * `/mcp` (each server's status, tools and errors) and MCP prompts as slash commands
 * (`/mcp__server__prompt args`), which send the prompt's text as the user's message.
 */
import type { McpPromptInfo } from "../mcp/manager.js";
import type { ToolServerStatus } from "../tools/types.js";
import type { PanelRow } from "./items.js";
import type { SlashCommand } from "./slash-commands.js";
import { truncate, type Span } from "./text-layout.js";
import { theme, type ColorName } from "./theme.js";

export interface McpView {
  servers(): ToolServerStatus[];
  prompts(): McpPromptInfo[];
  renderPrompt(server: string, name: string, args: Record<string, string>): Promise<string>;
}

const dim = (text: string): Span => ({ text, dim: true });
const STATE_COLOR: Record<ToolServerStatus["state"], ColorName> = {
  connected: theme.ok,
  connecting: theme.accent,
  failed: theme.error,
  closed: theme.warn,
  skipped: theme.warn,
};

export function mcpCommand(view: McpView): SlashCommand {
  return {
    name: "mcp",
    description: "MCP servers: status, tools, prompts and errors",
    whileBusy: true,
    run(_args, ctx) {
      const servers = view.servers();
      if (servers.length === 0) {
        return ctx.note("dim", "No MCP servers configured.", "Add one with: letta-code mcp add <name> -- <command> [args...]");
      }
      const rows: PanelRow[] = [];
      // A list under its server: wrapped rows line up under the list's first entry, not at the margin.
      const listed = (label: string, text: string, style: Omit<Span, "text">): PanelRow => ({ spans: [{ ...style, text: `  ${label}${text}` }], hang: 2 + label.length });
      for (const s of servers) {
        rows.push([
          { text: s.name, bold: true },
          dim(`  ${s.scope} · ${s.transport} · `),
          { text: s.state, color: STATE_COLOR[s.state] },
          dim(s.state === "connected" ? ` · ${s.tools.length} tool${s.tools.length === 1 ? "" : "s"}` : ""),
        ]);
        if (s.error) rows.push(listed("", truncate(s.error, 300), { color: theme.warn }));
        if (s.tools.length) rows.push(listed("tools: ", truncate(s.tools.map((t) => `mcp__${s.name}__${t}`).join(", "), 400), { dim: true }));
        if (s.prompts.length) rows.push(listed("prompts: ", s.prompts.map((p) => `/mcp__${s.name}__${p}`).join(", "), { dim: true }));
      }
      rows.push([dim("letta-code mcp add|remove|approve|deny manages servers · rules like mcp__<server>__* allow a whole server")]);
      ctx.panel("MCP servers", rows);
    },
  };
}

/** `a=1 b="two words"` as named arguments, else positional in the prompt's order (the last takes the rest). */
export function promptArgs(text: string, spec: McpPromptInfo["arguments"]): Record<string, string> {
  const named = [...text.matchAll(/(\w+)=("([^"]*)"|\S+)/g)];
  if (named.length) return Object.fromEntries(named.map((m) => [m[1], m[3] ?? m[2]]));
  const words = text.trim() ? text.trim().split(/\s+/) : [];
  const out: Record<string, string> = {};
  spec.forEach((a, i) => {
    const v = i === spec.length - 1 ? words.slice(i).join(" ") : words[i];
    if (v) out[a.name] = v;
  });
  return out;
}

/** The servers' prompts right now (servers connect in the background, so this is asked each time). */
export function mcpPromptCommands(view: McpView): SlashCommand[] {
  return view.prompts().map((p) => ({
    // Typed names are matched lower-cased.
    name: p.command.toLowerCase(),
    usage: p.arguments.map((a) => (a.required ? `<${a.name}>` : `[${a.name}]`)).join(" ") || undefined,
    description: p.description ?? `prompt ${p.name} from MCP server ${p.server}`,
    async run(args, ctx) {
      const values = promptArgs(args, p.arguments);
      const missing = p.arguments.filter((a) => a.required && !values[a.name]).map((a) => a.name);
      if (missing.length) return ctx.note("warn", `/${p.command} needs ${missing.join(", ")}.`, `Usage: /${p.command} ${p.arguments.map((a) => `${a.name}=…`).join(" ")}`);
      try {
        const text = await view.renderPrompt(p.server, p.name, values);
        ctx.send(text, `/${p.command}${args.trim() ? ` ${args.trim()}` : ""}`);
      } catch (e) {
        ctx.note("error", `MCP prompt ${p.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    },
  }));
}
