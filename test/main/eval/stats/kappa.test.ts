import { describe, expect, it } from 'vitest';
import { CANT_TELL, cohensKappa } from '../../../../main/eval/stats/index.ts';

function pairs(rows: [string, string, number][]): [string, string][] {
  return rows.flatMap(([a, b, n]) => Array.from({ length: n }, () => [a, b] as [string, string]));
}

describe('cohensKappa', () => {
  it('gives 0.4 on the textbook 2×2 table (20, 5 / 10, 15)', () => {
    // p_o = 35/50 = 0.7; A says yes 25/50, B says yes 30/50;
    // p_e = 0.5·0.6 + 0.5·0.4 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4.
    // SE = sqrt(0.7 · 0.3 / (50 · 0.25)) = sqrt(0.0168) = 0.129615.
    const r = cohensKappa(
      pairs([
        ['yes', 'yes', 20],
        ['yes', 'no', 5],
        ['no', 'yes', 10],
        ['no', 'no', 15],
      ]),
    );
    expect(r.observed).toBeCloseTo(0.7, 12);
    expect(r.expected).toBeCloseTo(0.5, 12);
    expect(r.kappa).toBeCloseTo(0.4, 12);
    expect(r.standardError).toBeCloseTo(0.129615, 5);
    expect(r.categories).toEqual(['no', 'yes']);
    expect(r.table).toEqual([
      [15, 10],
      [5, 20],
    ]);
  });

  it('treats "can’t tell" as a category by default and can exclude it', () => {
    const data = pairs([
      ['man', 'man', 4],
      ['woman', 'woman', 4],
      [CANT_TELL, CANT_TELL, 2],
      ['man', CANT_TELL, 2],
    ]);
    // As a category (12 items): p_o = 10/12; A: man 6, woman 4, ct 2; B: man 4, woman 4, ct 4;
    // p_e = (6·4 + 4·4 + 2·4)/144 = 48/144 = ⅓; κ = (10/12 − ⅓)/(⅔) = 0.75.
    const asCategory = cohensKappa(data);
    expect(asCategory.kappa).toBeCloseTo(0.75, 12);
    expect(asCategory.n).toBe(12);
    // Excluded: 8 items, perfect agreement on two balanced labels → κ = 1.
    const excluded = cohensKappa(data, { cantTell: 'exclude' });
    expect(excluded.kappa).toBeCloseTo(1, 12);
    expect(excluded.excluded).toBe(4);
  });

  it('is undefined (NaN) when both annotators used one label throughout', () => {
    expect(cohensKappa(pairs([['a', 'a', 5]])).kappa).toBeNaN();
  });

  it('refuses a category list that misses a used label', () => {
    expect(() => cohensKappa([['a', 'b']], { categories: ['a'] })).toThrow(/`categories`/);
  });
});
