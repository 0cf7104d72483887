/** Reflection as it lands: the session's background events applied to the transcript (reflection-view.ts). */
import { useCallback, useEffect, useRef, useState } from "react";
import type { AgentEvent } from "../agent/events.js";
import type { AgentSession } from "../agent/session.js";
import type { Item } from "./items.js";
import { idleReflection, reduceReflection, requestReflection, type ReflectionStep, type ReflectionView } from "./reflection-view.js";

export interface ReflectionDeps {
  session: AgentSession;
  sessionRef: { readonly current: AgentSession };
  commit(item: Item): void;
  refresh(): void;
}

export function useReflection({ session, sessionRef, commit, refresh }: ReflectionDeps) {
  const [reflecting, setReflecting] = useState(false);
  const viewRef = useRef<ReflectionView>(idleReflection());

  const apply = useCallback(
    (step: ReflectionStep) => {
      viewRef.current = step.view;
      setReflecting(step.view.running);
      if (step.refresh) refresh();
      for (const item of step.commit) commit(item);
    },
    [commit, refresh],
  );

  const onEvent = useCallback((ev: AgentEvent) => apply(reduceReflection(viewRef.current, ev)), [apply]);
  useEffect(() => session.onBackground?.(onEvent), [session, onEvent]);

  /** /reflect: a pass now, in the background (a refused one still ends with an event that says why). */
  const reflect = useCallback(
    async (_trigger: "manual"): Promise<void> => {
      const s = sessionRef.current;
      if (!s.reflectInBackground) return;
      apply(requestReflection(viewRef.current));
      await s.reflectInBackground("manual");
    },
    [apply, sessionRef],
  );

  return { reflecting, reflect };
}
