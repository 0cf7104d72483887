/**
 * The finished transcript: items printed once through <Static>, which tools are expanded, and the
 * generation that forces a full repaint (Static never redraws what it already wrote).
 */
import { useCallback, useRef, useState } from "react";
import { useStdout } from "ink";
import type { AgentSession } from "../agent/session.js";
import { newId, type Item, type NoteLevel, type ToolItem } from "./items.js";
import { headerItem, startItems } from "./session-view.js";
import { CLEAR_SCREEN } from "./terminal.js";

export interface Transcript {
  done: Item[];
  expanded: ReadonlySet<number>;
  generation: number;
  commit(item: Item): void;
  note(level: NoteLevel, text: string, hint?: string): void;
  /** Ctrl-L, /clear: the screen and the transcript start again from the header. */
  clearView(session: AgentSession): void;
  /** Another session: its header and recent exchanges, as at start. */
  restart(session: AgentSession, resumeLimit: number): void;
  /** Repaint everything (after a width change, an external editor, or expanding a finished tool). */
  repaint(): void;
  /** Ctrl-O: expand or fold the newest tool call, the live one if a tool is running. */
  toggleNewest(live?: ToolItem): void;
}

export function useTranscript(initial: () => Item[]): Transcript {
  const { write } = useStdout();
  const [done, setDone] = useState<Item[]>(initial);
  const doneRef = useRef(done);
  doneRef.current = done;
  const [generation, setGeneration] = useState(0);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(() => new Set());

  const commit = useCallback((item: Item) => setDone((d) => [...d, item]), []);
  const note = useCallback((level: NoteLevel, text: string, hint?: string) => commit({ kind: "note", id: newId(), level, text, hint }), [commit]);

  const startOver = useCallback(
    (items: Item[]) => {
      write(CLEAR_SCREEN);
      setDone(items);
      setExpanded(new Set());
      setGeneration((g) => g + 1);
    },
    [write],
  );
  const clearView = useCallback((s: AgentSession) => startOver([headerItem(s)]), [startOver]);
  const restart = useCallback((s: AgentSession, limit: number) => startOver(startItems(s, limit)), [startOver]);

  const repaint = useCallback(() => {
    write(CLEAR_SCREEN);
    setGeneration((g) => g + 1);
  }, [write]);

  const toggleNewest = useCallback(
    (live?: ToolItem) => {
      const target = live ?? [...doneRef.current].reverse().find((i) => i.kind === "tool");
      if (!target) return;
      setExpanded((prev) => {
        const next = new Set(prev);
        if (next.has(target.id)) next.delete(target.id);
        else next.add(target.id);
        return next;
      });
      // A finished tool sits in <Static>, already printed: re-render the transcript to change it.
      if (!live) repaint();
    },
    [repaint],
  );

  return { done, expanded, generation, commit, note, clearView, restart, repaint, toggleNewest };
}
