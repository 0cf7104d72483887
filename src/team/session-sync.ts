/*
 * Team sync around a session: once at its start, after each turn, and (in a long session) whenever
 * another machine pushes, via LISTEN/NOTIFY. All of it runs in the background: a turn never waits on
 * the network, and the session's end waits a bounded moment for its last push. The sync code and `pg`
 * are imported on first use, so a project that has not joined a team never loads them.
 */
import type { Project } from "../agent/open-project.js";
import type { AgentEvent } from "../agent/events.js";
import type { TeamDatabase } from "../store/team-pg.js";
import type { SyncResult, TeamLink, TeamSync } from "./sync.js";

/** What the agent core sees of team sync: it schedules, it never awaits the network within a turn. */
export interface BackgroundSync {
  start(): void;
  afterTurn(): void;
  /** Wait at most `limitMs` for a sync in flight (the session's last changes going out), then stop listening. */
  end(limitMs: number): Promise<void>;
  subscribe(listener: (e: AgentEvent) => void): () => void;
}

/** After a notification, wait this long for more before pulling: a burst of pushes is one pull. */
const NOTIFY_DEBOUNCE_MS = 150;
/** A lost listening connection is retried this often. */
const RELISTEN_MS = 30_000;

export class TeamSessionSync implements BackgroundSync {
  private listeners = new Set<(e: AgentEvent) => void>();
  private running: Promise<void> | null = null;
  private again = false;
  private ended = false;
  private listener: TeamDatabase | null = null;
  private timers = new Set<NodeJS.Timeout>();
  private sync?: Promise<TeamSync>;
  /** One error notice per session, not one per turn while the database is down. */
  private errorShown = false;

  constructor(
    private project: Project,
    private link: TeamLink,
    private opts: { listen: boolean },
  ) {}

  subscribe(listener: (e: AgentEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.kick();
    if (this.opts.listen) void this.listen();
  }

  afterTurn(): void {
    this.kick();
  }

  async end(limitMs: number): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    for (const t of this.timers) clearTimeout(t);
    const l = this.listener;
    this.listener = null;
    await l?.close();
    if (this.running) await Promise.race([this.running, this.later(limitMs)]);
  }

  private later(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      t.unref();
    });
  }

  private emit(e: AgentEvent): void {
    for (const l of this.listeners) l(e);
  }

  /** A sync now, or one more right after the one in flight. */
  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.once();
        } while (this.again && !this.ended);
      } finally {
        this.running = null;
      }
    })();
  }

  private async once(): Promise<void> {
    let r: SyncResult;
    try {
      this.sync ??= import("./project-sync.js").then((m) => m.teamSyncFor(this.project, this.link)!);
      r = await (await this.sync).sync();
    } catch (err) {
      if (!this.errorShown && !this.ended) {
        this.errorShown = true;
        this.emit({
          type: "notice",
          code: "team_error",
          message: `Team sync failed (memory changes wait in the outbox; \`letta-code team status\`): ${(err as Error).message}`,
        });
      }
      return;
    }
    this.errorShown = false;
    if (r.changed.includes("archival")) this.project.noticePassageWrites();
    if (r.pulled > 0 && !this.ended) {
      const what = [...new Set(r.changed)].map((c) => (c === "archival" ? "archival memory" : `block ${c}`)).join(", ");
      this.emit({
        type: "notice",
        code: "team_synced",
        message: `Team memory: ${r.pulled} change${r.pulled === 1 ? "" : "s"} from other machines (${what})${r.conflicts ? `, ${r.conflicts} conflict(s) — see \`memory log\`` : ""}.`,
      });
    }
  }

  private async listen(): Promise<void> {
    if (this.ended) return;
    try {
      const { TeamDatabase } = await import("../store/team-pg.js");
      const db = await TeamDatabase.connect(this.link.url);
      if (this.ended) return void (await db.close());
      this.listener = db;
      let pending: NodeJS.Timeout | undefined;
      await db.listen(this.link.project, () => {
        if (pending) return;
        pending = setTimeout(() => {
          pending = undefined;
          this.kick();
        }, NOTIFY_DEBOUNCE_MS);
        pending.unref();
      });
      db.onEnd(() => {
        if (this.listener === db) this.listener = null;
        this.retryListen();
      });
      // The listening socket must not keep a finished process alive.
      (db.client as unknown as { connection?: { stream?: { unref?: () => void } } }).connection?.stream?.unref?.();
    } catch {
      this.retryListen();
    }
  }

  private retryListen(): void {
    if (this.ended) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      void this.listen();
    }, RELISTEN_MS);
    t.unref();
    this.timers.add(t);
  }
}
