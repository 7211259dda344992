/**
 * The gallery's trash: a folder inside the output folder (`.emulsion/trash`) plus a table holding
 * each trashed image's row, so restoring needs no re-reading. Favourites and tags of trashed images
 * stay in the annotations file under `trash/<name>`, so a rebuilt index still restores them.
 *
 * Deleting and restoring several images happens whole or not at all (file-moves.ts); rebuilding
 * the trash table from the folder is planned here and written by the scan's transaction.
 */
import type Database from 'better-sqlite3';
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { invalidArgument } from '../../common/errors.ts';
import type { GalleryItem, TrashEntry } from '../../common/gallery.ts';
import type { Annotations } from './annotations.ts';
import { ioError } from './errors.ts';
import { withFileMoves } from './file-moves.ts';
import { tryReadRecord, type ImageRecord } from './scan.ts';
import { ITEM_COLUMNS, rowToItem, rowToRecord, upsertRecord, type ImageRow } from './store.ts';

export const TRASH_KEY = 'trash/';

export interface TrashRow {
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
}

/** What a trash row keeps of the image, so restoring needs no re-reading. */
interface KeptRow {
  record: ImageRecord;
  favourite: boolean;
  tags: string[];
}

const INSERT_TRASH =
  'INSERT INTO trash (trash_name, original_rel_path, row_json, deleted_at) VALUES (?, ?, ?, ?)';

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
   * Moves images to the trash, all or none. Every id is checked before anything moves; then the
   * files are renamed and the rows moved in one unit (file-moves.ts), so an unknown id or a failed
   * rename leaves every image where it was. An image whose file is already gone loses its row and
   * gets no entry. Entries come back in the order of `ids`.
   */
  moveToTrash(ids: readonly number[]): TrashEntry[] {
    const { db } = this.host;
    const rows = distinctIds(ids, 'ids').map((id) => {
      const row = db
        .prepare(
          `SELECT ${ITEM_COLUMNS}, images.settings, images.warnings FROM images WHERE id = ?`,
        )
        .get(id) as ImageRow | undefined;
      if (!row) throw invalidArgument('ids', id, 'ids of images in the gallery');
      return row;
    });
    const deletedAt = Date.now();
    const moved: { item: GalleryItem; name: string }[] = [];
    const gone: GalleryItem[] = [];
    withFileMoves(db, (move) => {
      for (const row of rows) {
        const item = rowToItem(this.host.root, row);
        const name = this.freeTrashName(path.basename(item.relPath));
        try {
          move(item.path, path.join(this.host.trashDir, name));
        } catch (err) {
          // ENOENT also means a missing trash folder: only a missing image counts as gone.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || existsSync(item.path))
            throw ioError('move to the trash', item.path, err);
          db.prepare('DELETE FROM images WHERE id = ?').run(row.id);
          gone.push(item);
          continue;
        }
        const kept: KeptRow = {
          record: rowToRecord(row),
          favourite: item.favourite,
          tags: item.tags,
        };
        db.prepare(INSERT_TRASH).run(name, item.relPath, JSON.stringify(kept), deletedAt);
        db.prepare('DELETE FROM images WHERE id = ?').run(row.id);
        moved.push({ item, name });
      }
    });
    this.host.annotations.batch(() => {
      for (const item of gone) this.host.annotations.delete(item.relPath);
      for (const { item, name } of moved) {
        this.host.annotations.delete(item.relPath);
        this.host.annotations.set(TRASH_KEY + name, {
          favourite: item.favourite,
          tags: item.tags,
          originalRelPath: item.relPath,
          deletedAt,
        });
      }
    });
    const byName = db.prepare('SELECT * FROM trash WHERE trash_name = ?');
    return moved.map(({ name }) => this.entry(byName.get(name) as TrashRow));
  }

  /**
   * Puts trashed images back where they were, or beside the original name if it is taken now; all
   * or none, like `moveToTrash`. Items come back in the order of `trashIds`.
   */
  restore(trashIds: readonly number[]): GalleryItem[] {
    const { db } = this.host;
    const rows = distinctIds(trashIds, 'trashIds').map((trashId) => {
      const row = db.prepare('SELECT * FROM trash WHERE id = ?').get(trashId) as
        TrashRow | undefined;
      if (!row) throw invalidArgument('trashIds', trashId, 'ids of entries in the trash');
      return row;
    });
    const restored: { id: number; rel: string; kept: KeptRow; trashName: string }[] = [];
    withFileMoves(db, (move) => {
      for (const row of rows) {
        const kept = JSON.parse(row.row_json) as KeptRow;
        const rel = this.freeRelPath(row.original_rel_path);
        const from = path.join(this.host.trashDir, row.trash_name);
        const target = path.join(this.host.root, ...rel.split('/'));
        db.prepare('DELETE FROM trash WHERE id = ?').run(row.id);
        const id = upsertRecord(db, { ...kept.record, relPath: rel }, kept.favourite, kept.tags);
        try {
          mkdirSync(path.dirname(target), { recursive: true });
          move(from, target);
        } catch (err) {
          throw ioError('restore', from, err);
        }
        restored.push({ id, rel, kept, trashName: row.trash_name });
      }
    });
    this.host.annotations.batch(() => {
      for (const { rel, kept, trashName } of restored) {
        this.host.annotations.delete(TRASH_KEY + trashName);
        this.host.annotations.set(rel, { favourite: kept.favourite, tags: kept.tags });
      }
    });
    return restored.map(({ id }) => this.host.item(id));
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
    const kept = JSON.parse(r.row_json) as KeptRow;
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
}

