/**
 * Labels, one JSONL file per annotator: labels/<annotator>.jsonl for people and
 * prelabels/<labeller>.jsonl for machines. A record is appended (fsynced) for every key press
 * that sets a label; the latest record for an (image, attribute) wins, so corrections and undo
 * are appends too and nothing is ever rewritten.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { invalidArgument } from '../../../common/errors.ts';
import { Journal, readJournal } from '../store/journal.ts';

export type LabelSourceKind = 'human' | 'machine';

export interface LabelRecord {
  v: 1;
  /** The image's task key, `variant/cell/seed`. */
  image: string;
  attribute: string;
  /** A value, "can't tell", or null to clear an earlier label (undo). */
  value: string | null;
  time: string;
  confidence?: number;
  scores?: Record<string, number>;
  /** A machine caption of the image, checked for warning words. */
  caption?: string;
}

export interface LabelSet {
  name: string;
  kind: LabelSourceKind;
  /** image key → attribute → value (cleared labels removed). */
  labels: Map<string, Map<string, string>>;
  captions: Map<string, string>;
}

const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,40}$/;

export function checkAnnotatorName(name: string, field = 'annotator'): string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name) || name.startsWith('.'))
    throw invalidArgument(field, name, 'letters, digits, ".", "-" or "_" (1–40 characters)');
  return name;
}

function labelFile(dir: string, name: string, kind: LabelSourceKind): string {
  return path.join(
    dir,
    kind === 'human' ? 'labels' : 'prelabels',
    `${checkAnnotatorName(name)}.jsonl`,
  );
}

export async function readLabelSet(
  dir: string,
  name: string,
  kind: LabelSourceKind,
): Promise<LabelSet> {
  const { records } = await readJournal<LabelRecord>(labelFile(dir, name, kind));
  const labels = new Map<string, Map<string, string>>();
  const captions = new Map<string, string>();
  for (const r of records) {
    if (r.caption !== undefined) captions.set(r.image, r.caption);
    if (!r.attribute) continue;
    const forImage = labels.get(r.image) ?? new Map<string, string>();
    if (r.value === null) forImage.delete(r.attribute);
    else forImage.set(r.attribute, r.value);
    labels.set(r.image, forImage);
  }
  return { name, kind, labels, captions };
}

export async function listLabelSources(
  dir: string,
): Promise<{ name: string; kind: LabelSourceKind }[]> {
  const out: { name: string; kind: LabelSourceKind }[] = [];
  for (const [sub, kind] of [
    ['labels', 'human'],
    ['prelabels', 'machine'],
  ] as const) {
    const names = await readdir(path.join(dir, sub)).catch(() => [] as string[]);
    for (const n of names.sort())
      if (n.endsWith('.jsonl')) out.push({ name: n.slice(0, -6), kind });
  }
  return out;
}

/** Appends labels for one annotator; keep one open per labelling session. */
export class LabelWriter {
  private constructor(private readonly journal: Journal<LabelRecord>) {}

  static async open(dir: string, name: string, kind: LabelSourceKind): Promise<LabelWriter> {
    return new LabelWriter(await Journal.open<LabelRecord>(labelFile(dir, name, kind)));
  }

  async write(record: Omit<LabelRecord, 'v' | 'time'>): Promise<void> {
    await this.journal.append({ v: 1, ...record, time: new Date().toISOString() });
  }

  close(): Promise<void> {
    return this.journal.close();
  }
}
