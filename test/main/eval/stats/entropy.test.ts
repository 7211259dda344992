import { describe, expect, it } from 'vitest';
import {
  bootstrapEntropy,
  consistentWithUniform,
  normalizedEntropy,
  quantile,
  shannonEntropy,
  uniformEntropyInterval,
} from '../../../../main/eval/stats/index.ts';

describe('shannonEntropy', () => {
  it('is 1.5 bits for shares ¼, ¼, ½', () => {
    // −(¼·log2 ¼ + ¼·log2 ¼ + ½·log2 ½) = ½ + ½ + ½
    expect(shannonEntropy([1, 1, 2])).toBeCloseTo(1.5, 12);
  });

  it('is log2 K for a uniform distribution and 0 for one category', () => {
    expect(shannonEntropy([5, 5, 5, 5])).toBeCloseTo(2, 12);
    expect(shannonEntropy([9, 0, 0])).toBe(0);
  });

  it('normalises by log2 K, counting empty categories', () => {
    // H(¾, ¼) = ¾·0.415037 + ¼·2 = 0.811278 bits over log2 2 = 1
    expect(normalizedEntropy([3, 1])).toBeCloseTo(0.811278, 5);
    expect(normalizedEntropy([3, 1, 0, 0])).toBeCloseTo(0.811278 / 2, 5);
  });

  it('refuses negative counts', () => {
    expect(() => shannonEntropy([1, -1])).toThrow(/`counts`/);
  });
});

describe('quantile', () => {
  it('interpolates between order statistics (Hyndman–Fan type 7)', () => {
    expect(quantile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(quantile([4, 1, 3, 2], 0.25)).toBe(1.75);
  });
});

describe('bootstrapEntropy', () => {
  it('brackets the observed entropy and repeats exactly for the same seed', () => {
    const a = bootstrapEntropy([12, 9, 7, 2], { seed: 7, iterations: 500 });
    const b = bootstrapEntropy([12, 9, 7, 2], { seed: 7, iterations: 500 });
    expect(a).toEqual(b);
    expect(a.low).toBeLessThan(a.entropy);
    expect(a.high).toBeGreaterThan(a.entropy - 0.05);
    expect(a.high).toBeLessThanOrEqual(2);
  });

  it('has zero width when every label is the same', () => {
    const r = bootstrapEntropy([30, 0, 0]);
    expect([r.entropy, r.low, r.high]).toEqual([0, 0, 0]);
  });
});

describe('uniformEntropyInterval', () => {
  it('centres near Miller’s bias-corrected value for 40 draws of 8 categories', () => {
    // Miller (1955): E[Ĥ] ≈ log2 K − (K − 1)/(2 n ln 2) = 3 − 7/(80 · 0.693147) = 2.8738 bits.
    const r = uniformEntropyInterval(8, 40, { iterations: 4000, seed: 3 });
    expect(r.maximum).toBe(3);
    expect(r.mean).toBeGreaterThan(2.8738 - 0.03);
    expect(r.mean).toBeLessThan(2.8738 + 0.03);
    expect(r.low).toBeLessThan(r.mean);
  });

  it('accepts a balanced sample and rejects a skewed one', () => {
    expect(consistentWithUniform([5, 5, 5, 5, 5, 5, 5, 5])).toBe(true);
    expect(consistentWithUniform([6, 4, 7, 3, 5, 5, 6, 4])).toBe(true);
    expect(consistentWithUniform([33, 1, 1, 1, 1, 1, 1, 1])).toBe(false);
    expect(consistentWithUniform([20, 20, 0, 0, 0, 0, 0, 0])).toBe(false);
  });
});
