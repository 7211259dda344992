/**
 * The gallery database schema, migrated with SQLite's `user_version` (one integer in the file
 * header): migration N runs when user_version < N, inside a transaction, then sets it to N.
 *
 * The database is only an index. Images (their own metadata) and the annotations file in the
 * output folder are the source of truth, so a database from a newer build, or a damaged one, is
 * set aside and rebuilt rather than trusted.
 */
import type Database from 'better-sqlite3';

export const MIGRATIONS: readonly string[] = [
  // 1: images, tags, full-text index over prompts, trash.
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE images (
    id INTEGER PRIMARY KEY,
    rel_path TEXT NOT NULL UNIQUE,
    file_size INTEGER NOT NULL,
    file_mtime INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    width INTEGER,
    height INTEGER,
    prompt TEXT NOT NULL DEFAULT '',
    negative TEXT NOT NULL DEFAULT '',
    model TEXT,
    model_hash TEXT,
    seed INTEGER,
    settings TEXT,
    warnings TEXT NOT NULL DEFAULT '[]',
    favourite INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX images_created ON images (created_at DESC, id DESC);
  CREATE INDEX images_model ON images (model, created_at DESC);
  CREATE INDEX images_favourite ON images (favourite, created_at DESC);

  CREATE TABLE image_tags (
    image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (tag, image_id)
  ) WITHOUT ROWID;
  CREATE INDEX image_tags_image ON image_tags (image_id);

  -- External-content FTS5 over the prompt columns; triggers keep it in step with images.
  -- unicode61 with remove_diacritics 2 folds "é" to "e" and case for all scripts.
  CREATE VIRTUAL TABLE images_fts USING fts5(
    prompt, negative, content = 'images', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER images_ai AFTER INSERT ON images BEGIN
    INSERT INTO images_fts (rowid, prompt, negative) VALUES (new.id, new.prompt, new.negative);
  END;
  CREATE TRIGGER images_ad AFTER DELETE ON images BEGIN
    INSERT INTO images_fts (images_fts, rowid, prompt, negative)
      VALUES ('delete', old.id, old.prompt, old.negative);
  END;
  CREATE TRIGGER images_au AFTER UPDATE OF prompt, negative ON images BEGIN
    INSERT INTO images_fts (images_fts, rowid, prompt, negative)
      VALUES ('delete', old.id, old.prompt, old.negative);
    INSERT INTO images_fts (rowid, prompt, negative) VALUES (new.id, new.prompt, new.negative);
  END;

  CREATE TABLE trash (
    id INTEGER PRIMARY KEY,
    trash_name TEXT NOT NULL UNIQUE,
    original_rel_path TEXT NOT NULL,
    row_json TEXT NOT NULL,
    deleted_at INTEGER NOT NULL
  );
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export class NewerSchemaError extends Error {}

/** Brings the database to SCHEMA_VERSION. Throws NewerSchemaError for a newer file. */
export function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new NewerSchemaError(
      `The gallery database has schema version ${current}; this build knows ${SCHEMA_VERSION}.`,
    );
  }
  for (let version = current + 1; version <= SCHEMA_VERSION; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version - 1]);
      db.pragma(`user_version = ${version}`);
    })();
  }
}
