import { describe, expect, it } from 'vitest';
import {
  newcombeDifference,
  trialsForHalfWidth,
  wilsonHalfWidth,
  wilsonInterval,
} from '../../../../main/eval/stats/index.ts';

describe('wilsonInterval', () => {
  it('matches the worked value for 7 of 10', () => {
    // z² = 3.841459; z²/n = 0.384146; centre = (0.7 + 0.192073) / 1.384146 = 0.644493;
    // half = 1.959964 · sqrt(0.021 + 0.009604) / 1.384146 = 0.247719 → [0.39677, 0.89221].
    const r = wilsonInterval(7, 10);
    expect(r.estimate).toBe(0.7);
    expect(r.low).toBeCloseTo(0.39677, 4);
    expect(r.high).toBeCloseTo(0.89221, 4);
  });

  it('gives a non-empty interval at 0 of 50, where Wald collapses to zero width', () => {
    // centre = 0.0384146 / 1.0768292 = 0.035674; half = 1.959964 · 0.0195997 / 1.0768292 = 0.035674
    const r = wilsonInterval(0, 50);
    expect(r.low).toBe(0);
    expect(r.high).toBeCloseTo(0.071348, 5);
  });

  it('is symmetric: k of n mirrors n − k of n', () => {
    const a = wilsonInterval(3, 17);
    const b = wilsonInterval(14, 17);
    expect(a.low).toBeCloseTo(1 - b.high, 12);
    expect(a.high).toBeCloseTo(1 - b.low, 12);
  });

  it('returns the whole unit interval for no trials', () => {
    expect(wilsonInterval(0, 0)).toEqual({ estimate: NaN, low: 0, high: 1 });
  });

  it('refuses successes above the trials, naming the field', () => {
    expect(() => wilsonInterval(11, 10)).toThrow(/`successes`/);
    expect(() => wilsonInterval(1, 2.5)).toThrow(/`trials`/);
  });
});

describe('wilsonHalfWidth', () => {
  it('reproduces the sample-size anchor of evaluation.md B2 (±26, 17, 13, 10, 6 points)', () => {
    expect(Math.round(wilsonHalfWidth(10) * 100)).toBe(26);
    expect(Math.round(wilsonHalfWidth(30) * 100)).toBe(17);
    expect(Math.round(wilsonHalfWidth(50) * 100)).toBe(13);
    expect(Math.round(wilsonHalfWidth(100) * 100)).toBe(10);
    expect(Math.round(wilsonHalfWidth(250) * 100)).toBe(6);
  });

  it('finds the seeds needed for a target half-width', () => {
    const n = trialsForHalfWidth(0.1);
    expect(wilsonHalfWidth(n)).toBeLessThanOrEqual(0.1);
    expect(wilsonHalfWidth(n - 1)).toBeGreaterThan(0.1);
  });
});

describe('newcombeDifference', () => {
  it('reproduces Newcombe’s (1998) worked example 56/70 − 48/80 by method 10', () => {
    // Newcombe, Statist. Med. 17:873, Table II: d = 0.2000, 95% CI 0.0524 to 0.3339.
    const r = newcombeDifference(56, 70, 48, 80);
    expect(r.estimate).toBeCloseTo(0.2, 12);
    expect(r.low).toBeCloseTo(0.0524, 4);
    expect(r.high).toBeCloseTo(0.3339, 4);
  });
});
