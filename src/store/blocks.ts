import type { DB } from "./db.js";
import { nowIso, sql } from "./db.js";
import type { Block } from "./rows.js";

interface RawBlock {
  label: string;
  value: string;
  char_limit: number;
  description: string;
  read_only: number;
  updated_at: string;
}

const toBlock = (r: RawBlock): Block => ({
  label: r.label,
  value: r.value,
  limit: r.char_limit,
  description: r.description,
  readOnly: r.read_only === 1,
  updatedAt: r.updated_at,
});

export class BlockStore {
  constructor(private db: DB) {}

  list(agentId: string): Block[] {
    return (
      sql(this.db, "SELECT * FROM blocks WHERE agent_id = ? ORDER BY position, label")
        .all(agentId) as RawBlock[]
    ).map(toBlock);
  }

  get(agentId: string, label: string): Block | undefined {
    const r = sql(this.db, "SELECT * FROM blocks WHERE agent_id = ? AND label = ?").get(agentId, label) as
      | RawBlock
      | undefined;
    return r && toBlock(r);
  }

  /** Insert or overwrite a block; a new block goes after the existing ones. */
  upsert(agentId: string, b: Omit<Block, "updatedAt">): Block {
    const updatedAt = nowIso();
    sql(this.db, 
        `INSERT INTO blocks (agent_id, label, value, char_limit, description, read_only, position, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position) + 1, 0) FROM blocks WHERE agent_id = ?), ?)
         ON CONFLICT (agent_id, label) DO UPDATE SET
           value = excluded.value, char_limit = excluded.char_limit, description = excluded.description,
           read_only = excluded.read_only, updated_at = excluded.updated_at`,
      )
      .run(agentId, b.label, b.value, b.limit, b.description, b.readOnly ? 1 : 0, agentId, updatedAt);
    return { ...b, updatedAt };
  }

  setValue(agentId: string, label: string, value: string): void {
    sql(this.db, "UPDATE blocks SET value = ?, updated_at = ? WHERE agent_id = ? AND label = ?")
      .run(value, nowIso(), agentId, label);
  }

  remove(agentId: string, label: string): boolean {
    return sql(this.db, "DELETE FROM blocks WHERE agent_id = ? AND label = ?").run(agentId, label).changes > 0;
  }
}
