/**
 * Bringing the index in line with an output folder, in two steps so that a failure changes
 * nothing: `planScan` reads the folder (the slow, fallible part, with no index writes), then
 * `applyScan` writes the whole result in one transaction. Switching folders and rescanning use the
 * same path with `replace`, so the old index stays whole until the new one commits.
 */
import type Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { recoverInterruptedSaves } from '../metadata/write.ts';
import { Annotations } from './annotations.ts';
import { ioError } from './errors.ts';
import { listImageFiles, mapLimit, PRIVATE_DIR, tryReadRecord, type ImageRecord } from './scan.ts';
import { replaceIndex, upsertRecord, type ImageRow } from './store.ts';
import { applyTrash, planTrash, type TrashPlan, type TrashRow } from './trash.ts';

/** Files read in parallel during a scan: enough to hide disk latency, few enough for 2 cores. */
const SCAN_CONCURRENCY = 8;

/** An output folder with Emulsion's private files in it. */
export interface OutputFolder {
  root: string;
  trashDir: string;
  /** Favourites and tags, `.emulsion/annotations.json`. */
  annotations: Annotations;
}

/**
 * Makes `root` ready to be the output folder: creates it with its trash folder and loads its
 * annotations. Writes nothing else, so a folder that turns out unusable is left as it was.
 */
export function openOutputFolder(root: string): OutputFolder {
  const trashDir = path.join(root, PRIVATE_DIR, 'trash');
  try {
    mkdirSync(trashDir, { recursive: true });
  } catch (err) {
    throw ioError('create the output folder', root, err);
  }
  return {
    root,
    trashDir,
    annotations: new Annotations(path.join(root, PRIVATE_DIR, 'annotations.json')),
  };
}

/** Indexes one record with its favourite and tags from the folder's annotations; returns the id. */
export function upsertAnnotated(
  db: Database.Database,
  annotations: Annotations,
  record: ImageRecord,
): number {
  const note = annotations.get(record.relPath);
  return upsertRecord(db, record, note?.favourite === true, note?.tags ?? []);
}

export interface ScanPlan {
  folder: OutputFolder;
  /** Empty the index and make it cover `folder` (another folder, or a full rescan). */
  replace: boolean;
  /** New or changed files, read from their own metadata. */
  records: ImageRecord[];
  /** Relative paths of indexed files that are gone. */
  gone: string[];
  trash: TrashPlan;
  files: number;
  added: number;
  updated: number;
  recovered: number;
  errors: string[];
}

/**
 * Reads what the index lacks for `folder`: names the PNGs of interrupted saves (in sub-folders
 * too), and reads files that are new or changed (by size and time; with `replace`, all of them).
 */
export async function planScan(
  db: Database.Database,
  folder: OutputFolder,
  replace: boolean,
): Promise<ScanPlan> {
  const errors: string[] = [];
  const recovered = (await recoverInterruptedSaves(folder.root)).length;
  const files = await listImageFiles(folder.root, errors);
  const rows = replace
    ? []
    : (db.prepare('SELECT rel_path, file_size, file_mtime FROM images').all() as ImageRow[]);
  const known = new Map(rows.map((r) => [r.rel_path, r]));
  const changed = files.filter((f) => {
    const row = known.get(f.relPath);
    return !row || row.file_size !== f.size || row.file_mtime !== f.mtimeMs;
  });
  const read = await mapLimit(changed, SCAN_CONCURRENCY, (f) => tryReadRecord(f, errors));
  const present = new Set(files.map((f) => f.relPath));
  const added = changed.filter((f) => !known.has(f.relPath)).length;
  const trashRows = replace ? [] : (db.prepare('SELECT * FROM trash').all() as TrashRow[]);
  return {
    folder,
    replace,
    records: read.filter((r) => r !== undefined),
    gone: [...known.keys()].filter((rel) => !present.has(rel)),
    trash: await planTrash(folder, trashRows, errors),
    files: files.length,
    added,
    updated: changed.length - added,
    recovered,
    errors,
  };
}

/**
 * Writes a plan in one transaction: if any write fails, the index is as it was before. Returns how
 * many entries the trash holds. Favourites and tags are read from the annotations now, not when
 * the plan was made, so a change made meanwhile is kept.
 */
export function applyScan(db: Database.Database, plan: ScanPlan): number {
  const { annotations, root } = plan.folder;
  db.transaction(() => {
    if (plan.replace) replaceIndex(db, root);
    for (const r of plan.records) upsertAnnotated(db, annotations, r);
    const del = db.prepare('DELETE FROM images WHERE rel_path = ?');
    for (const rel of plan.gone) del.run(rel);
    applyTrash(db, plan.trash);
  })();
  return (db.prepare('SELECT count(*) AS n FROM trash').get() as { n: number }).n;
}
