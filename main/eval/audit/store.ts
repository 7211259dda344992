/**
 * The audit folder:
 *
 *   audit.json          the definition, written once (a resumed run must match it)
 *   journal.jsonl       one ImageRecord per finished image, appended with fsync
 *   images/<variant>/<cell>/<seed>.png
 *   labels/<annotator>.jsonl      human labels, one file per annotator
 *   prelabels/<labeller>.jsonl    automatic labels, one file per labeller
 *   report/             HTML, CSV and JSON exports
 *
 * NOTE: images live in the audit folder for now; indexing them in the gallery is left to the
 * gallery's import, which can read journal.jsonl (prompt, seed and settings are all there).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError } from '../../../common/errors.ts';
import { readJournal } from '../store/journal.ts';
import { exists, readJsonFile, writeFileAtomic } from '../store/files.ts';
import { validateDefinition, type AuditDefinition, type AuditTask } from './definition.ts';

export const AUDIT_FILE = 'audit.json';
export const JOURNAL_FILE = 'journal.jsonl';

export interface ImageRecord {
  v: 1;
  key: string;
  variant: string;
  cell: string;
  seed: number;
  prompt: string;
  /** Relative to the audit folder, with forward slashes. */
  file: string;
  width: number;
  height: number;
  scheduler?: string;
  model?: string;
  time: string;
  /** The image was found complete on disk after a crash and journaled without regenerating. */
  recovered?: boolean;
}

export function imageFile(task: Pick<AuditTask, 'variant' | 'cell' | 'seed'>): string {
  return `images/${task.variant}/${task.cell}/${task.seed}.png`;
}

/** JSON with sorted keys, so two equal definitions compare equal as text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

/**
 * Creates the audit folder, or accepts an existing one whose definition is identical (so
 * `audit run` on the same file resumes). A different definition in the same folder is refused:
 * mixing two designs would make the statistics meaningless.
 */
export async function createAudit(dir: string, def: AuditDefinition): Promise<void> {
  validateDefinition(def);
  const file = path.join(dir, AUDIT_FILE);
  const existing = await readJsonFile<AuditDefinition>(file);
  if (existing) {
    if (canonicalJson(existing) === canonicalJson(def)) return;
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      `${dir} already holds a different audit ("${existing.name}"). Choose a new folder, or run the existing audit without a definition to resume it.`,
      { field: 'dir', received: dir, allowed: 'an empty folder or one holding the same audit' },
    );
  }
  await fs.mkdir(dir, { recursive: true });
  await writeFileAtomic(file, JSON.stringify(def, null, 2) + '\n');
}

export async function readAudit(dir: string): Promise<AuditDefinition> {
  const def = await readJsonFile<AuditDefinition>(path.join(dir, AUDIT_FILE));
  if (!def)
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      `${dir} is not an audit folder (no ${AUDIT_FILE}).`,
      {
        field: 'dir',
        received: dir,
        allowed: `a folder holding ${AUDIT_FILE}`,
      },
    );
  return validateDefinition(def);
}

export async function isAuditFolder(dir: string): Promise<boolean> {
  return exists(path.join(dir, AUDIT_FILE));
}

export interface AuditImages {
  /** Finished images by task key, in journal order. */
  byKey: Map<string, ImageRecord>;
  /** Journal lines that repeated a key already journaled (should stay 0). */
  duplicates: number;
}

export async function readImages(dir: string): Promise<AuditImages> {
  const { records } = await readJournal<ImageRecord>(path.join(dir, JOURNAL_FILE));
  const byKey = new Map<string, ImageRecord>();
  let duplicates = 0;
  for (const r of records) {
    if (byKey.has(r.key)) duplicates++;
    else byKey.set(r.key, r);
  }
  return { byKey, duplicates };
}
