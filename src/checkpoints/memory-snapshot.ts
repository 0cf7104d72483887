import type { MemoryAccess } from "../memory/access.js";

interface SavedBlock {
  label: string;
  value: string;
  limit: number;
  description: string;
  readOnly: boolean;
}

/** The agent's own core blocks as JSON; shared blocks belong to the user's store and are left alone. */
export function snapshotMemory(memory: MemoryAccess): string {
  const own = memory.core.list().filter((b) => !b.shared);
  return JSON.stringify(own.map(({ label, value, limit, description, readOnly }): SavedBlock => ({ label, value, limit, description, readOnly })));
}

/**
 * Put core memory back as it was when the turn began and delete archival passages added since.
 * Each change goes through the memory API, so it is recorded like any other edit (undo is a new event).
 */
export function restoreMemory(memory: MemoryAccess, snapshot: string, passagesAfter: number[]): { blocks: number; passages: number } {
  const saved = JSON.parse(snapshot) as SavedBlock[];
  const wanted = new Map(saved.map((b) => [b.label, b]));
  let blocks = 0;
  for (const b of memory.core.list()) {
    if (!b.shared && !wanted.has(b.label) && memory.core.remove(b.label)) blocks++;
  }
  for (const b of saved) {
    const now = memory.core.get(b.label);
    if (now?.shared) continue;
    if (now && now.value === b.value && now.limit === b.limit && now.readOnly === b.readOnly) continue;
    memory.core.set(b.label, b.value, { limit: b.limit, description: b.description, readOnly: b.readOnly });
    blocks++;
  }
  let passages = 0;
  for (const id of passagesAfter) if (memory.archival.delete(id)) passages++;
  return { blocks, passages };
}
