/**
 * Runs a benchmark into a folder (benchmark.json, journal.jsonl, images/<variant>/<prompt>-<seed>.png),
 * resumably, with the same journal rules as audits (store/image-run.ts).
 */
import path from 'node:path';
import { EmulsionError } from '../../../common/errors.ts';
import { canonicalJson } from '../audit/store.ts';
import type { GenerateFn } from '../generator.ts';
import { loadPartiPrompts, type PartiPrompt } from '../resources.ts';
import { readJsonFile, writeFileAtomic } from '../store/files.ts';
import {
  readDoneKeys,
  runImageTasks,
  type ImageRecordBase,
  type ImageRunProgress,
  type ImageRunResult,
} from '../store/image-run.ts';
import { selectPrompts, validateBenchmark, type BenchmarkSpec } from './spec.ts';

export const BENCHMARK_FILE = 'benchmark.json';
export const BENCHMARK_JOURNAL = 'journal.jsonl';

export interface BenchmarkImage extends ImageRecordBase {
  variant: string;
  promptId: number;
  prompt: string;
  category: string;
  challenge: string;
}

export function benchmarkKey(variant: string, promptId: number, seed: number): string {
  return `${variant}/${promptId}/${seed}`;
}

export async function createBenchmark(dir: string, spec: BenchmarkSpec): Promise<void> {
  validateBenchmark(spec);
  const file = path.join(dir, BENCHMARK_FILE);
  const existing = await readJsonFile<BenchmarkSpec>(file);
  if (existing && canonicalJson(existing) !== canonicalJson(spec))
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      `${dir} already holds a different benchmark ("${existing.name}").`,
      {
        field: 'dir',
        received: dir,
        allowed: 'an empty folder or one holding the same benchmark',
      },
    );
  if (!existing) await writeFileAtomic(file, JSON.stringify(spec, null, 2) + '\n');
}

export async function readBenchmark(
  dir: string,
): Promise<{ spec: BenchmarkSpec; prompts: PartiPrompt[] }> {
  const spec = await readJsonFile<BenchmarkSpec>(path.join(dir, BENCHMARK_FILE));
  if (!spec)
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      `${dir} is not a benchmark folder (no ${BENCHMARK_FILE}).`,
      {
        field: 'dir',
        received: dir,
      },
    );
  return {
    spec: validateBenchmark(spec),
    prompts: selectPrompts(await loadPartiPrompts(), spec.prompts),
  };
}

export async function readBenchmarkImages(dir: string): Promise<Map<string, BenchmarkImage>> {
  return readDoneKeys<BenchmarkImage>(path.join(dir, BENCHMARK_JOURNAL));
}

export async function runBenchmark(
  dir: string,
  options: {
    generate: GenerateFn;
    signal?: AbortSignal;
    onProgress?: (p: ImageRunProgress) => void;
    limit?: number;
  },
): Promise<ImageRunResult> {
  const { spec, prompts } = await readBenchmark(dir);
  const tasks = spec.variants.flatMap((variant) =>
    prompts.flatMap((p) =>
      spec.seeds.map((seed) => ({
        key: benchmarkKey(variant.id, p.id, seed),
        file: `images/${variant.id}/${p.id}-${seed}.png`,
        request: { ...spec.settings, ...variant.settings, prompt: p.prompt, seed },
        extra: {
          variant: variant.id,
          promptId: p.id,
          prompt: p.prompt,
          category: p.category,
          challenge: p.challenge,
        },
      })),
    ),
  );
  return runImageTasks(dir, BENCHMARK_JOURNAL, tasks, options);
}
