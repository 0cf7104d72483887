import type { Block, CoreMemory } from "./access.js";
import { MemoryError } from "./errors.js";
import type { BlockSource } from "./block-source.js";
import { originFields, type ChangeOrigin, type MemoryEvent } from "./history-event.js";

export const DEFAULT_BLOCK_LIMIT = 5000;
/** What a block may be called: it becomes an XML-ish tag in the prompt and a word in `memory` commands. */
export const BLOCK_LABEL = /^[a-z][a-z0-9_-]{0,39}$/;

export const DEFAULT_BLOCKS: { label: string; description: string }[] = [
  { label: "persona", description: "Who you are and how you work: your role, tone and habits." },
  { label: "human", description: "What you know about the user: name, preferences, how they like to work." },
  {
    label: "project",
    description: "This project's facts: purpose, layout, build/test commands, conventions, gotchas.",
  },
];

/** Core memory of one agent: always in the prompt, edited by the model through guarded operations. */
export class AgentCoreMemory implements CoreMemory {
  constructor(
    private blocks: BlockSource,
    private onChange?: (label: string, action: string, before: string, after: string, event?: MemoryEvent) => void,
    private sharing?: { share(label: string): void; unshare(label: string): void },
  ) {}

  share(label: string, origin?: ChangeOrigin): void {
    const sharing = this.sharing;
    if (!sharing) throw new MemoryError("Sharing blocks across projects is not available here.");
    // The event goes with the side the label is read from before the move (the project's store);
    // the user store's half of the move commits on its own file.
    this.recorded(label, "share", origin, () => sharing.share(label));
  }

  unshare(label: string, origin?: ChangeOrigin): void {
    const sharing = this.sharing;
    if (!sharing) throw new MemoryError("Sharing blocks across projects is not available here.");
    this.recorded(label, "unshare", origin, () => sharing.unshare(label));
  }

  list(): Block[] {
    return this.blocks.list();
  }

  get(label: string): Block | undefined {
    return this.blocks.get(label);
  }

  append(label: string, content: string, origin?: ChangeOrigin): Block {
    const b = this.writable(label);
    const sep = b.value.length === 0 || b.value.endsWith("\n") ? "" : "\n";
    return this.write(b, b.value + sep + content, "append", origin);
  }

  replace(label: string, oldContent: string, newContent: string, origin?: ChangeOrigin): Block {
    const b = this.writable(label);
    if (oldContent.length === 0) throw new MemoryError("old_content is empty; use core_memory_append to add text.");
    const first = b.value.indexOf(oldContent);
    if (first < 0) {
      throw new MemoryError(
        `old_content not found in block "${label}". It must match the block's text exactly (whitespace included). ` +
          `The block currently reads:\n${b.value || "(empty)"}`,
      );
    }
    if (b.value.indexOf(oldContent, first + 1) >= 0) {
      throw new MemoryError(
        `old_content occurs more than once in block "${label}"; include more surrounding text to make it unique.`,
      );
    }
    const next = b.value.slice(0, first) + newContent + b.value.slice(first + oldContent.length);
    return this.write(b, next, "replace", origin);
  }

  rethink(label: string, newMemory: string, origin?: ChangeOrigin): Block {
    const existing = this.get(label);
    // Rethinking a label that does not exist creates it: that is how the agent adds a new block.
    if (!existing) return this.create(label, newMemory, origin);
    const b = this.writable(label);
    return this.write(b, newMemory, "rethink", origin);
  }

  set(
    label: string,
    value: string,
    opts: { limit?: number; description?: string; readOnly?: boolean } = {},
    origin?: ChangeOrigin,
  ): Block {
    const before = this.get(label);
    const limit = opts.limit ?? before?.limit ?? DEFAULT_BLOCK_LIMIT;
    if (value.length > limit) {
      throw new MemoryError(
        `Block "${label}" would hold ${value.length} characters, ${value.length - limit} over its limit of ${limit}. Nothing was written.`,
      );
    }
    const op = before ? "set" : "create";
    let event: MemoryEvent | undefined;
    const b = this.blocks.change(label, (record) => {
      const saved = this.blocks.upsert({
        label,
        value,
        limit,
        description: opts.description ?? before?.description ?? "",
        readOnly: opts.readOnly ?? before?.readOnly ?? false,
      });
      event = record({ kind: "block", label, passage_id: null, before: before?.value ?? null, after: value, ...originFields(op, origin) });
      return saved;
    });
    this.onChange?.(label, op, before?.value ?? "", value, event);
    return b;
  }

  remove(label: string, origin?: ChangeOrigin): boolean {
    const before = this.get(label);
    let event: MemoryEvent | undefined;
    const removed = this.blocks.change(label, (record) => {
      const gone = this.blocks.remove(label);
      if (gone && before) {
        event = record({ kind: "block", label, passage_id: null, before: before.value, after: null, ...originFields("remove", origin) });
      }
      return gone;
    });
    if (removed && before) this.onChange?.(label, "remove", before.value, "", event);
    return removed;
  }

  private create(label: string, value: string, origin?: ChangeOrigin): Block {
    if (!BLOCK_LABEL.test(label)) {
      throw new MemoryError(
        `"${label}" is not a valid block label: use lowercase letters, digits, _ or - (at most 40 characters).`,
      );
    }
    return this.set(label, value, { description: "Added by the agent." }, origin);
  }

  private writable(label: string): Block {
    const b = this.get(label);
    if (!b) {
      const labels = this.list().map((x) => x.label);
      throw new MemoryError(
        `There is no core memory block "${label}". Existing blocks: ${labels.join(", ") || "(none)"}. ` +
          `memory_rethink with a new label creates a block.`,
      );
    }
    if (b.readOnly) throw new MemoryError(`Block "${label}" is read-only; it cannot be edited by the agent.`);
    return b;
  }

  private write(b: Block, next: string, action: string, origin?: ChangeOrigin): Block {
    if (next.length > b.limit) {
      throw new MemoryError(
        `That would make block "${b.label}" ${next.length} characters, ${next.length - b.limit} over its limit of ${b.limit}. ` +
          `Nothing was written. Condense the block with memory_rethink, or move detail to archival memory.`,
      );
    }
    const event = this.blocks.change(b.label, (record) => {
      this.blocks.setValue(b.label, next);
      return record({ kind: "block", label: b.label, passage_id: null, before: b.value, after: next, ...originFields(action, origin) });
    });
    this.onChange?.(b.label, action, b.value, next, event);
    return { ...b, value: next, updatedAt: new Date().toISOString() };
  }

  /** A move between stores (share / unshare), recorded with the label's value either side of it. */
  private recorded(label: string, op: string, origin: ChangeOrigin | undefined, move: () => void): void {
    this.blocks.change(label, (record) => {
      const before = this.get(label)?.value ?? null;
      move();
      const after = this.get(label)?.value ?? null;
      record({ kind: "block", label, passage_id: null, before, after, ...originFields(op, origin) });
    });
  }
}
