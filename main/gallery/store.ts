/**
 * The SQLite side of the gallery: opening (WAL, migrations, setting a broken file aside), writing
 * records, and turning rows into GalleryItems.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import type { GalleryItem } from '../../common/gallery.ts';
import { createLogger } from '../engine/log.ts';
import type { ImageFormat, SettingsSource } from '../metadata/settings.ts';
import type { ImageDescription, ImageRecord } from './scan.ts';
import { migrate, NewerSchemaError } from './schema.ts';

const log = createLogger('gallery');

export const DB_FILE = 'gallery.db';

/** SQLite result codes that mean "this file is not a usable database". */
const BROKEN = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB']);

function openAndMigrate(file: string): Database.Database {
  const db = new Database(file);
  try {
    // WAL: readers never block the writer, and a crash mid-transaction rolls back cleanly.
    db.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode (sqlite.org/pragma.html#pragma_synchronous);
    // a power cut may lose the last transactions, which a rescan of the images restores.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * Opens (creating) the gallery database in `appDataDir`. A damaged file, or one from a newer
 * build, is renamed to `gallery.db.broken-<time>` and a fresh index is started: the images are
 * the source of truth, so nothing is lost but the time of a rescan.
 */
export function openDatabase(appDataDir: string): Database.Database {
  mkdirSync(appDataDir, { recursive: true });
  const file = path.join(appDataDir, DB_FILE);
  try {
    return openAndMigrate(file);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (!(err instanceof NewerSchemaError) && !BROKEN.has(code)) throw err;
    const aside = `${file}.broken-${Date.now()}`;
    for (const suffix of ['', '-wal', '-shm']) {
      if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
    }
    log.warn('gallery database unusable; set aside and rebuilding from the images', {
      reason: (err as Error).message,
      movedTo: aside,
    });
    return openAndMigrate(file);
  }
}

export interface ImageRow {
  id: number;
  rel_path: string;
  file_size: number;
  file_mtime: number;
  created_at: number;
  source: string;
  format: string;
  width: number | null;
  height: number | null;
  prompt: string;
  negative: string;
  model: string | null;
  model_hash: string | null;
  seed: number | null;
  settings: string | null;
  warnings: string;
  favourite: number;
  tags_json: string;
}

/** The columns a GalleryItem needs, tags folded in as a JSON array. */
export const ITEM_COLUMNS = `images.id, images.rel_path, images.file_size, images.file_mtime,
  images.created_at, images.source, images.format, images.width, images.height, images.prompt,
  images.negative, images.model, images.model_hash, images.seed, images.favourite,
  (SELECT json_group_array(tag) FROM (SELECT tag FROM image_tags WHERE image_id = images.id
   ORDER BY tag)) AS tags_json`;

/** The fields an index row and an ImageRecord or GalleryItem share under the same names. */
function describedBy(row: Omit<ImageRow, 'settings' | 'warnings'>): ImageDescription {
  return {
    createdAt: row.created_at,
    source: row.source as SettingsSource,
    format: row.format as ImageFormat,
    width: row.width,
    height: row.height,
    prompt: row.prompt,
    model: row.model,
    modelHash: row.model_hash,
    seed: row.seed,
  };
}

export function rowToItem(root: string, row: Omit<ImageRow, 'settings' | 'warnings'>): GalleryItem {
  return {
    id: row.id,
    path: path.join(root, ...row.rel_path.split('/')),
    relPath: row.rel_path,
    ...describedBy(row),
    negativePrompt: row.negative,
    favourite: row.favourite === 1,
    tags: JSON.parse(row.tags_json) as string[],
  };
}

/** Inserts or replaces the record for `relPath`, then sets favourite and tags; returns the id. */
export function upsertRecord(
  db: Database.Database,
  r: ImageRecord,
  favourite: boolean,
  tags: readonly string[],
): number {
  const row = db
    .prepare(
      `INSERT INTO images (rel_path, file_size, file_mtime, created_at, source, format, width,
         height, prompt, negative, model, model_hash, seed, settings, warnings, favourite)
       VALUES (@relPath, @fileSize, @fileMtime, @createdAt, @source, @format, @width, @height,
         @prompt, @negative, @model, @modelHash, @seed, @settings, @warnings, @favourite)
       ON CONFLICT (rel_path) DO UPDATE SET file_size = excluded.file_size,
         file_mtime = excluded.file_mtime, created_at = excluded.created_at,
         source = excluded.source, format = excluded.format, width = excluded.width,
         height = excluded.height, prompt = excluded.prompt, negative = excluded.negative,
         model = excluded.model, model_hash = excluded.model_hash, seed = excluded.seed,
         settings = excluded.settings, warnings = excluded.warnings, favourite = excluded.favourite
       RETURNING id`,
    )
    .get({ ...r, favourite: favourite ? 1 : 0 }) as { id: number };
  setTags(db, row.id, tags);
  return row.id;
}

export function setTags(db: Database.Database, id: number, tags: readonly string[]): void {
  db.prepare('DELETE FROM image_tags WHERE image_id = ?').run(id);
  const insert = db.prepare('INSERT OR IGNORE INTO image_tags (image_id, tag) VALUES (?, ?)');
  for (const tag of tags) insert.run(id, tag);
}

/** A record from a stored row (for the trash, which keeps the row to restore it). */
export function rowToRecord(row: ImageRow): ImageRecord {
  return {
    relPath: row.rel_path,
    fileSize: row.file_size,
    fileMtime: row.file_mtime,
    ...describedBy(row),
    negative: row.negative,
    settings: row.settings,
    warnings: row.warnings,
  };
}

/**
 * Empties the index and records `root` as the folder it now covers. The index covers one output
 * folder; call inside the transaction that fills it again, so a failure keeps the old index.
 */
export function replaceIndex(db: Database.Database, root: string): void {
  db.exec('DELETE FROM images; DELETE FROM trash;');
  db.prepare(
    `INSERT INTO meta (key, value) VALUES ('outputDir', ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  ).run(root);
}

/** The output folder the index covers, as recorded by `replaceIndex`. */
export function indexedFolder(db: Database.Database): string | undefined {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'outputDir'").get() as
    { value: string } | undefined;
  return row?.value;
}
