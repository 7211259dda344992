/**
 * diffusers' UniPCMultistepScheduler1DTest (tests/schedulers/test_scheduler_unipc.py, 58eb52c):
 * the UniPC full loops on (4,3,8) samples, x[b,c,w] = ((c*8+w)*4+b)/96. Upstream asserts the
 * means (and the with_noise sum) listed in ../shared/docs/schedulers.md §2 under UniPC-1D, with
 * its tolerances. The "torch run" values come from the same loops run with diffusers' 58eb52c
 * scheduler file under Debian's torch 1.13 on CPU (the setup of
 * test/fixtures/schedulers/README.md). They are checked to 1e-6 relative: Emulsion steps in
 * float64 and torch in float32, and the largest gap seen is 2e-7.
 */
import { describe, expect, it } from 'vitest';
import { dummySampleDeter1d, fullLoop, sumMean } from './fixtures.ts';

const UNIPC = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
  solver_order: 2,
  solver_type: 'bh2',
  final_sigmas_type: 'sigma_min',
};
const V = { prediction_type: 'v_prediction' };
const KARRAS = { use_karras_sigmas: true };

interface Row {
  test: string;
  config: Record<string, unknown>;
  tStart?: number;
  /** Upstream assert: [value, tolerance]. */
  mean: [number, number];
  sum?: [number, number];
  /** torch 1.13 CPU run of the same loop: [sum, mean]. */
  torch: [number, number];
}

const rows: Row[] = [
  {
    test: 'test_full_loop_no_noise (and test_switch)',
    config: UNIPC,
    mean: [0.2441, 1e-3],
    torch: [23.4381046295166, 0.244146928191185],
  },
  {
    test: 'test_full_loop_with_karras',
    config: { ...UNIPC, ...KARRAS },
    mean: [0.2898, 1e-3],
    torch: [27.822086334228516, 0.28981339931488037],
  },
  {
    test: 'test_full_loop_with_v_prediction',
    config: { ...UNIPC, ...V },
    mean: [0.1014, 1e-3],
    torch: [9.645223617553711, 0.10047107934951782],
  },
  {
    test: 'test_full_loop_with_karras_and_v_prediction',
    config: { ...UNIPC, ...V, ...KARRAS },
    mean: [0.1944, 1e-3],
    torch: [18.66400909423828, 0.19441676139831543],
  },
  {
    test: 'test_full_loop_with_noise',
    config: UNIPC,
    tStart: 8,
    sum: [39.087, 1e-2],
    mean: [0.4072, 1e-3],
    torch: [39.086952209472656, 0.40715575218200684],
  },
];

describe('UniPC full loops on 1-D samples (UniPCMultistepScheduler1DTest)', () => {
  it('the (4,3,8) fixture sums to 47.5 like arange(96)/96', () => {
    const x = dummySampleDeter1d();
    expect(sumMean(x)[0]).toBeCloseTo(47.5, 5);
    // x[b=1, c=2, w=3] = ((2*8+3)*4+1)/96; the noise runs the same index backwards.
    expect(x[(1 * 3 + 2) * 8 + 3]).toBe(Math.fround(77 / 96));
    expect(dummySampleDeter1d(true)[(1 * 3 + 2) * 8 + 3]).toBe(Math.fround(18 / 96));
  });

  for (const row of rows) {
    it(`${row.test} reproduces the upstream mean ${row.mean[0]} and the torch run`, () => {
      const [sum, mean] = fullLoop('UniPCMultistepScheduler', row.config, {
        loop: 'plain',
        steps: 10,
        tStart: row.tStart,
        shape: '1d',
      });
      expect(Math.abs(mean - row.mean[0])).toBeLessThan(row.mean[1]);
      if (row.sum) expect(Math.abs(sum - row.sum[0])).toBeLessThan(row.sum[1]);
      expect(Math.abs(sum - row.torch[0])).toBeLessThanOrEqual(1e-6 * row.torch[0]);
      expect(Math.abs(mean - row.torch[1])).toBeLessThanOrEqual(1e-6 * row.torch[1]);
    });
  }
});
