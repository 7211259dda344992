import { describe, expect, it } from 'vitest';
import {
  amplification,
  klDivergence,
  madFromUniform,
  proportions,
  totalVariation,
  totalVariationFromUniform,
} from '../../../../main/eval/stats/index.ts';

describe('distances from uniform and from a reference', () => {
  it('computes DALL-Eval MAD by hand for shares ½, 0.3, 0.2', () => {
    // |½ − ⅓| + |0.3 − ⅓| + |0.2 − ⅓| = 5/30 + 1/30 + 4/30 = ⅓; mean over 3 = 1/9
    expect(madFromUniform([0.5, 0.3, 0.2])).toBeCloseTo(1 / 9, 12);
  });

  it('equals HEIM’s |p − ½| for two categories', () => {
    expect(madFromUniform([0.8, 0.2])).toBeCloseTo(0.3, 12);
  });

  it('computes total variation as half the L1 distance', () => {
    expect(totalVariationFromUniform([0.5, 0.3, 0.2])).toBeCloseTo(1 / 6, 12);
    expect(totalVariation([0.1, 0.9], [0.4, 0.6])).toBeCloseTo(0.3, 12);
  });

  it('computes KL in bits and is infinite off the reference support', () => {
    // ½ log2(½/¼) + ½ log2(½/¾) = ½ − ½ · 0.5849625 = 0.2075187
    expect(klDivergence([0.5, 0.5], [0.25, 0.75])).toBeCloseTo(0.2075187, 6);
    expect(klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity);
  });

  it('signs amplification: further from parity on the reference side is positive', () => {
    expect(amplification(0.05, 0.2)).toBeCloseTo(0.15, 12);
    expect(amplification(0.3, 0.2)).toBeCloseTo(-0.1, 12);
    expect(amplification(0.95, 0.9)).toBeCloseTo(0.05, 12);
  });

  it('turns counts into proportions', () => {
    expect(proportions([1, 3])).toEqual([0.25, 0.75]);
  });
});
