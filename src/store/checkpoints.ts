import type { DB } from "./db.js";
import { nowIso, sql, writeTransaction } from "./db.js";

export interface CheckpointRow {
  /** The id of the user message that started the turn. */
  turnId: number;
  agentId: string;
  conversationId: string;
  createdAt: string;
  /** JSON of the agent's own core blocks when the turn began. */
  memory: string;
  passageMaxId: number;
  rewoundAt?: string;
  prunedAt?: string;
  /** The turn's user message (joined from messages). */
  text: string;
}

export interface CheckpointFileRow {
  turnId: number;
  path: string;
  source: "tool" | "shell";
  /** null: the file did not exist before the turn; otherwise a content hash, or "unstored" (not kept). */
  beforeHash: string | null;
  /** null: the file did not exist after the turn's last change. */
  afterHash: string | null;
  restorable: boolean;
  restoredAt?: string;
}

interface RawCheckpoint {
  turn_id: number;
  agent_id: string;
  conversation_id: string;
  created_at: string;
  memory: string;
  passage_max_id: number;
  rewound_at: string | null;
  pruned_at: string | null;
  text: string | null;
}

interface RawFile {
  turn_id: number;
  path: string;
  source: "tool" | "shell";
  before_hash: string | null;
  after_hash: string | null;
  restorable: number;
  restored_at: string | null;
}

const toCheckpoint = (r: RawCheckpoint): CheckpointRow => ({
  turnId: r.turn_id,
  agentId: r.agent_id,
  conversationId: r.conversation_id,
  createdAt: r.created_at,
  memory: r.memory,
  passageMaxId: r.passage_max_id,
  rewoundAt: r.rewound_at ?? undefined,
  prunedAt: r.pruned_at ?? undefined,
  text: r.text ?? "",
});

const toFile = (r: RawFile): CheckpointFileRow => ({
  turnId: r.turn_id,
  path: r.path,
  source: r.source,
  beforeHash: r.before_hash,
  afterHash: r.after_hash,
  restorable: r.restorable === 1,
  restoredAt: r.restored_at ?? undefined,
});

const SELECT_CHECKPOINT = `SELECT c.*, m.content AS text FROM checkpoints c LEFT JOIN messages m ON m.id = c.turn_id`;

/** Per-turn checkpoint records: which files a turn touched and what they held before. */
export class CheckpointStore {
  constructor(private db: DB) {}

  begin(row: Omit<CheckpointRow, "text" | "rewoundAt" | "prunedAt">): void {
    sql(this.db, `INSERT OR IGNORE INTO checkpoints (turn_id, agent_id, conversation_id, created_at, memory, passage_max_id) VALUES (?, ?, ?, ?, ?, ?)`)
      .run(row.turnId, row.agentId, row.conversationId, row.createdAt, row.memory, row.passageMaxId);
  }

  get(turnId: number): CheckpointRow | undefined {
    const r = sql(this.db, `${SELECT_CHECKPOINT} WHERE c.turn_id = ?`).get(turnId) as RawCheckpoint | undefined;
    return r && toCheckpoint(r);
  }

  /** The turns of a conversation, oldest first; rewound ones only when asked for. */
  list(agentId: string, conversationId: string, opts: { includeRewound?: boolean } = {}): CheckpointRow[] {
    const rewound = opts.includeRewound ? "" : " AND c.rewound_at IS NULL";
    return (
      sql(this.db, `${SELECT_CHECKPOINT} WHERE c.agent_id = ? AND c.conversation_id = ?${rewound} ORDER BY c.turn_id`)
        .all(agentId, conversationId) as RawCheckpoint[]
    ).map(toCheckpoint);
  }

  /**
   * Every turn's id and whether it was rewound, oldest first: all a transcript needs to leave rewound
   * turns out, without list()'s join on each turn's message text.
   */
  rewoundMarks(agentId: string, conversationId: string): { turnId: number; rewound: boolean }[] {
    return (
      sql(this.db, `SELECT turn_id, rewound_at IS NOT NULL AS rewound FROM checkpoints WHERE agent_id = ? AND conversation_id = ? ORDER BY turn_id`)
        .all(agentId, conversationId) as { turn_id: number; rewound: number }[]
    ).map((r) => ({ turnId: r.turn_id, rewound: r.rewound === 1 }));
  }

  /**
   * The first change of a file in a turn keeps its before-image (later writes in the same turn
   * only move the after-image), so a turn restores to what the user had when it began.
   */
  recordFile(f: Omit<CheckpointFileRow, "restoredAt">): void {
    writeTransaction(this.db, () => {
      const existing = sql(this.db, "SELECT 1 FROM checkpoint_files WHERE turn_id = ? AND path = ?").get(f.turnId, f.path);
      if (existing) {
        sql(this.db, "UPDATE checkpoint_files SET after_hash = ?, restorable = restorable AND ? WHERE turn_id = ? AND path = ?")
          .run(f.afterHash, f.restorable ? 1 : 0, f.turnId, f.path);
      } else {
        sql(this.db, "INSERT INTO checkpoint_files (turn_id, path, source, before_hash, after_hash, restorable) VALUES (?, ?, ?, ?, ?, ?)")
          .run(f.turnId, f.path, f.source, f.beforeHash, f.afterHash, f.restorable ? 1 : 0);
      }
    });
  }

