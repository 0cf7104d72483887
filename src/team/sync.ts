/*
 * Team sync: push this machine's memory events (the outbox) to the team database and apply the
 * others' (after this machine's cursor). Applying an event is idempotent by its id; a block edit
 * made on another machine merges three-way with ours. The rest of the code only sees memory change.
 */
import { randomBytes } from "node:crypto";
import { hostname, userInfo } from "node:os";
import type { Store } from "../store/store.js";
import { TeamDatabase, type TeamEvent } from "../store/team-pg.js";
import { maskError } from "../store/pg-url.js";
import { parsePassageValue, type PassageValue } from "../memory/history-event.js";
import { DEFAULT_BLOCK_LIMIT } from "../memory/core-memory.js";
import { MAX_EVENT_TEXT, MAX_PULLED_BLOCK_CHARS, MAX_PULLED_BLOCKS, printable, refusal } from "./incoming.js";
import { mergeBlock } from "./merge.js";

/** Where a project's memory is shared: from the user's config, never the repository's. */
export interface TeamLink {
  url: string;
  project: string;
}

export interface SyncResult {
  pushed: number;
  pulled: number;
  conflicts: number;
  /** Pulled events skipped because they fail the checks in incoming.ts (malformed, oversized). */
  refused: number;
  /** Block labels and passages changed here by pulled events. */
  changed: string[];
}

export class TeamError extends Error {}

const BATCH = () => Number(process.env.LETTA_TEAM_BATCH) || 2000;

/** This machine in the team: a random id (the pull skips our own events by it) and a name people read. */
export function machineIdentity(store: Store): { machine: string; name: string } {
  let machine = store.team.get("machine");
  if (!machine) {
    machine = randomBytes(8).toString("hex");
    store.team.set("machine", machine);
  }
  let user = "user";
  try {
    user = userInfo().username;
  } catch {
    // no passwd entry (some containers): a generic name will do
  }
  return { machine, name: `${user}@${hostname()}` };
}

export class TeamSync {
  constructor(
    private store: Store,
    private link: TeamLink,
    /** The local agent a named agent's events apply to; undefined: none here, skip. */
    private agentIdFor: (name: string) => string | undefined,
  ) {}

  /** Push, then pull; records the outcome (time or error, password masked) for `team status`. */
  async sync(db?: TeamDatabase): Promise<SyncResult> {
    const own = !db;
    try {
      db ??= await TeamDatabase.connect(this.link.url);
      if ((await db.schemaVersion()) === 0) throw new TeamError("the team database has no letta-code schema; run `letta-code team join URL` first.");
      const pushed = await this.push(db);
      const { pulled, conflicts, refused, changed } = await this.pull(db);
      this.store.team.set("last_sync", new Date().toISOString());
      this.store.team.unset("last_error");
      return { pushed, pulled, conflicts, refused, changed };
    } catch (err) {
      const message = maskError(err, this.link.url);
      try {
        this.store.team.set("last_error", `${new Date().toISOString()} ${message}`);
      } catch {
        // a read-only store: the error is still reported to the caller
      }
      throw new TeamError(message);
    } finally {
      if (own && db) await db.close();
    }
  }

  async push(db: TeamDatabase): Promise<number> {
    const { machine, name } = machineIdentity(this.store);
    let total = 0;
    for (;;) {
      const batch = this.store.team.takeOutgoing(BATCH());
      if (batch.length === 0) return total;
      await db.push(this.link.project, machine, name, batch);
      // Acknowledged only after the commit: a push cut short here is repeated, and the key skips what landed.
      this.store.team.ack(batch.map((e) => e.id));
      total += batch.length;
    }
  }

  async pull(db: TeamDatabase): Promise<{ pulled: number; conflicts: number; refused: number; changed: string[] }> {
    const { machine } = machineIdentity(this.store);
    let pulled = 0;
    let conflicts = 0;
    let refused = 0;
    const changed = new Set<string>();
    for (;;) {
      const cursor = Number(this.store.team.get(this.cursorKey()) ?? 0);
      const batch = await db.pull(this.link.project, machine, cursor, BATCH(), MAX_EVENT_TEXT);
      if (batch.length === 0) return { pulled, conflicts, refused, changed: [...changed] };
      const applyBatch = (guarded: boolean) =>
        this.store.transaction(() => {
          const n = { pulled: 0, conflicts: 0, refused: 0, changed: [] as string[] };
          for (const ev of batch) {
            const r = this.apply(ev, guarded);
            if (r.applied) {
              n.pulled++;
              n.changed.push(ev.kind === "block" ? ev.label! : "archival");
            }
            if (r.conflict) n.conflicts++;
            if (r.refused) n.refused++;
          }
          // The cursor moves in the transaction that applied the events: a crash repeats none or all.
          // Never backwards: another process of this machine may have pulled further meanwhile.
          const last = batch[batch.length - 1].seq;
          if (last > Number(this.store.team.get(this.cursorKey()) ?? 0)) this.store.team.set(this.cursorKey(), String(last));
          return n;
        });
      let n: ReturnType<typeof applyBatch>;
      try {
        n = applyBatch(false);
      } catch {
        // An event the store itself rejected (what incoming.ts did not foresee): the batch was rolled back;
        // again, each event under its own savepoint, so that one is refused and the rest apply.
        n = applyBatch(true);
      }
      pulled += n.pulled;
      conflicts += n.conflicts;
      refused += n.refused;
      for (const c of n.changed) changed.add(c);
    }
  }

  /** The pull cursor is per database and project: joining another database starts from its beginning. */
  private cursorKey(): string {
    let where = this.link.url;
    try {
      const u = new URL(this.link.url);
      where = `${u.hostname}:${u.port || 5432}${u.pathname}`;
    } catch {
      // not a URL: key by the string as given
    }
    return `cursor ${this.link.project} ${where}`;
  }

