/**
 * Numbered schema migrations. Never edit a released migration: add the next one.
 * The schema version lives in SQLite's `user_version` pragma.
 */
export const MIGRATIONS: { version: number; sql: string }[] = [
  {
    version: 1,
    sql: `
CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  settings TEXT NOT NULL DEFAULT '{}',
  conversation_id TEXT NOT NULL,
  created_at TEXT NOT NULL
);

CREATE TABLE blocks (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  label TEXT NOT NULL,
  value TEXT NOT NULL,
  char_limit INTEGER NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  read_only INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (agent_id, label)
);

CREATE TABLE messages (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('system','user','assistant','tool')),
  content TEXT NOT NULL DEFAULT '',
  tool_calls TEXT,
  tool_call_id TEXT,
  tool_name TEXT,
  in_context INTEGER NOT NULL DEFAULT 1,
  tokens INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE INDEX messages_window ON messages(agent_id, conversation_id, in_context, id);
CREATE INDEX messages_created ON messages(agent_id, created_at);

CREATE VIRTUAL TABLE messages_fts USING fts5(
  content, content='messages', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_au AFTER UPDATE OF content ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
  INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;

CREATE TABLE passages (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  text TEXT NOT NULL,
  text_hash TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]',
  created_at TEXT NOT NULL,
  embedding BLOB,
  embedding_model TEXT,
  UNIQUE (agent_id, text_hash)
);
CREATE INDEX passages_created ON passages(agent_id, created_at);

CREATE TABLE passage_tags (
  passage_id INTEGER NOT NULL REFERENCES passages(id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (passage_id, tag)
);
CREATE INDEX passage_tags_tag ON passage_tags(tag);

CREATE VIRTUAL TABLE passages_fts USING fts5(
  text, content='passages', content_rowid='id', tokenize='porter unicode61'
);
CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
  INSERT INTO passages_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
  INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;

CREATE TABLE summaries (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL,
  summary TEXT NOT NULL,
  evicted_count INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (agent_id, conversation_id)
);
`,
  },
  {
    // Memory history: one self-contained row per change, written in the change's own transaction.
    // `id` is a short random text id (stable across databases, for a later team sync, and short enough
    // to type); `seq` only orders the rows of this one file. No foreign key on agent_id: history outlives rows.
    version: 2,
    sql: `
CREATE TABLE memory_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  at TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  actor TEXT NOT NULL CHECK (actor IN ('agent','reflection','user')),
  kind TEXT NOT NULL CHECK (kind IN ('block','passage')),
  op TEXT NOT NULL,
  label TEXT,
  passage_id TEXT,
  before TEXT,
  after TEXT,
  reason TEXT,
  undoes TEXT
);
CREATE INDEX memory_events_agent ON memory_events(agent_id, seq);
CREATE INDEX memory_events_label ON memory_events(agent_id, label, seq);
`,
  },
  {
    // Reflection: a watermark and a claim per agent, so two processes never reflect on the same messages.
    version: 3,
    sql: `
CREATE TABLE IF NOT EXISTS reflection_state (
  agent_id TEXT PRIMARY KEY REFERENCES agents(id) ON DELETE CASCADE,
  watermark INTEGER NOT NULL DEFAULT 0,
  claim_holder TEXT,
  claim_to INTEGER,
  claim_expires_at INTEGER
);

CREATE TABLE IF NOT EXISTS reflection_usage (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (agent_id, day)
);
`,
  },
  {
    // Checkpoints: file contents before each turn's changes, for rewind.
    version: 4,
    sql: `
CREATE TABLE checkpoints (
  turn_id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  memory TEXT NOT NULL DEFAULT '[]',
  passage_max_id INTEGER NOT NULL DEFAULT 0,
  rewound_at TEXT,
  pruned_at TEXT
);
CREATE INDEX checkpoints_conversation ON checkpoints(agent_id, conversation_id, turn_id);
CREATE INDEX checkpoints_created ON checkpoints(created_at);

CREATE TABLE checkpoint_files (
  turn_id INTEGER NOT NULL REFERENCES checkpoints(turn_id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN ('tool','shell')),
  before_hash TEXT,
  after_hash TEXT,
  restorable INTEGER NOT NULL DEFAULT 1,
  restored_at TEXT,
  PRIMARY KEY (turn_id, path)
);
`,
  },
  {
    // Retrieval: the full-text index holds identifier parts too (letta_index_text, registered on
    // every connection in db.ts), messages get embeddings like passages, and a turn's neighbours
    // in its conversation are one index probe away.
    version: 5,
    sql: `
DROP TRIGGER messages_ai;
DROP TRIGGER messages_ad;
DROP TRIGGER messages_au;
CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts(rowid, content) VALUES (new.id, letta_index_text(new.content));
END;
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, letta_index_text(old.content));
END;
CREATE TRIGGER messages_au AFTER UPDATE OF content ON messages BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, letta_index_text(old.content));
  INSERT INTO messages_fts(rowid, content) VALUES (new.id, letta_index_text(new.content));
END;
INSERT INTO messages_fts(messages_fts) VALUES ('delete-all');
INSERT INTO messages_fts(rowid, content) SELECT id, letta_index_text(content) FROM messages;

DROP TRIGGER passages_ai;
DROP TRIGGER passages_ad;
CREATE TRIGGER passages_ai AFTER INSERT ON passages BEGIN
  INSERT INTO passages_fts(rowid, text) VALUES (new.id, letta_index_text(new.text));
END;
CREATE TRIGGER passages_ad AFTER DELETE ON passages BEGIN
  INSERT INTO passages_fts(passages_fts, rowid, text) VALUES ('delete', old.id, letta_index_text(old.text));
END;
INSERT INTO passages_fts(passages_fts) VALUES ('delete-all');
INSERT INTO passages_fts(rowid, text) SELECT id, letta_index_text(text) FROM passages;

ALTER TABLE messages ADD COLUMN embedding BLOB;
ALTER TABLE messages ADD COLUMN embedding_model TEXT;
CREATE INDEX messages_conversation ON messages(agent_id, conversation_id, id);
CREATE INDEX passages_agent ON passages(agent_id, id);
`,
  },
  {
    version: 6,
    sql: `
CREATE TABLE token_calibration (
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL,
  ratio REAL NOT NULL,
  through_id INTEGER NOT NULL,
  fixed_estimate INTEGER NOT NULL,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (agent_id, conversation_id)
);

CREATE TABLE passage_mutations (
  agent_id TEXT PRIMARY KEY,
  mutations INTEGER NOT NULL
);
-- Which passages already carry a model's vector, answered from the index alone (not a scan of every vector).
CREATE INDEX passages_embedded ON passages(agent_id, embedding_model, id) WHERE embedding IS NOT NULL;
CREATE TRIGGER passages_mutation_ad AFTER DELETE ON passages BEGIN
  INSERT INTO passage_mutations (agent_id, mutations) VALUES (old.agent_id, 1)
    ON CONFLICT (agent_id) DO UPDATE SET mutations = mutations + 1;
END;
CREATE TRIGGER passages_mutation_au AFTER UPDATE OF embedding, embedding_model ON passages BEGIN
  INSERT INTO passage_mutations (agent_id, mutations) VALUES (new.agent_id, 1)
    ON CONFLICT (agent_id) DO UPDATE SET mutations = mutations + 1;
END;
`,
  },
  {
    version: 7,
    // Row counts kept by triggers: counting 100k index entries costs ~20 ms a query, and a new process's
    // first archival search needed two such counts to trust its saved vector index.
    sql: `
CREATE TABLE passage_totals (
  agent_id TEXT PRIMARY KEY,
  n INTEGER NOT NULL
);
CREATE TABLE passage_model_counts (
  agent_id TEXT NOT NULL,
  model TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (agent_id, model)
);
INSERT INTO passage_totals (agent_id, n) SELECT agent_id, COUNT(*) FROM passages GROUP BY agent_id;
INSERT INTO passage_model_counts (agent_id, model, n)
  SELECT agent_id, embedding_model, COUNT(*) FROM passages
  WHERE embedding IS NOT NULL AND embedding_model IS NOT NULL GROUP BY agent_id, embedding_model;
CREATE TRIGGER passages_count_ai AFTER INSERT ON passages BEGIN
  INSERT INTO passage_totals (agent_id, n) VALUES (new.agent_id, 1)
    ON CONFLICT (agent_id) DO UPDATE SET n = n + 1;
  INSERT INTO passage_model_counts (agent_id, model, n)
    SELECT new.agent_id, new.embedding_model, 1 WHERE new.embedding IS NOT NULL AND new.embedding_model IS NOT NULL
    ON CONFLICT (agent_id, model) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER passages_count_ad AFTER DELETE ON passages BEGIN
  UPDATE passage_totals SET n = n - 1 WHERE agent_id = old.agent_id;
  UPDATE passage_model_counts SET n = n - 1
    WHERE agent_id = old.agent_id AND model = old.embedding_model AND old.embedding IS NOT NULL;
END;
CREATE TRIGGER passages_count_au AFTER UPDATE OF embedding, embedding_model ON passages BEGIN
  UPDATE passage_model_counts SET n = n - 1
    WHERE agent_id = old.agent_id AND model = old.embedding_model AND old.embedding IS NOT NULL;
  INSERT INTO passage_model_counts (agent_id, model, n)
    SELECT new.agent_id, new.embedding_model, 1 WHERE new.embedding IS NOT NULL AND new.embedding_model IS NOT NULL
    ON CONFLICT (agent_id, model) DO UPDATE SET n = n + 1;
END;
`,
  },
  {
    version: 8,
    // One writer per conversation at a time: a turn holds this row (holder, pid, heartbeat) from its
    // user message to its last stored message, so two processes' turns never interleave.
    sql: `
CREATE TABLE turn_leases (
  conversation_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  holder TEXT NOT NULL,
  pid INTEGER NOT NULL,
  host TEXT NOT NULL,
  acquired_at INTEGER NOT NULL,
  heartbeat_at INTEGER NOT NULL
);
`,
  },
  {
    version: 9,
    // The HTTP API (`letta-code serve`) is a writer of its own: memory changes it makes are recorded as
    // actor 'api'. SQLite cannot widen a CHECK in place, so the table is rebuilt with its rows and
    // seq values (AUTOINCREMENT carries on from the copied maximum). Agents gain the fields the Letta
    // API keeps about them (description, tags, system prompt, metadata), as one JSON object.
    sql: `
CREATE TABLE memory_events_v9 (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  at TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  actor TEXT NOT NULL CHECK (actor IN ('agent','reflection','user','api')),
  kind TEXT NOT NULL CHECK (kind IN ('block','passage')),
  op TEXT NOT NULL,
  label TEXT,
  passage_id TEXT,
  before TEXT,
  after TEXT,
  reason TEXT,
  undoes TEXT
);
INSERT INTO memory_events_v9 (seq, id, at, agent_id, actor, kind, op, label, passage_id, before, after, reason, undoes)
  SELECT seq, id, at, agent_id, actor, kind, op, label, passage_id, before, after, reason, undoes FROM memory_events;
DROP TABLE memory_events;
ALTER TABLE memory_events_v9 RENAME TO memory_events;
CREATE INDEX memory_events_agent ON memory_events(agent_id, seq);
CREATE INDEX memory_events_label ON memory_events(agent_id, label, seq);

ALTER TABLE agents ADD COLUMN profile TEXT NOT NULL DEFAULT '{}';
`,
  },
  {
    version: 10,
    // A turn whose model request failed leaves a mark where it happened, for the resumed transcript.
    // Its own table, not a message row: nothing that builds the model's context ever reads it.
    // IF NOT EXISTS: a store taken back to an earlier version by hand (tests do) replays it harmlessly.
    sql: `
CREATE TABLE IF NOT EXISTS turn_failures (
  id INTEGER PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL,
  after_message_id INTEGER NOT NULL,
  message TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS turn_failures_conversation ON turn_failures(agent_id, conversation_id, after_message_id);
`,
  },
  {
    version: 11,
    // Team memory (letta-code team join): memory events are the unit of replication. A change made here
    // (origin NULL) is queued in team_outbox by trigger, in the transaction that records it, so no code
    // path can forget it; events pulled from the team database carry the machine that made them in
    // origin and are never queued again. History from before this migration is queued too: joining a
    // team shares what the project already knows. team_state holds the per-machine pull cursor and the
    // last sync's outcome. A block's team_scope is 'personal' or 'shared' when the user chose one
    // (NULL: the default, where only the human block is personal).
    sql: `
ALTER TABLE memory_events ADD COLUMN origin TEXT;
CREATE TABLE team_outbox (
  seq INTEGER PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE
);
INSERT INTO team_outbox (seq, event_id) SELECT seq, id FROM memory_events;
CREATE TRIGGER memory_events_outbox AFTER INSERT ON memory_events WHEN NEW.origin IS NULL
BEGIN
  INSERT OR IGNORE INTO team_outbox (seq, event_id) VALUES (NEW.seq, NEW.id);
END;
CREATE TABLE team_state (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
ALTER TABLE blocks ADD COLUMN team_scope TEXT CHECK (team_scope IN ('personal','shared'));
`,
  },
  {
    version: 12,
    // A subagent's run is a conversation of its own; this links it to the parent conversation and the
    // task call that started it (sessions lists it as a subagent run, the parent's export names it).
    // IF NOT EXISTS: a store taken back to an earlier version by hand (tests do) replays it harmlessly.
    sql: `
CREATE TABLE IF NOT EXISTS subagent_runs (
  conversation_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
  parent_conversation_id TEXT NOT NULL,
  parent_tool_call_id TEXT NOT NULL,
  subagent TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS subagent_runs_parent ON subagent_runs(agent_id, parent_conversation_id);
`,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
