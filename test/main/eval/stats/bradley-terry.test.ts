import { describe, expect, it } from 'vitest';
import { createUniform } from '../../../../main/eval/random.ts';
import {
  bradleyTerryRatings,
  fitBradleyTerry,
  winProbability,
  winRatesByCategory,
  type Comparison,
} from '../../../../main/eval/stats/index.ts';

const repeat = (c: Comparison, n: number): Comparison[] => Array.from({ length: n }, () => c);

describe('fitBradleyTerry', () => {
  it('gives the closed-form MLE for two items: γ_A/γ_B = wins_A/wins_B', () => {
    // 3 wins to 1: γ_A/γ_B = 3, normalised to geometric mean 1 → ln γ_A = ½ ln 3.
    const votes = [
      ...repeat({ a: 'A', b: 'B', outcome: 'a' }, 3),
      { a: 'A', b: 'B', outcome: 'b' } as const,
    ];
    const fit = fitBradleyTerry(['A', 'B'], votes, { prior: 0 });
    expect(fit.converged).toBe(true);
    expect(fit.logStrength[0]).toBeCloseTo(Math.log(3) / 2, 8);
    expect(winProbability(fit, 'A', 'B')).toBeCloseTo(0.75, 8);
  });

  it('counts a tie as half a win for each side', () => {
    // 3 wins, 1 loss, 2 ties: W_A = 4, W_B = 2 → ratio 2.
    const votes: Comparison[] = [
      ...repeat({ a: 'A', b: 'B', outcome: 'a' }, 3),
      { a: 'B', b: 'A', outcome: 'a' },
      ...repeat({ a: 'A', b: 'B', outcome: 'tie' }, 2),
    ];
    const fit = fitBradleyTerry(['A', 'B'], votes, { prior: 0 });
    expect(winProbability(fit, 'A', 'B')).toBeCloseTo(2 / 3, 8);
  });

  it('gives equal strengths to a balanced cycle', () => {
    const votes: Comparison[] = [
      ...repeat({ a: 'A', b: 'B', outcome: 'a' }, 2),
      { a: 'A', b: 'B', outcome: 'b' },
      ...repeat({ a: 'B', b: 'C', outcome: 'a' }, 2),
      { a: 'B', b: 'C', outcome: 'b' },
      ...repeat({ a: 'C', b: 'A', outcome: 'a' }, 2),
      { a: 'C', b: 'A', outcome: 'b' },
    ];
    const fit = fitBradleyTerry(['A', 'B', 'C'], votes, { prior: 0 });
    for (const s of fit.logStrength) expect(s).toBeCloseTo(0, 8);
  });

  it('refuses the plain MLE when an item never lost, and stays finite with the prior', () => {
    const votes = repeat({ a: 'A', b: 'B', outcome: 'a' }, 5);
    expect(() => fitBradleyTerry(['A', 'B'], votes, { prior: 0 })).toThrow(/Assumption 1/);
    const fit = fitBradleyTerry(['A', 'B'], votes, { prior: 0.5 });
    // W_A = 5.25, W_B = 0.25, N = 5.5 → ratio 21.
    expect(winProbability(fit, 'A', 'B')).toBeCloseTo(21 / 22, 8);
  });

  it('recovers known strengths from simulated votes', () => {
    const truth = { A: 1, B: 2, C: 4, D: 8 };
    const names = Object.keys(truth) as (keyof typeof truth)[];
    const rng = createUniform(42);
    const votes: Comparison[] = [];
    for (let i = 0; i < names.length; i++)
      for (let j = i + 1; j < names.length; j++)
        for (let n = 0; n < 400; n++) {
          const p = truth[names[i]] / (truth[names[i]] + truth[names[j]]);
          votes.push({ a: names[i], b: names[j], outcome: rng.next() < p ? 'a' : 'b' });
        }
    const fit = fitBradleyTerry(names, votes, { prior: 0 });
    // True log-strengths, centred: ln 1, ln 2, ln 4, ln 8 minus their mean 1.5 ln 2.
    names.forEach((name, i) => {
      const expected = Math.log(truth[name]) - 1.5 * Math.LN2;
      expect(Math.abs(fit.logStrength[i] - expected)).toBeLessThan(0.12);
    });
  });
});

describe('bradleyTerryRatings', () => {
  it('ranks best first with bootstrap intervals that contain the estimate', () => {
    const votes: Comparison[] = [
      ...repeat({ a: 'x', b: 'y', outcome: 'a' }, 14),
      ...repeat({ a: 'x', b: 'y', outcome: 'b' }, 4),
      ...repeat({ a: 'x', b: 'y', outcome: 'tie' }, 2),
    ];
    const ratings = bradleyTerryRatings(['x', 'y'], votes, { iterations: 200, seed: 5 });
    expect(ratings.map((r) => r.item)).toEqual(['x', 'y']);
    expect(ratings[0]).toMatchObject({ wins: 14, losses: 4, ties: 2, comparisons: 20 });
    for (const r of ratings) {
      expect(r.low).toBeLessThanOrEqual(r.logStrength + 1e-9);
      expect(r.high).toBeGreaterThanOrEqual(r.logStrength - 1e-9);
    }
    expect(ratings[0].low).toBeGreaterThan(0);
    // Elo scale: 1000 + 400 log10 γ.
    expect(ratings[0].elo).toBeCloseTo(1000 + (400 * ratings[0].logStrength) / Math.LN10, 9);
  });
});

describe('winRatesByCategory', () => {
  it('counts ties as half wins per category and overall', () => {
    const rows = winRatesByCategory([
      { a: 'A', b: 'B', outcome: 'a', category: 'Animals' },
      { a: 'A', b: 'B', outcome: 'tie', category: 'Animals' },
      { a: 'B', b: 'A', outcome: 'a', category: 'Animals' },
      { a: 'A', b: 'B', outcome: 'a', category: 'Food & Beverage' },
    ]);
    const get = (category: string, item: string) =>
      rows.find((r) => r.category === category && r.item === item)!;
    expect(get('Animals', 'A')).toMatchObject({ wins: 1, losses: 1, ties: 1, rate: 0.5 });
    expect(get('all', 'A')).toMatchObject({ wins: 2, comparisons: 4, rate: 0.625 });
    expect(get('Food & Beverage', 'B').rate).toBe(0);
    expect(rows[0].category).toBe('all');
  });
});