  /**
   * Apply one pulled event; a second time it changes nothing. One that is malformed or too big is
   * skipped (`refused`, with why in `last_refused`), before it writes anything. `guarded` (the default):
   * an error from the store refuses it too, its writes undone by a savepoint; unguarded, the fast path
   * for a whole batch (a savepoint per event doubled the cost of a pull), that error is thrown.
   */
  apply(ev: TeamEvent & { oversized?: boolean }, guarded = true): { applied: boolean; conflict: boolean; refused?: string } {
    const why = refusal(ev);
    if (why) return this.refuse(ev, why);
    try {
      return guarded ? this.store.savepoint(() => this.applyChecked(ev)) : this.applyChecked(ev);
    } catch (err) {
      if (err instanceof RefusedEvent) return this.refuse(ev, err.message);
      if (!guarded) throw err;
      return this.refuse(ev, `the store refused it (${(err as Error).message})`);
    }
  }

  private refuse(ev: TeamEvent, why: string): { applied: false; conflict: false; refused: string } {
    const from = printable(String(ev.origin ?? "?"), 80);
    this.store.team.set("last_refused", `${new Date().toISOString()} event ${printable(String(ev.id ?? "?"), 100)} from ${from}: ${why}`);
    return { applied: false, conflict: false, refused: why };
  }

  private applyChecked(ev: TeamEvent): { applied: boolean; conflict: boolean } {
    const { store } = this;
    if (store.memoryEvents.has(ev.id)) return { applied: false, conflict: false };
    const agentId = this.agentIdFor(ev.agent);
    if (!agentId) return { applied: false, conflict: false };
    const base = {
      id: ev.id,
      at: ev.at,
      actor: ev.actor,
      kind: ev.kind,
      op: ev.op,
      label: ev.label,
      passage_id: ev.passage_id,
      // Shown by `memory log` and TUI notices: another person's words, without terminal controls.
      reason: printable(ev.reason, 2000),
      undoes: ev.undoes,
      origin: printable(ev.origin, 200) ?? "?",
    };
    if (ev.kind === "passage") {
      const localId = ev.passage_id ? store.passages.idByHash(agentId, ev.passage_id) : undefined;
      const value = passageValue(ev.after);
      // `memory log` reads the tombstone's text back: it must parse too.
      passageValue(ev.before);
      if (value && localId === undefined) {
        store.passages.insert(agentId, { text: value.text, tags: value.tags, createdAt: value.created_at });
      } else if (!value && localId !== undefined) store.passages.delete(agentId, localId);
      store.memoryEvents.recordPulled(agentId, { ...base, before: ev.before, after: ev.after });
      return { applied: true, conflict: false };
    }
    const label = ev.label!;
    // Another machine's edit never reaches what this user keeps personal, nor a block made read-only here.
    if (store.team.scopeOf(agentId, label) === "personal") return { applied: false, conflict: false };
    const current = store.blocks.get(agentId, label);
    if (current?.readOnly) return { applied: false, conflict: false };
    const ours = current?.value ?? null;
    let next: string | null;
    let conflict = false;
    const theirsLater = ev.at >= (store.memoryEvents.lastChangeAt(agentId, label) ?? "");
    if (ev.after === null) next = ours === ev.before ? null : ours; // a removal loses to a local edit
    else if (ours === null) next = ev.after;
    else {
      const m = mergeBlock(ev.before ?? "", ours, ev.after, theirsLater);
      next = m.text;
      conflict = m.conflict;
    }
    const ceiling = Math.max(MAX_PULLED_BLOCK_CHARS, current?.limit ?? 0);
    if (next !== null && next !== ours && next.length > ceiling) {
      throw new RefusedEvent(`block ${label} would hold ${next.length} characters, over the ${ceiling} a pull may write`);
    }
    if (next !== null && !current && store.blocks.list(agentId).length >= MAX_PULLED_BLOCKS) {
      throw new RefusedEvent(`it adds block ${label} to an agent that already has ${MAX_PULLED_BLOCKS} blocks`);
    }
    if (next === null) {
      if (current) store.blocks.remove(agentId, label);
    } else if (!current) {
      store.blocks.upsert(agentId, { label, value: next, limit: Math.max(DEFAULT_BLOCK_LIMIT, next.length), description: "", readOnly: false });
    } else if (next !== ours) {
      if (next.length > current.limit) store.blocks.upsert(agentId, { ...current, value: next, limit: next.length });
      else store.blocks.setValue(agentId, label, next);
    }
    const reason = conflict
      ? `conflict: ${base.origin} and this machine changed the same lines; kept the later edit (${theirsLater ? base.origin : "this machine"}'s). \`memory undo ${ev.id}\` restores this machine's text`
      : base.reason;
    store.memoryEvents.recordPulled(agentId, { ...base, before: ours, after: next, reason });
    return { applied: true, conflict };
  }
}

/** A pulled passage's JSON, checked for the shape local code reads (`memory log`, the insert). */
function passageValue(v: string | null): PassageValue | null {
  let value: PassageValue | null;
  try {
    value = parsePassageValue(v);
  } catch {
    throw new RefusedEvent("its passage is not JSON");
  }
  const ok = (x: PassageValue) =>
    typeof x === "object" && x !== null && typeof x.text === "string" && Array.isArray(x.tags) && x.tags.every((t) => typeof t === "string") && typeof x.created_at === "string";
  if (value !== null && !ok(value)) throw new RefusedEvent("its passage is not {text, tags, created_at}");
  return value;
}

/** A pulled event this machine will not apply; always thrown before the event has written anything. */
class RefusedEvent extends Error {}
