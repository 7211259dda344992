/**
 * The gallery's trash: a folder inside the output folder (`.emulsion/trash`) plus a table holding
 * each trashed image's row, so restoring needs no re-reading. Favourites and tags of trashed images
 * stay in the annotations file under `trash/<name>`, so a rebuilt index still restores them.
 */
import type Database from 'better-sqlite3';
import { existsSync, mkdirSync, renameSync, unlinkSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import type { Annotations } from './annotations.ts';
import type { FileInfo, ImageRecord } from './scan.ts';
import { ITEM_COLUMNS, rowToItem, rowToRecord, upsertRecord, type ImageRow } from './store.ts';
import type { GalleryItem, TrashEntry } from './types.ts';

export const TRASH_KEY = 'trash/';

interface TrashRow {
  id: number;
  trash_name: string;
  original_rel_path: string;
  row_json: string;
  deleted_at: number;
}

/** What the trash needs from the gallery; getters, because the output folder can change. */
export interface TrashHost {
  readonly db: Database.Database;
  readonly root: string;
  readonly trashDir: string;
  readonly annotations: Annotations;
  item(id: number): GalleryItem;
  readRecord(file: FileInfo, errors: string[]): Promise<ImageRecord | undefined>;
}

export class Trash {
  constructor(private readonly host: TrashHost) {}

  list(): TrashEntry[] {
    const rows = this.host.db
      .prepare('SELECT * FROM trash ORDER BY deleted_at DESC, id DESC')
      .all() as TrashRow[];
    return rows.map((r) => this.entry(r));
  }

  ensureFolder(): void {
    try {
      mkdirSync(this.host.trashDir, { recursive: true });
    } catch (err) {
      throw ioError('create the trash folder', this.host.trashDir, err);
    }
  }

  /**
   * Moves one image to the trash: the row moves to the trash table and the file is renamed in one
   * transaction, so a failed rename leaves the row. Undefined when the file was already gone.
   */
  moveToTrash(id: number): TrashEntry | undefined {
    const row = this.host.db
      .prepare(`SELECT ${ITEM_COLUMNS}, images.settings, images.warnings FROM images WHERE id = ?`)
      .get(id) as ImageRow | undefined;
    if (!row) throw invalidArgument('ids', id, 'ids of images in the gallery');
    const item = rowToItem(this.host.root, row);
    const name = this.freeTrashName(path.basename(item.relPath));
    const deletedAt = Date.now();
    try {
      this.host.db.transaction(() => {
        const json = JSON.stringify({
          record: rowToRecord(row),
          favourite: item.favourite,
          tags: item.tags,
        });
        this.host.db
          .prepare(
            'INSERT INTO trash (trash_name, original_rel_path, row_json, deleted_at) VALUES (?, ?, ?, ?)',
          )
          .run(name, item.relPath, json, deletedAt);
        this.host.db.prepare('DELETE FROM images WHERE id = ?').run(id);
        renameSync(item.path, path.join(this.host.trashDir, name)); // throws -> rollback
      })();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
        throw ioError('move to the trash', item.path, err);
      // The file is already gone: drop the row, there is nothing to keep.
      this.host.db.prepare('DELETE FROM images WHERE id = ?').run(id);
      this.host.annotations.delete(item.relPath);
      return undefined;
    }
    this.host.annotations.delete(item.relPath);
    this.host.annotations.set(TRASH_KEY + name, {
      favourite: item.favourite,
      tags: item.tags,
      originalRelPath: item.relPath,
      deletedAt,
    });
    const stored = this.host.db
      .prepare('SELECT * FROM trash WHERE trash_name = ?')
      .get(name) as TrashRow;
    return this.entry(stored);
  }

  /** Puts one trashed image back where it was, or beside it if that name is taken now. */
  restore(trashId: number): GalleryItem {
    const row = this.host.db.prepare('SELECT * FROM trash WHERE id = ?').get(trashId) as
      TrashRow | undefined;
    if (!row) throw invalidArgument('trashIds', trashId, 'ids of entries in the trash');
    const kept = JSON.parse(row.row_json) as {
      record: ImageRecord;
      favourite: boolean;
      tags: string[];
    };
    const rel = this.freeRelPath(row.original_rel_path);
    const target = path.join(this.host.root, ...rel.split('/'));
    let id = 0;
    try {
      mkdirSync(path.dirname(target), { recursive: true });
      this.host.db.transaction(() => {
        this.host.db.prepare('DELETE FROM trash WHERE id = ?').run(trashId);
        id = upsertRecord(
          this.host.db,
          { ...kept.record, relPath: rel },
          kept.favourite,
          kept.tags,
        );
        renameSync(path.join(this.host.trashDir, row.trash_name), target);
      })();
    } catch (err) {
      throw ioError('restore', path.join(this.host.trashDir, row.trash_name), err);
    }
    this.host.annotations.delete(TRASH_KEY + row.trash_name);
    this.host.annotations.set(rel, { favourite: kept.favourite, tags: kept.tags });
    return this.host.item(id);
  }

  /** Deletes every trashed file for good; returns how many. */
  empty(): number {
    const rows = this.host.db.prepare('SELECT * FROM trash').all() as TrashRow[];
    this.host.annotations.batch(() => {
      for (const row of rows) {
        try {
          unlinkSync(path.join(this.host.trashDir, row.trash_name));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
            throw ioError('delete', path.join(this.host.trashDir, row.trash_name), err);
          }
        }
        this.host.db.prepare('DELETE FROM trash WHERE id = ?').run(row.id);
        this.host.annotations.delete(TRASH_KEY + row.trash_name);
      }
    });
    return rows.length;
  }

  entry(r: TrashRow): TrashEntry {
    const kept = JSON.parse(r.row_json) as { record: ImageRecord };
    return {
      id: r.id,
      path: path.join(this.host.trashDir, r.trash_name),
      originalRelPath: r.original_rel_path,
      deletedAt: r.deleted_at,
      prompt: kept.record.prompt,
    };
  }

  private freeTrashName(base: string): string {
    const taken = (name: string) =>
      this.host.db.prepare('SELECT 1 FROM trash WHERE trash_name = ?').get(name) !== undefined ||
      existsInDir(this.host.trashDir, name);
    return freeName(base, taken);
  }

  private freeRelPath(rel: string): string {
    const dir = path.posix.dirname(rel);
    const name = freeName(path.posix.basename(rel), (candidate) => {
      const r = dir === '.' ? candidate : `${dir}/${candidate}`;
      return (
        existsInDir(path.join(this.host.root, ...dir.split('/')), candidate) ||
        this.host.db.prepare('SELECT 1 FROM images WHERE rel_path = ?').get(r) !== undefined
      );
    });
    return dir === '.' ? name : `${dir}/${name}`;
  }

  /** Makes the trash table follow the trash folder's files; returns how many entries there are. */
  async reconcile(errors: string[]): Promise<number> {
    let names: string[] = [];
    try {
      names = (await readdir(this.host.trashDir)).filter((n) => !n.startsWith('.'));
    } catch {
      // no trash folder yet
    }
    const rows = this.host.db.prepare('SELECT * FROM trash').all() as TrashRow[];
    const byName = new Map(rows.map((r) => [r.trash_name, r]));
    const files = new Set(names);
    for (const name of names) {
      if (byName.has(name)) continue;
      const abs = path.join(this.host.trashDir, name);
      const note = this.host.annotations.get(TRASH_KEY + name);
      const s = await stat(abs);
      const original = note?.originalRelPath ?? name;
      const record = await this.host.readRecord(
        { relPath: original, absPath: abs, size: s.size, mtimeMs: Math.floor(s.mtimeMs) },
        errors,
      );
      if (!record) continue;
      const json = JSON.stringify({
        record,
        favourite: note?.favourite === true,
        tags: note?.tags ?? [],
      });
      this.host.db
        .prepare(
          'INSERT INTO trash (trash_name, original_rel_path, row_json, deleted_at) VALUES (?, ?, ?, ?)',
        )
        .run(name, original, json, note?.deletedAt ?? Math.floor(s.mtimeMs));
    }
    this.host.db.transaction(() => {
      for (const row of rows)
        if (!files.has(row.trash_name))
          this.host.db.prepare('DELETE FROM trash WHERE id = ?').run(row.id);
    })();
    return (this.host.db.prepare('SELECT count(*) AS n FROM trash').get() as { n: number }).n;
  }
}

function existsInDir(dir: string, name: string): boolean {
  return existsSync(path.join(dir, name));
}

/** `name`, or `stem (2).ext`, `stem (3).ext`... until `taken` says no. */
export function freeName(name: string, taken: (candidate: string) => boolean): string {
  if (!taken(name)) return name;
  const ext = path.extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 2; ; n++) {
    const candidate = `${stem} (${n})${ext}`;
    if (!taken(candidate)) return candidate;
  }
}

function ioError(action: string, file: string, err: unknown): EmulsionError {
  return new EmulsionError('IO_ERROR', `Cannot ${action} ${file}: ${(err as Error).message}`, {
    file,
  });
}
