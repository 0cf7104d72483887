/** What the status line shows: model, permission mode (Shift-Tab cycles it) and the session's numbers. */
import { useCallback, useRef, useState } from "react";
import { PERMISSION_MODES, type AgentSession, type PermissionMode } from "../agent/session.js";
import type { NoteLevel } from "./items.js";
import { errMessage, safeStats } from "./session-view.js";

export function useStatus(initial: AgentSession, sessionRef: { readonly current: AgentSession }, note: (level: NoteLevel, text: string) => void) {
  const [stats, setStats] = useState(() => safeStats(initial));
  const [model, setModel] = useState(() => initial.info().model);
  const [mode, setMode] = useState<PermissionMode>(() => initial.info().permissionMode);
  // Shift-Tab pressed twice between renders must move two steps.
  const modeRef = useRef(mode);
  modeRef.current = mode;

  const refresh = useCallback(() => setStats(safeStats(sessionRef.current)), [sessionRef]);
  const setContext = useCallback((c: { contextTokens: number; contextWindow: number }) => setStats((s) => ({ ...s, ...c })), []);

  /** Another session: everything read afresh from it. */
  const adopt = useCallback((s: AgentSession) => {
    const info = s.info();
    setModel(info.model);
    setMode(info.permissionMode);
    setStats(safeStats(s));
  }, []);

  const cycleMode = useCallback(() => {
    const i = PERMISSION_MODES.indexOf(modeRef.current);
    const next = PERMISSION_MODES[(i + 1) % PERMISSION_MODES.length]!;
    try {
      sessionRef.current.setPermissionMode(next);
      modeRef.current = next;
      setMode(next);
    } catch (e) {
      note("error", `Could not change the permission mode: ${errMessage(e)}`);
    }
  }, [note, sessionRef]);

  return { stats, model, mode, setModel, refresh, setContext, adopt, cycleMode };
}