  setAfter(turnId: number, path: string, afterHash: string | null): void {
    sql(this.db, "UPDATE checkpoint_files SET after_hash = ? WHERE turn_id = ? AND path = ?").run(afterHash, turnId, path);
  }

  files(turnId: number): CheckpointFileRow[] {
    return (sql(this.db, "SELECT * FROM checkpoint_files WHERE turn_id = ? ORDER BY path").all(turnId) as RawFile[]).map(toFile);
  }

  /** Unrestored file changes of this turn and every later one in the conversation, oldest turn first. */
  filesSince(agentId: string, conversationId: string, turnId: number): CheckpointFileRow[] {
    return (
      sql(this.db,
        `SELECT f.* FROM checkpoint_files f JOIN checkpoints c ON c.turn_id = f.turn_id
         WHERE c.agent_id = ? AND c.conversation_id = ? AND c.turn_id >= ? AND f.restored_at IS NULL
         ORDER BY f.turn_id, f.path`,
      ).all(agentId, conversationId, turnId) as RawFile[]
    ).map(toFile);
  }

  markRestored(rows: { turnId: number; path: string }[]): void {
    const at = nowIso();
    const stmt = sql(this.db, "UPDATE checkpoint_files SET restored_at = ? WHERE turn_id = ? AND path = ?");
    writeTransaction(this.db, () => rows.forEach((r) => stmt.run(at, r.turnId, r.path)));
  }

  markRewound(agentId: string, conversationId: string, fromTurn: number): void {
    sql(this.db, "UPDATE checkpoints SET rewound_at = ? WHERE agent_id = ? AND conversation_id = ? AND turn_id >= ? AND rewound_at IS NULL")
      .run(nowIso(), agentId, conversationId, fromTurn);
  }

  /** A forked conversation gets its own copies, keyed by the copied user messages' ids. */
  copyTurns(idMap: Map<number, number>, conversationId: string): void {
    const turns = sql(this.db, `SELECT * FROM checkpoints WHERE turn_id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify([...idMap.keys()])) as RawCheckpoint[];
    for (const t of turns) {
      const to = idMap.get(t.turn_id)!;
      sql(this.db,
        `INSERT OR IGNORE INTO checkpoints (turn_id, agent_id, conversation_id, created_at, memory, passage_max_id, rewound_at, pruned_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(to, t.agent_id, conversationId, t.created_at, t.memory, t.passage_max_id, t.rewound_at, t.pruned_at);
      sql(this.db,
        `INSERT OR IGNORE INTO checkpoint_files (turn_id, path, source, before_hash, after_hash, restorable, restored_at)
         SELECT ?, path, source, before_hash, after_hash, restorable, restored_at FROM checkpoint_files WHERE turn_id = ?`,
      ).run(to, t.turn_id);
    }
  }

  /** Ids of the agent's newest archival passage (memory rewind deletes what came after). */
  passageMaxId(agentId: string): number {
    return (sql(this.db, "SELECT COALESCE(MAX(id), 0) AS n FROM passages WHERE agent_id = ?").get(agentId) as { n: number }).n;
  }

  passagesAfter(agentId: string, id: number): number[] {
    return (sql(this.db, "SELECT id FROM passages WHERE agent_id = ? AND id > ? ORDER BY id").all(agentId, id) as { id: number }[]).map((r) => r.id);
  }

  // ---- pruning

  /** Mark turns older than `before` pruned; returns how many. */
  pruneOlderThan(before: string): number {
    return sql(this.db, "UPDATE checkpoints SET pruned_at = ? WHERE created_at < ? AND pruned_at IS NULL").run(nowIso(), before).changes;
  }

  /** Prune the oldest unpruned turn that still holds file changes; false when none is left. */
  pruneOldest(): boolean {
    const r = sql(this.db,
      `SELECT turn_id FROM checkpoints c WHERE pruned_at IS NULL AND EXISTS (SELECT 1 FROM checkpoint_files f WHERE f.turn_id = c.turn_id)
       ORDER BY created_at, turn_id LIMIT 1`,
    ).get() as { turn_id: number } | undefined;
    if (!r) return false;
    sql(this.db, "UPDATE checkpoints SET pruned_at = ? WHERE turn_id = ?").run(nowIso(), r.turn_id);
    return true;
  }

  /** Hashes still needed by a turn that is not pruned. */
  liveHashes(): Set<string> {
    const rows = sql(this.db,
      `SELECT before_hash AS h FROM checkpoint_files f JOIN checkpoints c ON c.turn_id = f.turn_id WHERE c.pruned_at IS NULL AND before_hash IS NOT NULL
       UNION SELECT after_hash FROM checkpoint_files f JOIN checkpoints c ON c.turn_id = f.turn_id WHERE c.pruned_at IS NULL AND after_hash IS NOT NULL`,
    ).all() as { h: string }[];
    return new Set(rows.map((r) => r.h));
  }

  prunedCount(agentId: string, conversationId: string): number {
    return (sql(this.db, "SELECT COUNT(*) AS n FROM checkpoints WHERE agent_id = ? AND conversation_id = ? AND pruned_at IS NOT NULL")
      .get(agentId, conversationId) as { n: number }).n;
  }
}
