import { crypto } from "../lazy-builtins.js";
import type { DB } from "./db.js";
import { nowIso, sql } from "./db.js";

export interface AgentSettings {
  model?: string;
  baseURL?: string;
  contextWindow?: number;
}

/** What the Letta API keeps about an agent beyond what a session needs (set through `letta-code serve`). */
export interface AgentProfile {
  description?: string;
  tags?: string[];
  /** The agent's own base instructions, in place of letta-code's (memory and instructions still follow). */
  system?: string;
  metadata?: Record<string, unknown>;
}

export interface AgentRow {
  id: string;
  name: string;
  settings: AgentSettings;
  conversationId: string;
  createdAt: string;
  profile: AgentProfile;
}

interface RawAgent {
  id: string;
  name: string;
  settings: string;
  conversation_id: string;
  created_at: string;
  profile: string;
}

const toRow = (r: RawAgent): AgentRow => ({
  id: r.id,
  name: r.name,
  settings: JSON.parse(r.settings) as AgentSettings,
  conversationId: r.conversation_id,
  createdAt: r.created_at,
  profile: JSON.parse(r.profile || "{}") as AgentProfile,
});

export function newId(prefix: string): string {
  return `${prefix}-${crypto().randomUUID()}`;
}

export class AgentStore {
  constructor(private db: DB) {}

  create(name: string, settings: AgentSettings = {}, profile: AgentProfile = {}): AgentRow {
    const row: AgentRow = {
      id: newId("agent"),
      name,
      settings,
      conversationId: newId("conv"),
      createdAt: nowIso(),
      profile,
    };
    sql(this.db, "INSERT INTO agents (id, name, settings, conversation_id, created_at, profile) VALUES (?, ?, ?, ?, ?, ?)")
      .run(row.id, row.name, JSON.stringify(settings), row.conversationId, row.createdAt, JSON.stringify(profile));
    return row;
  }

  rename(id: string, name: string): void {
    sql(this.db, "UPDATE agents SET name = ? WHERE id = ?").run(name, id);
  }

  setProfile(id: string, profile: AgentProfile): void {
    sql(this.db, "UPDATE agents SET profile = ? WHERE id = ?").run(JSON.stringify(profile), id);
  }

  get(id: string): AgentRow | undefined {
    const r = sql(this.db, "SELECT * FROM agents WHERE id = ?").get(id) as RawAgent | undefined;
    return r && toRow(r);
  }

  byName(name: string): AgentRow | undefined {
    const r = sql(this.db, "SELECT * FROM agents WHERE name = ?").get(name) as RawAgent | undefined;
    return r && toRow(r);
  }

  list(): AgentRow[] {
    return (sql(this.db, "SELECT * FROM agents ORDER BY created_at, rowid").all() as RawAgent[]).map(toRow);
  }

  updateSettings(id: string, settings: AgentSettings): void {
    sql(this.db, "UPDATE agents SET settings = ? WHERE id = ?").run(JSON.stringify(settings), id);
  }

  /** Start a fresh conversation: the old one stays in recall memory. */
  newConversation(id: string): string {
    const conv = newId("conv");
    sql(this.db, "UPDATE agents SET conversation_id = ? WHERE id = ?").run(conv, id);
    return conv;
  }

  delete(id: string): boolean {
    return sql(this.db, "DELETE FROM agents WHERE id = ?").run(id).changes > 0;
  }
}
