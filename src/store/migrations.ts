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
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;
