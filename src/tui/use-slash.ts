/**
 * Running a slash command: finding it (built-ins, the CLI's, MCP prompts), refusing one that must
 * wait for the agent, and the SlashContext through which it reaches the rest of the TUI — including
 * the choice list, the editor hand-over and text put back into the input.
 */
import { useCallback, useState } from "react";
import type { AgentSession } from "../agent/session.js";
import type { ChoiceRequest } from "./choice-list.js";
import { editInEditor, type OpenEditor } from "./editor.js";
import { newId, type Item, type NoteLevel } from "./items.js";
import { errMessage, errorHint } from "./session-view.js";
import { findCommand, parseSlash, type AgentSwitcher, type PermissionsView, type SlashCommand, type SlashContext } from "./slash-commands.js";
import type { TermSize } from "./terminal-size.js";

export interface SlashDeps {
  commands: readonly SlashCommand[];
  /** Commands that come and go while the TUI runs (MCP prompts), looked up when typed. */
  dynamicSlash?: () => SlashCommand[];
  agents?: AgentSwitcher;
  permissions?: () => PermissionsView;
  openEditor?: OpenEditor;
  sessionRef: { readonly current: AgentSession };
  commit(item: Item): void;
  note(level: NoteLevel, text: string, hint?: string): void;
  repaint(): void;
  isBusy(): boolean;
  terminal(): TermSize;
  /** What a command may do to the rest of the TUI. */
  actions: Pick<SlashContext, "send" | "progress" | "clearView" | "switchSession" | "setModel" | "reflect" | "refresh" | "exit">;
}

export interface PendingChoice {
  id: number;
  request: ChoiceRequest;
  resolve(i: number | null): void;
}

export function useSlash({ commands, dynamicSlash, agents, permissions, openEditor, sessionRef, commit, note, repaint, isBusy, terminal, actions }: SlashDeps) {
  const [choice, setChoice] = useState<PendingChoice | null>(null);
  const [prefill, setPrefill] = useState<{ text: string; seq: number } | undefined>(undefined);
  /** The keyboard is handed to an external editor. */
  const [suspended, setSuspended] = useState(false);

  const editText = useCallback(
    async (initial: string, fileName: string): Promise<string | null> => {
      // Release the keyboard (raw mode off, Ink's reader detached) before handing the terminal over.
      setSuspended(true);
      await new Promise((r) => setTimeout(r, 30));
      try {
        return await editInEditor(initial, fileName, openEditor);
      } catch (e) {
        note("error", `Could not edit: ${errMessage(e)}`, "Set $EDITOR (or $VISUAL) to your editor, e.g. export EDITOR=nano.");
        return null;
      } finally {
        setSuspended(false);
        if (!openEditor) repaint();
      }
    },
    [note, openEditor, repaint],
  );

  const choose = useCallback(
    (request: ChoiceRequest) =>
      new Promise<number | null>((resolve) =>
        setChoice({
          // A new id per request remounts the list: a second question starts fresh.
          id: newId(),
          request,
          resolve: (i) => {
            setChoice(null);
            resolve(i);
          },
        }),
      ),
    [],
  );

  const runSlash = useCallback(
    async (text: string) => {
      const parsed = parseSlash(text);
      const cmd = parsed && (findCommand(commands, parsed.name) ?? findCommand(dynamicSlash?.() ?? [], parsed.name));
      if (!parsed || !cmd) {
        return note("warn", `Unknown command ${parsed ? "/" + parsed.name : text}.`, "Type /help to list commands.");
      }
      const busy = isBusy();
      if (busy && !cmd.whileBusy) return note("warn", `/${cmd.name} has to wait until the agent is done.`, "Press Esc to interrupt it.");
      const ctx: SlashContext = {
        ...actions,
        session: sessionRef.current,
        busy,
        commands,
        agents,
        permissions,
        note,
        panel: (title, rows) => commit({ kind: "panel", id: newId(), title, rows }),
        terminal,
        editText,
        choose,
        setInput: (t) => setPrefill((p) => ({ text: t, seq: (p?.seq ?? 0) + 1 })),
      };
      try {
        await cmd.run(parsed.args, ctx);
      } catch (e) {
        const msg = errMessage(e);
        note("error", `/${cmd.name} failed: ${msg}`, errorHint(msg));
      }
    },
    [agents, choose, commands, commit, dynamicSlash, editText, isBusy, note, permissions, sessionRef, terminal, actions],
  );

  return { runSlash, choice, prefill, suspended };
}
