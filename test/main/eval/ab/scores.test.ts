import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreAgreement } from '../../../../main/eval/ab/ranking.ts';
import { computeClipScores, readScores } from '../../../../main/eval/ab/scores.ts';
import { AbSession } from '../../../../main/eval/ab/session.ts';
import { createBenchmark, runBenchmark } from '../../../../main/eval/bench/run.ts';
import { loadClipModel, type ClipModel } from '../../../../main/eval/clip/model.ts';
import type { GenerateFn } from '../../../../main/eval/generator.ts';
import { fakeGenerator } from '../fixtures/shapes.ts';
import { buildTinyClip } from '../fixtures/tiny-clip.ts';

let dir: string;
let model: ClipModel;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-scores-'));
  model = await loadClipModel(await buildTinyClip(path.join(dir, 'clip')));
});
afterAll(async () => {
  await model?.release();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('CLIPScore on a benchmark and its agreement with votes', () => {
  it('scores each image once and agrees with a judge who prefers the faithful colour', async () => {
    const bench = path.join(dir, 'bench');
    // PartiPrompts 121 "a red circle", 123 "a yellow box", 128 "a blue metallic sphere".
    await createBenchmark(bench, {
      version: 1,
      name: 'colours',
      prompts: { ids: [121, 123, 128] },
      seeds: [0, 1],
      settings: { width: 32, height: 32 },
      variants: [
        { id: 'faithful', label: 'faithful', settings: { cfg: 7 } },
        { id: 'green', label: 'always green', settings: { cfg: 3 } },
      ],
    });
    const inner = fakeGenerator({ size: 32 });
    // Variant "green" ignores the prompt's colour, as a model with poor prompt adherence would.
    const generate: GenerateFn = (input, signal) =>
      inner(
        input.cfg === 3
          ? { ...input, prompt: input.prompt.replace(/red|yellow|blue/, 'green') }
          : input,
        signal,
      );
    await runBenchmark(bench, { generate });
    const scores = await computeClipScores(bench, model);
    expect(scores.size).toBe(12);
    expect(scores.get('faithful/121/0')!).toBeGreaterThan(scores.get('green/121/0')!);
    let progress = 0;
    await computeClipScores(bench, model, { onProgress: () => progress++ });
    expect(progress).toBe(0);
    expect(await readScores(bench, 'clipscore')).toEqual(scores);

    const session = await AbSession.open(path.join(dir, 'ab'), {
      version: 1,
      benchmark: bench,
      variants: ['faithful', 'green'],
      seed: 4,
      annotator: 'ana',
    });
    for (let pair = session.next(); pair; pair = session.next())
      await session.vote(pair.id, pair.left.variant === 'faithful' ? 'left' : 'right');
    const agreement = scoreAgreement('CLIPScore', session.allVotes(), scores);
    await session.close();
    expect(agreement).toMatchObject({ n: 6, agree: 6, rate: 1, undecided: 0 });
  });
});
