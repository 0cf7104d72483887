import type { Block } from "./access.js";
import type { BlockStore } from "../store/blocks.js";
import type { MemoryEventStore } from "../store/memory-events.js";
import type { MemoryEvent, NewMemoryEvent } from "./history-event.js";

/** Records one event in the transaction of the change it describes. */
export type RecordEvent = (e: NewMemoryEvent) => MemoryEvent | undefined;

/** Where one agent's core memory blocks are read from and written to. */
export interface BlockSource {
  list(): Block[];
  get(label: string): Block | undefined;
  upsert(b: Omit<Block, "updatedAt" | "shared">): Block;
  setValue(label: string, value: string): void;
  remove(label: string): boolean;
  /**
   * Run `fn` in one transaction of the store that holds `label`; `record` writes the change's
   * event into that same store and transaction, so a change and its history land together or not at all.
   */
  change<T>(label: string, fn: (record: RecordEvent) => T): T;
}

/** The history side of a store: its transactions and its events table. */
export interface EventLog {
  transaction<T>(fn: () => T): T;
  memoryEvents: MemoryEventStore;
}

/** One agent's blocks in one store; without `log` changes are not recorded (tests, the bench baseline). */
export function agentBlocks(store: BlockStore, agentId: string, log?: EventLog): BlockSource {
  return {
    list: () => store.list(agentId),
    get: (label) => store.get(agentId, label),
    upsert: (b) => store.upsert(agentId, b),
    setValue: (label, value) => store.setValue(agentId, label, value),
    remove: (label) => store.remove(agentId, label),
    change: (_label, fn) =>
      log ? log.transaction(() => fn((e) => log.memoryEvents.record(agentId, e))) : fn(() => undefined),
  };
}

/**
 * A project agent's blocks with the user's shared blocks (from ~/.letta) layered over them:
 * a label the user shares is read from and written to the user store, in every project.
 * The user store is read on every call, so an edit made in another project shows at once.
 * A shared block's history is kept in the user store, beside the block, so the two commit together.
 */
export function layeredBlocks(project: BlockSource, user: () => BlockSource | undefined): BlockSource {
  const shared = (label: string) => {
    const u = user();
    const b = u?.get(label);
    return b ? { source: u!, block: { ...b, shared: true } } : undefined;
  };
  return {
    list() {
      const userBlocks = (user()?.list() ?? []).map((b) => ({ ...b, shared: true }));
      const sharedLabels = new Set(userBlocks.map((b) => b.label));
      const own = project.list();
      // Shared blocks take the place of the project's block of the same label, keeping its position.
      const merged = own.map((b) => (sharedLabels.has(b.label) ? userBlocks.find((u) => u.label === b.label)! : b));
      const missing = userBlocks.filter((u) => !own.some((b) => b.label === u.label));
      return [...merged, ...missing];
    },
    get: (label) => shared(label)?.block ?? project.get(label),
    upsert: (b) => {
      const s = shared(b.label);
      return s ? { ...s.source.upsert(b), shared: true } : project.upsert(b);
    },
    setValue: (label, value) => (shared(label)?.source ?? project).setValue(label, value),
    remove: (label) => (shared(label)?.source ?? project).remove(label),
    change: (label, fn) => (shared(label)?.source ?? project).change(label, fn),
  };
}
