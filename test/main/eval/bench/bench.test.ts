import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createBenchmark,
  readBenchmarkImages,
  runBenchmark,
} from '../../../../main/eval/bench/run.ts';
import { selectPrompts, type BenchmarkSpec } from '../../../../main/eval/bench/spec.ts';
import { loadPartiPrompts } from '../../../../main/eval/resources.ts';
import { fakeGenerator } from '../fixtures/shapes.ts';

describe('selectPrompts', () => {
  it('filters by category and challenge, then samples with a seed', async () => {
    const all = await loadPartiPrompts();
    const food = selectPrompts(all, { categories: ['Food & Beverage'] });
    expect(food).toHaveLength(74);
    const basicFood = selectPrompts(all, {
      categories: ['Food & Beverage'],
      challenges: ['Basic'],
    });
    expect(
      basicFood.every((p) => p.category === 'Food & Beverage' && p.challenge === 'Basic'),
    ).toBe(true);
    const sample = selectPrompts(all, { categories: ['Animals'], limit: 5, sampleSeed: 3 });
    expect(sample).toHaveLength(5);
    expect(selectPrompts(all, { categories: ['Animals'], limit: 5, sampleSeed: 3 })).toEqual(
      sample,
    );
    expect(selectPrompts(all, { categories: ['Animals'], limit: 5, sampleSeed: 4 })).not.toEqual(
      sample,
    );
    expect(selectPrompts(all, { ids: [1, 3] }).map((p) => p.prompt)).toEqual(['bond', 'molecule']);
  });

  it('names an unknown category and lists the real ones', async () => {
    const all = await loadPartiPrompts();
    expect(() => selectPrompts(all, { categories: ['Robots'] })).toThrow(
      /`categories` must be one of Abstract.*received "Robots"/,
    );
  });
});

describe('runBenchmark', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-bench-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('renders every prompt and seed for every variant, resumably', async () => {
    const spec: BenchmarkSpec = {
      version: 1,
      name: 'demo',
      prompts: { categories: ['Abstract'], limit: 3, sampleSeed: 1 },
      seeds: [0, 1],
      settings: { width: 64, height: 64, steps: 2 },
      variants: [
        { id: 'a', label: 'A', settings: { cfg: 7 } },
        { id: 'b', label: 'B', settings: { cfg: 3 } },
      ],
    };
    await createBenchmark(dir, spec);
    const calls: string[] = [];
    const first = await runBenchmark(dir, { generate: fakeGenerator({ calls }), limit: 5 });
    expect(first).toMatchObject({ status: 'limited', generated: 5 });
    const second = await runBenchmark(dir, { generate: fakeGenerator({ calls }) });
    expect(second).toMatchObject({ status: 'complete', done: 12, generated: 7 });
    expect(calls).toHaveLength(12);
    const images = await readBenchmarkImages(dir);
    const one = [...images.values()][0];
    expect(one).toMatchObject({
      variant: 'a',
      category: 'Abstract',
      challenge: expect.any(String),
    });
  });
});
