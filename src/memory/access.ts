/** What tools and front-ends may do to an agent's memory. Implemented by memory/agent-memory.ts. */
import type { MemoryOrigin } from "./origin.js";
import type { MemoryHistory } from "./history.js";
import type { Block, MessageSearchOptions, Passage, RecallMessage } from "../store/rows.js";

export type { Block, MessageSearchOptions, Passage, RecallMessage } from "../store/rows.js";

export interface PassageSearchOptions {
  topK?: number;
  /** What relative dates in the query resolve against; default now. */
  now?: string;
  tags?: string[];
  /** ISO date or datetime, inclusive. */
  from?: string;
  to?: string;
  /** Skip this many results (pagination). */
  offset?: number;
}



export interface CoreMemory {
  list(): Block[];
  get(label: string): Block | undefined;
  // Every write takes an optional origin (who and why) for the memory history; the default is the user.
  append(label: string, content: string, origin?: MemoryOrigin): Block;
  replace(label: string, oldContent: string, newContent: string, origin?: MemoryOrigin): Block;
  rethink(label: string, newMemory: string, origin?: MemoryOrigin): Block;
  /** Create or overwrite a block without the model-facing checks (used by update_plan and the user). */
  set(label: string, value: string, opts?: { limit?: number; description?: string; readOnly?: boolean }, origin?: MemoryOrigin): Block;
  remove(label: string, origin?: MemoryOrigin): boolean;
  /** Make a block follow the user into every project (kept in ~/.letta); absent where there is no user store. */
  share?(label: string, origin?: MemoryOrigin): void;
  /** Stop sharing a block: its text comes back into this project only. */
  unshare?(label: string, origin?: MemoryOrigin): void;
}

/** What one archival insert did: long text is split into pieces, and a piece already stored is not stored twice. */
export interface InsertResult {
  /** Every passage the text now maps to, each once, in text order. */
  ids: number[];
  /** Passages this insert created. */
  stored: number[];
  /** Passages that were already there before this insert. */
  alreadyStored: number[];
  /** How many pieces the text was split into (repeats within the text included). */
  pieces: number;
  /** Nothing new was stored. */
  duplicate: boolean;
}

export interface ArchivalMemory {
  insert(text: string, opts?: { tags?: string[]; createdAt?: string }, origin?: MemoryOrigin): Promise<InsertResult>;
  search(query: string, opts?: PassageSearchOptions): Promise<Passage[]>;
  list(opts?: { limit?: number; offset?: number; tags?: string[] }): Passage[];
  delete(id: number, origin?: MemoryOrigin): boolean;
  count(): number;
  /**
   * Passages were written past this instance on its own connection (team sync applying others' events):
   * the next search brings its vector index up to date, as it does after another process's writes.
   */
  noticeWrites?(): void;
}

export interface RecallMemory {
  search(query: string, opts?: MessageSearchOptions): Promise<RecallMessage[]>;
  /** Store past messages (an import); returns their ids in order. */
  add(messages: { role: RecallMessage["role"]; content: string; createdAt?: string; conversationId: string }[]): number[];
  /** Embed messages stored since the last call, in the background (absent where there are no embeddings). */
  embedPending?(): Promise<void>;
  count(): number;
}

export interface MemoryAccess {
  core: CoreMemory;
  archival: ArchivalMemory;
  recall: RecallMemory;
  /** Every change above, readable and undoable; absent where nothing is recorded. */
  history?: MemoryHistory;
}
