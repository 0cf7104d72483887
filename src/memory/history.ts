import type { CoreMemory } from "./access.js";
import type { AgentArchivalMemory } from "./archival.js";
import { DEFAULT_BLOCK_LIMIT } from "./core-memory.js";
import { MemoryError } from "./errors.js";
import { parsePassageValue, type ChangeOrigin, type MemoryEvent } from "./history-event.js";
import type { MemoryEventStore } from "../store/memory-events.js";

/** One store's events for one agent: the project's, or the user store's (shared blocks). */
export interface EventSource {
  events: MemoryEventStore;
  agentId: string;
}

export interface HistoryDeps {
  project: EventSource;
  /** The user store's history, when the user shares blocks. */
  user: () => EventSource | undefined;
  core: CoreMemory;
  archival: Pick<AgentArchivalMemory, "delete" | "restore" | "idOf">;
}

/** Read and undo an agent's memory changes, across the project's store and the user's shared blocks. */
export class MemoryHistory {
  constructor(private deps: HistoryDeps) {}

  /** Newest first. */
  log(opts: { label?: string; limit?: number } = {}): MemoryEvent[] {
    const limit = Math.max(1, opts.limit ?? 50);
    const all = this.sources().flatMap((s) => s.events.list(s.agentId, { label: opts.label, limit }));
    // Each list is newest first already; a stable sort on the timestamp merges them.
    return all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
  }

  /** By full id or a unique prefix of one. */
  get(id: string): MemoryEvent {
    const wanted = id.trim().toLowerCase().replace(/^#/, "");
    const hits = this.sources().flatMap((s) => s.events.byPrefix(s.agentId, wanted));
    const exact = hits.find((e) => e.id === wanted);
    if (exact) return exact;
    if (hits.length === 0) throw new MemoryError(`No memory event "${id}". \`memory log\` lists them with their ids.`);
    if (hits.length > 1) {
      throw new MemoryError(`"${id}" matches several memory events (${hits.map((e) => e.id).join(", ")}); type more of the id.`);
    }
    return hits[0];
  }

  /**
   * Revert one change; the undo is itself an event (actor user, op undo), so it can be undone.
   * Refused when what the change touched has changed since, unless `force`.
   */
  async undo(id: string, opts: { force?: boolean } = {}): Promise<MemoryEvent> {
    const ev = this.get(id);
    const origin: ChangeOrigin = { actor: "user", undoes: ev.id };
    if (ev.kind === "block") this.undoBlock(ev, origin, !!opts.force);
    else await this.undoPassage(ev, origin, !!opts.force);
    const recorded = this.sources()
      .map((s) => s.events.undoOf(s.agentId, ev.id))
      .filter((e): e is MemoryEvent => !!e)
      .sort((a, b) => (a.at < b.at ? 1 : -1))[0];
    if (!recorded) throw new MemoryError(`Undoing ${ev.id} changed nothing.`);
    return recorded;
  }

  private undoBlock(ev: MemoryEvent, origin: ChangeOrigin, force: boolean): void {
    const label = ev.label!;
    const { core } = this.deps;
    const current = core.get(label);
    if ((current?.value ?? null) !== ev.after && !force) {
      throw new MemoryError(
        `Block "${label}" has changed since ${ev.id}, so undoing it would also throw away the later changes. ` +
          `See \`memory log ${label}\`; undo the later changes first, or use --force to set the block back anyway.`,
      );
    }
    const move = this.moveOf(ev);
    if (move) {
      const act = move === "share" ? core.share : core.unshare;
      if (!act) throw new MemoryError("Sharing blocks across projects is not available here.");
      act.call(core, label, origin);
      return;
    }
    if (ev.before === null) {
      if (!current) throw new MemoryError(`Block "${label}" is already gone; nothing to undo.`);
      core.remove(label, origin);
      return;
    }
    const limit = Math.max(current?.limit ?? DEFAULT_BLOCK_LIMIT, ev.before.length);
    core.set(label, ev.before, { limit }, origin);
  }

  /** For a share or unshare (or an undo of one, however deep): the move that reverts it. */
  private moveOf(ev: MemoryEvent): "share" | "unshare" | undefined {
    let revert = true;
    let e = ev;
    for (let depth = 0; e.op === "undo" && e.undoes && depth < 1000; depth++) {
      e = this.get(e.undoes);
      revert = !revert;
    }
    if (e.op !== "share" && e.op !== "unshare") return undefined;
    return (e.op === "share") === revert ? "unshare" : "share";
  }

  private async undoPassage(ev: MemoryEvent, origin: ChangeOrigin, force: boolean): Promise<void> {
    const { archival } = this.deps;
    const localId = archival.idOf(ev.passage_id!);
    const storedNow = localId !== undefined;
    if (storedNow !== (ev.after !== null) && !force) {
      throw new MemoryError(
        storedNow
          ? `That passage is stored again since ${ev.id}; nothing to restore. Use --force to record the undo anyway.`
          : `That passage was deleted since ${ev.id}. See \`memory log\`; use --force to undo anyway.`,
      );
    }
    const before = parsePassageValue(ev.before);
    if (before === null) {
      if (localId === undefined) throw new MemoryError(`That passage is already gone; nothing to undo.`);
      archival.delete(localId, origin);
      return;
    }
    if (storedNow) throw new MemoryError(`That passage is already stored (#${localId}); nothing to undo.`);
    await archival.restore({ text: before.text, tags: before.tags, createdAt: before.created_at }, origin);
  }

  private sources(): EventSource[] {
    const user = this.deps.user();
    return user ? [this.deps.project, user] : [this.deps.project];
  }
}