/** What `applyTrash` changes to make the trash table follow the trash folder. */
export interface TrashPlan {
  /** Files in the trash folder without a row, read back from their own metadata. */
  additions: { name: string; originalRelPath: string; rowJson: string; deletedAt: number }[];
  /** Ids of rows whose file is no longer in the trash folder. */
  removals: number[];
}

/**
 * Compares the trash folder with the trash rows the index has for it (none when indexing a folder
 * anew) and reads the files that have no row. Changes nothing; `applyTrash` writes the result.
 */
export async function planTrash(
  folder: { trashDir: string; annotations: Annotations },
  rows: readonly TrashRow[],
  errors: string[],
): Promise<TrashPlan> {
  let names: string[] = [];
  try {
    names = (await readdir(folder.trashDir)).filter((n) => !n.startsWith('.'));
  } catch {
    // no trash folder yet
  }
  const byName = new Set(rows.map((r) => r.trash_name));
  const files = new Set(names);
  const additions: TrashPlan['additions'] = [];
  for (const name of names) {
    if (byName.has(name)) continue;
    const abs = path.join(folder.trashDir, name);
    const note = folder.annotations.get(TRASH_KEY + name);
    const original = note?.originalRelPath ?? name;
    let mtimeMs: number;
    let size: number;
    try {
      const s = await stat(abs);
      [mtimeMs, size] = [Math.floor(s.mtimeMs), s.size];
    } catch (err) {
      errors.push(`${TRASH_KEY}${name}: ${(err as Error).message}`);
      continue;
    }
    const record = await tryReadRecord({ relPath: original, absPath: abs, size, mtimeMs }, errors);
    if (!record) continue;
    const kept: KeptRow = { record, favourite: note?.favourite === true, tags: note?.tags ?? [] };
    additions.push({
      name,
      originalRelPath: original,
      rowJson: JSON.stringify(kept),
      deletedAt: note?.deletedAt ?? mtimeMs,
    });
  }
  const removals = rows.filter((r) => !files.has(r.trash_name)).map((r) => r.id);
  return { additions, removals };
}

/** Writes a TrashPlan; call inside the transaction that writes the rest of the scan. */
export function applyTrash(db: Database.Database, plan: TrashPlan): void {
  const insert = db.prepare(INSERT_TRASH);
  for (const a of plan.additions) insert.run(a.name, a.originalRelPath, a.rowJson, a.deletedAt);
  const remove = db.prepare('DELETE FROM trash WHERE id = ?');
  for (const id of plan.removals) remove.run(id);
}

/** `ids` as given; throws naming `field` unless it is an array with each id once. */
function distinctIds(ids: readonly number[], field: string): readonly number[] {
  if (!Array.isArray(ids)) throw invalidArgument(field, ids, 'an array of ids');
  const seen = new Set<number>();
  for (const id of ids) {
    if (seen.has(id)) throw invalidArgument(field, id, 'ids listed once each');
    seen.add(id);
  }
  return ids;
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
