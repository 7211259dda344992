/**
 * Automatic scores of a benchmark's images, kept in <benchmark>/scores/<scorer>.jsonl and
 * computed resumably (one fsynced line per image). CLIPScore needs a user-supplied CLIP model.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readBenchmarkImages } from '../bench/run.ts';
import type { ClipModel } from '../clip/model.ts';
import { clipScoreOf } from '../clip/score.ts';
import { Journal, readJournal } from '../store/journal.ts';

interface ScoreRecord {
  v: 1;
  key: string;
  score: number;
}

function scoreFile(benchDir: string, scorer: string): string {
  return path.join(benchDir, 'scores', `${scorer}.jsonl`);
}

export async function readScores(benchDir: string, scorer: string): Promise<Map<string, number>> {
  const { records } = await readJournal<ScoreRecord>(scoreFile(benchDir, scorer));
  return new Map(records.map((r) => [r.key, r.score]));
}

export async function computeClipScores(
  benchDir: string,
  model: ClipModel,
  options: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void } = {},
): Promise<Map<string, number>> {
  const images = await readBenchmarkImages(benchDir);
  const have = await readScores(benchDir, 'clipscore');
  const journal = await Journal.open<ScoreRecord>(scoreFile(benchDir, 'clipscore'));
  let done = 0;
  try {
    for (const image of images.values()) {
      done++;
      if (have.has(image.key)) continue;
      if (options.signal?.aborted) break;
      const [embedding] = await model.embedImages([
        await readFile(path.join(benchDir, image.file)),
      ]);
      const [caption] = await model.embedTexts([image.prompt]);
      const score = clipScoreOf(embedding, caption);
      await journal.append({ v: 1, key: image.key, score });
      have.set(image.key, score);
      options.onProgress?.(done, images.size);
    }
  } finally {
    await journal.close();
  }
  return have;
}
