import { describe, expect, it } from 'vitest';
import { benchSafetyClassifier } from '../../../main/safety/bench.ts';

describe('benchSafetyClassifier', () => {
  it('reports conversion, load and per-image times for each size asked', async () => {
    const r = await benchSafetyClassifier({ runs: 1, sizes: [[64, 48]] });
    expect(r.name).toBe('safety-classifier');
    expect(Object.keys(r.msPerImage)).toEqual(['64x48']);
    for (const ms of [r.convertMs, r.loadMs, r.msPerImage['64x48']]) expect(ms).toBeGreaterThan(0);
  });
});
