import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rankVotes, scoreAgreement } from '../../../../main/eval/ab/ranking.ts';
import { AbSession, type AbSessionSpec, type AbVote } from '../../../../main/eval/ab/session.ts';
import { createBenchmark, runBenchmark } from '../../../../main/eval/bench/run.ts';
import { fakeGenerator } from '../fixtures/shapes.ts';

let dir: string;
let bench: string;
const spec: AbSessionSpec = {
  version: 1,
  benchmark: '../bench',
  variants: ['a', 'b'],
  seed: 11,
  annotator: 'ana',
};

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-ab-'));
  bench = path.join(dir, 'bench');
  await createBenchmark(bench, {
    version: 1,
    name: 'ab',
    prompts: {
      categories: ['Abstract', 'Food & Beverage'],
      challenges: ['Basic'],
      limit: 5,
      sampleSeed: 2,
    },
    seeds: [0, 1],
    settings: { width: 32, height: 32 },
    variants: [
      { id: 'a', label: 'A', settings: { cfg: 7 } },
      { id: 'b', label: 'B', settings: { cfg: 3 } },
      { id: 'c', label: 'C', settings: { cfg: 1 } },
    ],
  });
  await runBenchmark(bench, { generate: fakeGenerator({ size: 32 }) });
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('AbSession', () => {
  it('pairs the same prompt and seed across variants with seeded random sides', async () => {
    const s = await AbSession.open(path.join(dir, 'session'), spec);
    expect(s.pairs).toHaveLength(5 * 2);
    for (const p of s.pairs) {
      expect(new Set([p.left.variant, p.right.variant])).toEqual(new Set(['a', 'b']));
      expect(p.left.key.split('/').slice(1)).toEqual(p.right.key.split('/').slice(1));
    }
    const leftA = s.pairs.filter((p) => p.left.variant === 'a').length;
    expect(leftA).toBeGreaterThan(0);
    expect(leftA).toBeLessThan(10);
    await s.close();
    const again = await AbSession.open(path.join(dir, 'session'));
    expect(again.pairs).toEqual(s.pairs);
    await again.close();
  });

  it('judges all pairs of three variants', async () => {
    const s = await AbSession.open(path.join(dir, 'three'), { ...spec, variants: ['a', 'b', 'c'] });
    expect(s.pairs).toHaveLength(5 * 2 * 3);
    await s.close();
  });

  it('persists votes, resumes at the next pair after a restart, and ranks', async () => {
    const sessionDir = path.join(dir, 'session');
    let s = await AbSession.open(sessionDir, spec);
    // The user prefers variant a whenever it is shown; 6 of 10 pairs voted before the "crash".
    const prefer = (pair: NonNullable<ReturnType<AbSession['next']>>) =>
      pair.left.variant === 'a' ? 'left' : 'right';
    for (let i = 0; i < 6; i++) {
      const pair = s.next()!;
      await s.vote(pair.id, i === 5 ? 'tie' : prefer(pair));
    }
    const sixth = s.pairs[6];
    await s.close();
    s = await AbSession.open(sessionDir);
    expect(s.progress()).toEqual({ voted: 6, total: 10, skipped: 0 });
    expect(s.next()).toEqual(sixth);
    await expect(s.vote(s.pairs[0].id, 'left')).rejects.toThrow(/`pair`/);
    await expect(s.vote(sixth.id, 'up' as never)).rejects.toThrow(/`choice`/);
    await s.vote(s.next()!.id, 'skip');
    while (s.next()) await s.vote(s.next()!.id, prefer(s.next()!));
    const ranking = rankVotes(['a', 'b'], s.allVotes(), { iterations: 100 });
    expect(ranking).toMatchObject({ votes: 9, ties: 1, skips: 1 });
    expect(ranking.ratings[0]).toMatchObject({ item: 'a', wins: 8, losses: 0, ties: 1 });
    expect(ranking.winRates.find((w) => w.category === 'all' && w.item === 'a')!.rate).toBeCloseTo(
      8.5 / 9,
      12,
    );
    await s.close();
  });

  it('refuses a different spec in the same folder', async () => {
    const s = await AbSession.open(path.join(dir, 'session'), spec);
    await s.close();
    await expect(AbSession.open(path.join(dir, 'session'), { ...spec, seed: 12 })).rejects.toThrow(
      /different judging/,
    );
  });
});

describe('scoreAgreement', () => {
  const vote = (choice: AbVote['choice'], left: string, promptId: number): AbVote => ({
    v: 1,
    pair: `${promptId}`,
    choice,
    left,
    right: left === 'a' ? 'b' : 'a',
    promptId,
    seed: 0,
    category: 'x',
    time: '',
  });

  it('counts decisive votes where the higher score is the chosen image', () => {
    const scores = new Map([
      ['a/1/0', 30],
      ['b/1/0', 20],
      ['a/2/0', 25],
      ['b/2/0', 28],
      ['a/3/0', 22],
      ['b/3/0', 22],
    ]);
    const votes = [
      vote('left', 'a', 1), // chose a (30 > 20): agree
      vote('right', 'b', 1), // chose a again, right side: agree
      vote('left', 'a', 2), // chose a (25 < 28): disagree
      vote('tie', 'a', 2), // no winner: left out
      vote('left', 'a', 3), // equal scores: undecided
      vote('left', 'a', 4), // no scores: undecided
    ];
    const r = scoreAgreement('clipscore', votes, scores);
    expect(r).toMatchObject({ n: 3, agree: 2, undecided: 2 });
    expect(r.rate).toBeCloseTo(2 / 3, 12);
  });
});
