import { readlinkSync } from "node:fs";
import { hostname } from "node:os";
import type { Store } from "../store/store.js";
import type { TurnLeaseAttempt, TurnLeaseHolder } from "../store/turn-leases.js";

/** How often a turn refreshes its lease; a holder on another host is dead once silent for STALE_MS. */
export const HEARTBEAT_MS = 1000;
export const STALE_MS = 10_000;
/** The wait is said after this long (a turn that frees the lease sooner goes unmentioned). */
export const WAIT_NOTICE_MS = 1000;
const POLL_MS = 25;

/**
 * Where a pid means a process: the host and, on Linux, its PID namespace. A container sharing the project
 * under the same host name counts pids of its own; there the holder's pid names nothing (or another
 * process), so a holder from another namespace is judged by its heartbeat, as one on another host.
 */
const HOST = hostname() + pidNamespace();

function pidNamespace(): string {
  try {
    return ` (${readlinkSync("/proc/self/ns/pid")})`;
  } catch {
    return ""; // not Linux: one namespace
  }
}

/** A holder on this machine whose process is gone is dead at once (kill -9 leaves no stuck conversation). */
export function holderIsDead(h: TurnLeaseHolder, now = Date.now()): boolean {
  if (h.host === HOST && h.pid !== process.pid) {
    try {
      process.kill(h.pid, 0);
    } catch (e) {
      // EPERM: the process exists (another user's); only ESRCH means it is gone.
      if ((e as NodeJS.ErrnoException).code === "ESRCH") return true;
    }
  }
  return now - h.heartbeatAt > STALE_MS;
}

export function waitingMessage(h: TurnLeaseHolder): string {
  const where = h.host === HOST ? `pid ${h.pid}` : `pid ${h.pid} on ${h.host}`;
  return `waiting for another letta-code turn on this conversation (${where})…`;
}

export interface HeldLease {
  /** Another writer took the lease over while we held it (we stalled past STALE_MS). */
  readonly lost: boolean;
  release(): void;
}

let taken = 0;
/**
 * Who holds a lease, unique among every letta-code that could hold one: the row also names pid and host,
 * and within a process the count tells turns apart (the time, should the pid come again). Not a secret,
 * so no node:crypto, which would cost a one-shot run ~4 ms to load.
 */
function holderId(): string {
  return `${HOST}.${process.pid}.${++taken}.${Date.now().toString(36)}`;
}

/**
 * Take the conversation's turn lease, waiting while a live holder has it. `onWaiting` is called once,
 * after WAIT_NOTICE_MS, with whom we wait for. Resolves null when `signal` aborts first.
 */
export async function acquireTurnLease(
  store: Store,
  conversationId: string,
  agentId: string,
  opts: { signal?: AbortSignal; onWaiting?: (message: string) => void; onTakeOver?: (message: string) => void } = {},
): Promise<HeldLease | null> {
  const me = { holder: holderId(), pid: process.pid, host: HOST };
  const started = Date.now();
  let told = false;
  for (;;) {
    if (opts.signal?.aborted) return null;
    const got = attempt(store, conversationId, agentId, me);
    if (got.kind === "acquired") {
      if (got.tookOverFrom) opts.onTakeOver?.(`took over this conversation from a letta-code turn that stopped (pid ${got.tookOverFrom.pid}).`);
      return hold(store, conversationId, me.holder);
    }
    // A busy database names no one to wait for: the notice waits until a live holder is seen.
    if (!told && got.kind === "held" && Date.now() - started >= WAIT_NOTICE_MS) {
      told = true;
      opts.onWaiting?.(waitingMessage(got.by));
    }
    // Jittered, so waiters that saw the lease freed at once do not all try for it in step again.
    await sleep(POLL_MS / 2 + Math.random() * POLL_MS, opts.signal);
  }
}

/**
 * One look at the lease. Waiters watch it with a read (in WAL, a read takes no lock) and take the
 * write lock only when it looks free: fifteen runs polling with writes starve the holder's own writes
 * past the busy timeout. A write lock still busy after that timeout is one more wait, not a failure.
 */
function attempt(store: Store, conversationId: string, agentId: string, me: { holder: string; pid: number; host: string }): TurnLeaseAttempt | { kind: "busy" } {
  const seen = store.turnLeases.holderOf(conversationId);
  if (seen && seen.holder !== me.holder && !holderIsDead(seen)) return { kind: "held", by: seen };
  try {
    return store.turnLeases.tryAcquire(conversationId, agentId, me, (h) => holderIsDead(h));
  } catch (err) {
    if ((err as { code?: unknown }).code !== "SQLITE_BUSY") throw err;
    return { kind: "busy" };
  }
}

function hold(store: Store, conversationId: string, holder: string): HeldLease {
  let lost = false;
  let released = false;
  const timer = setInterval(() => {
    try {
      if (!store.turnLeases.heartbeat(conversationId, holder)) lost = true;
    } catch {
      // A busy or closed store misses one beat; the next one (or the release) settles it.
    }
  }, HEARTBEAT_MS);
  // A heartbeat never keeps the process alive on its own.
  timer.unref();
  return {
    get lost() {
      return lost;
    },
    release() {
      if (released) return;
      released = true;
      clearInterval(timer);
      store.turnLeases.release(conversationId, holder);
    },
  };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
