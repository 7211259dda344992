/**
 * Runs a labeller over an audit's finished images. Resumable like the image run: images the
 * labeller already labelled (for every attribute it supports) are skipped.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { invalidArgument } from '../../../common/errors.ts';
import type { Labeller } from '../labellers/types.ts';
import { LabelWriter, readLabelSet } from './labels.ts';
import { readAudit, readImages } from './store.ts';

export interface PrelabelOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface PrelabelResult {
  labelled: number;
  skipped: number;
  attributes: string[];
  status: 'complete' | 'cancelled';
}

export async function prelabelAudit(
  dir: string,
  labeller: Labeller,
  options: PrelabelOptions = {},
): Promise<PrelabelResult> {
  const def = await readAudit(dir);
  const attributes = def.attributes.filter((a) => labeller.supports(a));
  if (attributes.length === 0)
    throw invalidArgument(
      'labeller',
      labeller.id,
      `a labeller that supports one of this audit's attributes (${def.attributes.map((a) => a.name).join(', ')})`,
    );
  const { byKey } = await readImages(dir);
  const existing = await readLabelSet(dir, labeller.id, 'machine');
  const writer = await LabelWriter.open(dir, labeller.id, 'machine');
  const total = byKey.size;
  let labelled = 0;
  let skipped = 0;
  let status: PrelabelResult['status'] = 'complete';
  try {
    for (const record of byKey.values()) {
      const have = existing.labels.get(record.key);
      if (attributes.every((a) => have?.has(a.name))) {
        skipped++;
        continue;
      }
      if (options.signal?.aborted) {
        status = 'cancelled';
        break;
      }
      const guesses = await labeller.label(await readFile(path.join(dir, record.file)), attributes);
      for (const [attribute, guess] of Object.entries(guesses))
        await writer.write({
          image: record.key,
          attribute,
          value: guess.value,
          confidence: guess.confidence,
          scores: guess.scores,
        });
      labelled++;
      options.onProgress?.(labelled + skipped, total);
    }
  } finally {
    await writer.close();
  }
  return { labelled, skipped, attributes: attributes.map((a) => a.name), status };
}
