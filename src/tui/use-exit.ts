/**
 * Quitting: Ctrl-C twice, /exit, or a second quit while the session ends. The session's end gives
 * reflection a moment (bounded) to save what was learned when it is due; a second quit leaves at once.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { useApp } from "ink";
import type { AgentSession } from "../agent/session.js";
import type { Busy } from "./session-events.js";
import type { QuitPhase } from "./use-turn.js";

export interface ExitDeps {
  sessionRef: { readonly current: AgentSession };
  /** Stop the turn in flight and answer a pending question. */
  quit(phase: QuitPhase): void;
  setBusy(b: Busy | null): void;
  onExit?(code: number): void;
}

const DOUBLE_PRESS_MS = 2000;

export function useExit({ sessionRef, quit, setBusy, onExit }: ExitDeps) {
  const { exit: inkExit } = useApp();
  const [exitHint, setExitHint] = useState(false);
  const exited = useRef(false);
  /** Quitting, waiting (briefly) for reflection to finish. */
  const leaving = useRef(false);
  const endAbort = useRef<AbortController | null>(null);
  const lastCtrlC = useRef(0);
  const hintTimer = useRef<NodeJS.Timeout | null>(null);
  useEffect(
    () => () => {
      if (hintTimer.current) clearTimeout(hintTimer.current);
    },
    [],
  );

  const leaveNow = useCallback(
    (code = 0) => {
      if (exited.current) return;
      exited.current = true;
      quit("gone");
      onExit?.(code);
      // Repaint without the "Ctrl-C again" hint first, so the last frame left on screen is clean.
      setExitHint(false);
      setTimeout(() => inkExit(), 0);
    },
    [inkExit, onExit, quit],
  );

  const exit = useCallback(
    (code = 0) => {
      if (exited.current) return;
      if (leaving.current) {
        endAbort.current?.abort();
        return leaveNow(code);
      }
      const s = sessionRef.current;
      if (!s.reflectionPending?.() || !s.endSession) return leaveNow(code);
      leaving.current = true;
      quit("leaving");
      setExitHint(false);
      setBusy({ label: "saving what was learned…", since: Date.now(), hint: "Ctrl-C leaves now" });
      const ac = (endAbort.current = new AbortController());
      void s.endSession("exit", { signal: ac.signal }).then(async () => {
        // Let Ink paint what was just learned first: it is the last frame left on screen.
        await new Promise((r) => setTimeout(r, 50));
        leaveNow(code);
      });
    },
    [leaveNow, quit, sessionRef, setBusy],
  );

  /** Ctrl-C: the first press warns, a second within two seconds quits. */
  const ctrlC = useCallback(() => {
    const now = Date.now();
    if (now - lastCtrlC.current < DOUBLE_PRESS_MS) return exit(0);
    lastCtrlC.current = now;
    setExitHint(true);
    if (hintTimer.current) clearTimeout(hintTimer.current);
    hintTimer.current = setTimeout(() => setExitHint(false), DOUBLE_PRESS_MS);
  }, [exit]);

  return { exit, ctrlC, exitHint };
}
