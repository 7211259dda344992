/**
 * Renaming files and writing rows as one unit, for the trash: a delete or restore of several
 * images either happens whole or not at all.
 *
 * SQLite can roll rows back but not renames, so every rename is recorded; if anything throws (a
 * rename, a row, the commit itself) the renames are undone newest first and the transaction rolls
 * back. An undo that fails too leaves the file at its new place with the old rows; nothing is lost,
 * and the next reconcile indexes the file where it is (images by their own metadata, the trash
 * from the trash folder).
 */
import type Database from 'better-sqlite3';
import { renameSync } from 'node:fs';
import { createLogger } from '../engine/log.ts';

const log = createLogger('gallery');

/** Renames `from` to `to`; the undo, if any, puts it back. */
export type MoveFile = (from: string, to: string) => void;

export function withFileMoves<T>(db: Database.Database, fn: (move: MoveFile) => T): T {
  const done: { from: string; to: string }[] = [];
  const move: MoveFile = (from, to) => {
    renameSync(from, to);
    done.push({ from, to });
  };
  try {
    return db.transaction(() => fn(move))();
  } catch (err) {
    for (const { from, to } of done.reverse()) {
      try {
        renameSync(to, from);
      } catch (undoErr) {
        log.error('could not move a file back after a failed trash operation', {
          file: to,
          wasAt: from,
          reason: (undoErr as Error).message,
        });
      }
    }
    throw err;
  }
}
