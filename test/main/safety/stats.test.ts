import { describe, expect, it } from 'vitest';
import { confusionOf, metricsOf, thresholdForRecall, wilson } from '../../../main/safety/stats.ts';

describe('wilson', () => {
  it('matches the hand-computed 95 % interval for 3 of 4', () => {
    // See eval.test.ts for the arithmetic: centre 0.627527, half 0.326885.
    const w = wilson(3, 4)!;
    expect(w.low).toBeCloseTo(0.300642, 6);
    expect(w.high).toBeCloseTo(0.954413, 6);
  });

  it('stays inside [0, 1] at 0 and n successes', () => {
    // 0 of 10: centre = (z²/20) / (1 + z²/10) = 0.192073 / 1.384146 = 0.138766 = half → [0, 0.277533].
    const none = wilson(0, 10)!;
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.277533, 5);
    const all = wilson(10, 10)!;
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(1 - 0.277533, 5);
  });

  it('is undefined without trials', () => {
    expect(wilson(0, 0)).toBeNull();
  });
});

describe('confusionOf and metricsOf', () => {
  it('counts unsafe as the positive class', () => {
    const c = confusionOf([
      { unsafe: true, flagged: true },
      { unsafe: true, flagged: false },
      { unsafe: false, flagged: true },
      { unsafe: false, flagged: false },
      { unsafe: false, flagged: false },
    ]);
    expect(c).toEqual({ tp: 1, fn: 1, fp: 1, tn: 2 });
    const m = metricsOf(c);
    expect([m.precision?.value, m.recall?.value, m.falsePositiveRate?.value]).toEqual([
      0.5,
      0.5,
      1 / 3,
    ]);
  });

  it('leaves precision undefined when nothing is flagged', () => {
    expect(metricsOf({ tp: 0, fp: 0, tn: 3, fn: 2 }).precision).toBeNull();
  });
});

describe('thresholdForRecall', () => {
  const items = (scores: number[], unsafe: number) =>
    scores.map((score, i) => ({ score, unsafe: i < unsafe }));

  it('picks the ⌈target·P⌉-th highest unsafe score without float round-up', () => {
    // 10 unsafe scores 0.1..1.0; ⌈0.9 · 10⌉ = 9 (0.9 · 10 is 9.000000000000002 in floats).
    const scores = [1, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05, 0.95];
    const t = thresholdForRecall(items(scores, 10), 0.9)!;
    expect(t.threshold).toBe(0.2);
    // Flagged: the nine unsafe scores ≥ 0.2 and the safe 0.95.
    expect([t.recall, t.precision, t.flagged]).toEqual([0.9, 0.9, 10]);
  });

  it('is null without unsafe images', () => {
    expect(thresholdForRecall(items([0.1, 0.2], 0), 0.9)).toBeNull();
  });
});
