import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { Store, DB_FILE } from "../store/store.js";
import { StoreError } from "../store/db.js";
import { agentBlocks, type BlockSource } from "./block-source.js";
import { MemoryError } from "./errors.js";
import { MemoryEventStore } from "../store/memory-events.js";
import type { EventSource } from "./history.js";

/** The user-level store holds the blocks that follow the user into every project. */
export { userLettaDir } from "../config/user-dirs.js";

const USER_AGENT = "user";

/**
 * `~/.letta/letta.db`, opened only when it exists (or when the user shares a block), so a
 * user who never asked for shared memory pays nothing for it.
 */
export class UserMemory {
  private store: Store | null | undefined;
  private events: MemoryEventStore | undefined;

  constructor(
    readonly dir: string,
    private projectLettaDir: string,
    private notice: (message: string) => void,
  ) {}

  /** The shared blocks, or undefined when the user shares none. */
  blocks(create = false): BlockSource | undefined {
    const store = this.open(create);
    if (!store) return undefined;
    const agent = store.agents.byName(USER_AGENT) ?? (create ? store.agents.create(USER_AGENT) : undefined);
    // A shared block's history lives beside it in the user store, so block and event commit together.
    return agent && agentBlocks(store.blocks, agent.id, { transaction: (fn) => store.transaction(fn), memoryEvents: this.eventStore(store) });
  }

  /** The shared blocks' history, or undefined when the user shares none. */
  history(): EventSource | undefined {
    const store = this.open(false);
    const agent = store?.agents.byName(USER_AGENT);
    return store && agent ? { events: this.eventStore(store), agentId: agent.id } : undefined;
  }

  private eventStore(store: Store): MemoryEventStore {
    return (this.events ??= new MemoryEventStore(store.db, "user"));
  }

  /**
   * Move a project block into the user store. If the user already shares that label, the
   * project's text is appended to it (unless already there), so nothing is lost.
   */
  share(project: BlockSource, label: string): void {
    const own = project.get(label);
    const user = this.blocks(true)!;
    const existing = user.get(label);
    if (!own && !existing) throw new MemoryError(`There is no block "${label}" to share.`);
    if (!existing) {
      user.upsert({ label, value: own!.value, limit: own!.limit, description: own!.description, readOnly: own!.readOnly });
    } else if (own && own.value.trim() && !existing.value.includes(own.value.trim())) {
      const value = existing.value ? `${existing.value}\n${own.value}` : own.value;
      const limit = Math.max(existing.limit, value.length);
      user.upsert({ ...existing, value, limit });
    }
    if (own) project.remove(label);
  }

  /** Stop sharing a label: its text comes back into this project's block and leaves the user store. */
  unshare(project: BlockSource, label: string): void {
    const user = this.blocks();
    const shared = user?.get(label);
    if (!user || !shared) throw new MemoryError(`"${label}" is not shared.`);
    project.upsert({ label, value: shared.value, limit: shared.limit, description: shared.description, readOnly: shared.readOnly });
    user.remove(label);
  }

  close(): void {
    this.store?.close();
  }

  private open(create: boolean): Store | null {
    if (this.store) return this.store;
    // Running letta-code in the home directory: the project store is the user store.
    if (resolve(this.dir) === resolve(this.projectLettaDir)) return null;
    if (this.store === null && !create) return null;
    if (!create && !existsSync(join(this.dir, DB_FILE))) {
      this.store = null;
      return null;
    }
    try {
      this.store = Store.open(this.dir);
    } catch (err) {
      // A broken user store must not keep the project from working: say so, go on without it.
      if (!(err instanceof StoreError) || create) throw err;
      this.notice(`Shared memory is unavailable: ${err.message}`);
      this.store = null;
    }
    return this.store;
  }
}
