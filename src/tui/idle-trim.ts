/**
 * Give memory back while the user is idle at the prompt.
 *
 * V8 grows its young generation (up to 2 x 16 MB semi-spaces) under allocation bursts —
 * streaming, rendering a long transcript — and only shrinks it during a GC that happens
 * while the allocation rate is low. A TUI waiting for the user allocates nothing, so no
 * GC ever comes and the process keeps ~45 MB it does not use. After `delayMs` without
 * activity we run a full GC (V8's own `gc`, exposed at runtime into a separate context,
 * leaving the global scope untouched), and a second one `delayMs` later: the first frees
 * the garbage, the second — with the allocation rate now measured as near zero — lets V8
 * shrink the young generation and unmap the emptied pages. Only when idle; twice per idle period.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

let cached: (() => void) | null | undefined;

function v8Gc(): (() => void) | null {
  if (cached !== undefined) return cached;
  try {
    setFlagsFromString("--expose-gc");
    cached = runInNewContext("gc") as () => void;
  } catch {
    cached = null;
  }
  return cached;
}

export interface IdleTrim {
  /** Something happened (a key, an agent event): restart the idle clock. */
  poke(): void;
  stop(): void;
}

export function createIdleTrim(delayMs: number, gc: (() => void) | null = null): IdleTrim {
  let timer: NodeJS.Timeout | null = null;
  let stopped = delayMs <= 0;
  const schedule = (rounds: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => fire(rounds), delayMs);
    timer.unref?.();
  };
  const fire = (rounds: number) => {
    timer = null;
    if (stopped) return;
    try {
      (gc ?? v8Gc())?.();
    } catch {
      // never let housekeeping disturb the UI
    }
    if (rounds > 1) schedule(rounds - 1);
  };
  return {
    poke() {
      if (stopped) return;
      schedule(2);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
