/**
 * set_timesteps against diffusers for every scheduler class, both reference model configs
 * (SD 1.5, SDXL), every timestep spacing (inherited from the model config, or leading / trailing /
 * linspace as an override), Karras on and off where the class has it, and 1, 4, 8, 20, 25 and 50
 * steps. The reference is test/fixtures/schedulers/diffusers-matrix.json, produced by running
 * diffusers' own scheduler files (see the README there). Each scheduler is built the way a
 * pipeline swaps one in: `Target.from_config(model_scheduler.config, **overrides)`, here
 * `swapSchedulerConfig(modelFile, target, overrides)`.
 *
 * The acceptance bar is exact timesteps, sigmas within 1e-6 relative and init_noise_sigma within
 * 1e-6 relative. Every record in the fixture matches bit for bit, so all three are asserted
 * exactly: a change that moves any value by one float32 ulp fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../../common/errors.ts';
import {
  createScheduler,
  SCHEDULER_NAMES,
  swapSchedulerConfig,
} from '../../../../main/engine/schedulers/index.ts';
import type { Scheduler } from '../../../../main/engine/schedulers/types.ts';
import { SD15_CONFIG, SDXL_CONFIG } from './model-configs.ts';

interface MatrixRecord {
  base: 'sd15' | 'sdxl';
  label: string;
  class: string;
  overrides: Record<string, unknown>;
  steps: number;
  spacing?: string;
  timesteps?: number;
  sigmas?: number;
  init_noise_sigma?: number;
  error?: string;
  stage?: string;
}

interface Matrix {
  source: { diffusers_commit: string };
  bases: Record<'sd15' | 'sdxl', Record<string, unknown>>;
  records: MatrixRecord[];
  vectors: number[][];
}

const matrix: Matrix = JSON.parse(
  readFileSync(
    new URL('../../../fixtures/schedulers/diffusers-matrix.json', import.meta.url),
    'utf8',
  ),
);
const STEPS = [1, 4, 8, 20, 25, 50];

function build(r: MatrixRecord): Scheduler {
  const cfg = swapSchedulerConfig(matrix.bases[r.base], r.class, r.overrides);
  return createScheduler(r.class, cfg);
}

function describeRecord(r: MatrixRecord): string {
  const o = Object.entries(r.overrides).map(([k, v]) => `${k}=${String(v)}`);
  return `${r.base} ${r.label}${o.length ? ` [${o.join(', ')}]` : ''} at ${r.steps} steps`;
}

/** Largest |got − want| / |want| (|got| where want is 0), for the failure message. */
function maxRelativeError(got: ArrayLike<number>, want: number[]): number {
  let worst = 0;
  want.forEach((w, i) => {
    const err = w === 0 ? Math.abs(got[i]) : Math.abs(got[i] - w) / Math.abs(w);
    worst = Math.max(worst, Number.isNaN(err) ? Infinity : err);
  });
  return worst;
}

describe('the diffusers set_timesteps matrix fixture', () => {
  it('covers every class, both model configs and every step count', () => {
    expect(matrix.source.diffusers_commit).toBe('58eb52c0803ea9af3abec60841c2a093bdf1f951');
    // The fixture's base configs are the model files the other scheduler tests use.
    expect(matrix.bases.sd15).toEqual(SD15_CONFIG);
    expect(matrix.bases.sdxl).toEqual(SDXL_CONFIG);
    expect(new Set(matrix.records.map((r) => r.class))).toEqual(new Set(SCHEDULER_NAMES));
    for (const cls of SCHEDULER_NAMES) {
      for (const base of ['sd15', 'sdxl'] as const) {
        const steps = new Set(
          matrix.records.filter((r) => r.class === cls && r.base === base).map((r) => r.steps),
        );
        expect(
          [...steps].sort((a, b) => a - b),
          `${cls} ${base}`,
        ).toEqual(STEPS);
      }
    }
    expect(matrix.records).toHaveLength(1104);
    expect(matrix.records.filter((r) => r.error)).toHaveLength(8);
  });
});

describe('schedulers swapped into the SD 1.5 and SDXL configs match diffusers', () => {
  for (const r of matrix.records.filter((rec) => !rec.error)) {
    it(`${describeRecord(r)}`, () => {
      const s = build(r);
      // The swap resolves the same spacing diffusers' from_config does (SD 1.5 has none: the
      // target's default applies; SDXL's "leading" carries over; overrides win).
      expect(s.config.timestep_spacing).toBe(r.spacing);
      s.setTimesteps(r.steps);

      expect(Array.from(s.timesteps)).toEqual(matrix.vectors[r.timesteps!]);

      if (r.sigmas === undefined) {
        expect(s.sigmas).toBeUndefined();
      } else {
        const want = matrix.vectors[r.sigmas];
        const got = Array.from(s.sigmas ?? []);
        expect(got.length).toBe(want.length);
        expect(got, `max relative error ${maxRelativeError(got, want)}`).toEqual(want);
      }

      expect(s.initNoiseSigma).toBe(r.init_noise_sigma);
    });
  }
});

describe('combinations diffusers cannot run are refused', () => {
  for (const r of matrix.records.filter((rec) => rec.error)) {
    it(`${describeRecord(r)} (diffusers: ${r.error})`, () => {
      // Only PNDM's Runge-Kutta warm-up below 4 steps fails in diffusers (a numpy broadcast
      // error in set_timesteps); Emulsion refuses it with an error naming the step count.
      expect(r.stage).toBe('set_timesteps');
      const s = build(r);
      let thrown: unknown;
      try {
        s.setTimesteps(r.steps);
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(EmulsionError);
      const err = thrown as EmulsionError;
      expect(err.code).toBe('INVALID_ARGUMENT');
      expect(err.details.field).toBe('numInferenceSteps');
      expect(err.details.received).toBe(r.steps);
      expect(err.message).toMatch(/skip_prk_steps/);
    });
  }
});
