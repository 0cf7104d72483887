import type { AgentEvent, ReflectionTrigger } from "./events.js";
import type { ReflectionSchedule } from "./session.js";

export interface SchedulerHost {
  schedule(): ReflectionSchedule;
  /** User turns not yet reflected on, counted in the store (so turns of every process and face count). */
  pendingTurns(): number;
  reflect(opts: { trigger: ReflectionTrigger; signal: AbortSignal }): AsyncIterable<AgentEvent>;
}

/**
 * When a session reflects on its own: after a turn once `everyTurns` user turns are unreflected or a
 * compaction evicted messages, and when the session ends with turns of its own unreflected. It never
 * delays a turn: a pass runs in the background and its events go to the session's listeners.
 */
export class ReflectionScheduler {
  private running: { ac: AbortController; done: Promise<void> } | null = null;
  private listeners = new Set<(e: AgentEvent) => void>();
  /** This session's turns since its last pass began (or since it opened). */
  private turnsSincePass = 0;
  /** After a pass of its own the session waits `everyTurns` more turns, so a failing pass is not retried every turn. */
  private passed = false;

  constructor(
    private host: SchedulerHost,
    private opts: { reflectOnEnd: boolean },
  ) {}

  subscribe(listener: (e: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get active(): boolean {
    return this.running !== null;
  }

  /** Whether ending now would reflect (or wait for a pass): the TUI says "saving what was learned…". */
  pendingAtEnd(): boolean {
    return this.running !== null || (this.opts.reflectOnEnd && this.host.schedule().mode === "auto" && this.turnsSincePass > 0 && this.host.pendingTurns() > 0);
  }

  afterTurn(compacted: boolean): void {
    this.turnsSincePass++;
    const s = this.host.schedule();
    if (s.mode !== "auto" || this.running) return;
    if (compacted) void this.start("compaction");
    // Unreflected turns count whoever ran them: every 3rd one-shot -p run reflects.
    else if ((!this.passed || this.turnsSincePass >= s.everyTurns) && this.host.pendingTurns() >= s.everyTurns) void this.start("turns");
  }

  /** A manual /compact evicted messages: reflect on them (automatic mode). */
  afterCompaction(): void {
    if (this.host.schedule().mode === "auto" && !this.running) void this.start("compaction");
  }

  /** A pass now (`/reflect`), or the one already running. */
  start(trigger: ReflectionTrigger): Promise<void> {
    if (this.running) return this.running.done;
    this.turnsSincePass = 0;
    this.passed = true;
    const ac = new AbortController();
    const done = (async () => {
      try {
        for await (const e of this.host.reflect({ trigger, signal: ac.signal })) for (const l of this.listeners) l(e);
      } finally {
        this.running = null;
      }
    })();
    this.running = { ac, done };
    return done;
  }

  /**
   * The session ends: reflect on its unreflected turns (automatic mode), waiting at most `limitMs`;
   * a pass still running then is stopped (its lease released, the rest picked up next time).
   */
  async end(limitMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return this.abort();
    const run = this.running?.done ?? (this.pendingAtEnd() ? this.start("exit") : undefined);
    if (!run) return;
    let timer: NodeJS.Timeout | undefined;
    const stop = () => this.running?.ac.abort();
    signal?.addEventListener("abort", stop, { once: true });
    await Promise.race([run, new Promise((r) => (timer = setTimeout(r, limitMs)))]);
    clearTimeout(timer);
    signal?.removeEventListener("abort", stop);
    const still = this.running;
    if (still) {
      still.ac.abort();
      await Promise.race([still.done, new Promise((r) => setTimeout(r, 500))]);
    }
  }

  /** Stop a running pass now (close without waiting). */
  abort(): void {
    this.running?.ac.abort();
  }
}
