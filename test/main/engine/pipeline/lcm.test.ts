// @vitest-environment node
/**
 * Acceptance for issue 5, LCM (docs/onnx-contract.md §2.5): the LCM fixture runs without a CFG
 * batch, feeds timestep_cond = the w-embedding of guidance − 1, samples the LCM schedule, and
 * decodes the consistency estimate. Expected values follow diffusers' formulas, computed here.
 */
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../main/engine/engine.ts';
import { guidanceEmbedding } from '../../../../main/engine/pipeline/lcm.ts';
import { writeLcmModel } from '../../../fixtures/contract/lcm.ts';
import { maxAbsDiff, recordSessions, tempRoot, type Recorder } from './feature-support.ts';

let cleanup: () => Promise<void>;
let model: string;
let engine: Engine;
let rec: Recorder;

beforeAll(async () => {
  const root = await tempRoot();
  cleanup = root.cleanup;
  model = await writeLcmModel(path.join(root.dir, 'lcm'));
  engine = new Engine();
  rec = recordSessions();
}, 60_000);

afterAll(async () => {
  rec?.restore();
  await engine?.unloadModels();
  await cleanup?.();
});

beforeEach(() => rec.clear());

/** diffusers get_guidance_scale_embedding, in float64. */
function expectedEmbedding(w: number, dim: number): number[] {
  const half = dim / 2;
  const out = new Array<number>(dim).fill(0);
  for (let i = 0; i < half; i++) {
    const angle = w * 1000 * Math.exp((-Math.log(10000) * i) / (half - 1));
    out[i] = Math.sin(angle);
    out[half + i] = Math.cos(angle);
  }
  return out;
}

/** ᾱ_t for SD's scaled_linear betas, in float32 as torch computes it. */
function alphaBar(t: number): number {
  const a = Math.sqrt(0.00085);
  const b = Math.sqrt(0.012);
  let prod = 1;
  for (let i = 0; i <= t; i++) {
    const root = Math.fround(a + ((b - a) * i) / 999);
    prod = Math.fround(prod * Math.fround(1 - Math.fround(root * root)));
  }
  return prod;
}

describe('guidanceEmbedding', () => {
  it('is [sin ‖ cos] of 1000·w·exp(−ln(10⁴)·i/(half − 1))', () => {
    const got = guidanceEmbedding(7.5, 256);
    // i = 0 has frequency 1, so the angle 7500 is exact.
    expect(got[0]).toBeCloseTo(Math.sin(7500), 6);
    expect(got[128]).toBeCloseTo(Math.cos(7500), 6);
    // float32 rounding of the frequencies moves angles up to ~1e-3 rad at w = 7.5.
    expect(maxAbsDiff(got, expectedEmbedding(7.5, 256))).toBeLessThan(2e-3);
    expect(maxAbsDiff(guidanceEmbedding(0.5, 64), expectedEmbedding(0.5, 64))).toBeLessThan(1e-4);
  });

  it('gives sin 0 = 0 and cos 0 = 1 at w = 0, and pads an odd width with a zero', () => {
    const got = guidanceEmbedding(0, 7);
    expect(Array.from(got)).toEqual([0, 0, 0, 1, 1, 1, 0]);
  });
});

describe('LCM pipeline', () => {
  it('runs without a CFG batch and feeds the w-embedding of guidance − 1 as timestep_cond', async () => {
    const result = await engine.submit('lcm', {
      model,
      prompt: 'a cat',
      negativePrompt: 'blurry',
      steps: 4,
      cfg: 8.5,
      scheduler: 'LCM',
      seed: 1,
      width: 64,
      height: 64,
      provider: 'cpu',
    });
    expect(result.warnings).toEqual([]);
    // The negative prompt is never encoded and the UNet batch is 1.
    expect(rec.with('input_ids')).toHaveLength(1);
    const unet = rec.with('sample', 'timestep_cond');
    expect(unet.map((r) => r.feeds.sample.dims[0])).toEqual([1, 1, 1, 1]);
    const cond = unet[0].feeds.timestep_cond;
    expect(cond.dims).toEqual([1, 256]);
    expect(maxAbsDiff(cond.values, expectedEmbedding(7.5, 256))).toBeLessThan(2e-3);
    // LCM: 50 original steps k = 20 apart (999, 979, …, 19), 4 picked at linspace(0, 50, 4).
    expect(unet.map((r) => r.feeds.timestep.values[0])).toEqual([999, 759, 499, 259]);
  });

  it('decodes the consistency estimate c_out·x̂0 + c_skip·x of the last step', async () => {
    await engine.submit('lcm-decode', {
      model,
      prompt: 'a cat',
      steps: 4,
      cfg: 8.5,
      scheduler: 'LCM',
      seed: 2,
      width: 64,
      height: 64,
      provider: 'cpu',
    });
    const last = rec.with('sample', 'timestep_cond').at(-1)!;
    const t = 259;
    const ab = alphaBar(t);
    // Consistency-model boundary scalings with σ_data = 0.5 and timestep_scaling 10 (Song et al.
    // 2023, eq. 7; diffusers LCMScheduler).
    const st = t * 10;
    const cSkip = 0.25 / (st * st + 0.25);
    const cOut = st / Math.sqrt(st * st + 0.25);
    const x = last.feeds.sample.values;
    const eps = last.outputs.out_sample.values;
    const expected = Float64Array.from(x, (v, i) => {
      const x0 = (v - Math.sqrt(1 - ab) * eps[i]) / Math.sqrt(ab);
      return (cOut * x0 + cSkip * v) / 0.18215;
    });
    const decoded = rec.with('latent_sample')[0].feeds.latent_sample.values;
    expect(maxAbsDiff(decoded, expected)).toBeLessThan(1e-4);
  });

  it('defaults an LCM model to 4 steps with the LCM scheduler, and warns about other schedulers', async () => {
    const defaults = await engine.submit('lcm-defaults', {
      model,
      prompt: 'a cat',
      width: 64,
      height: 64,
      provider: 'cpu',
    });
    expect(defaults.request).toMatchObject({ steps: 4, cfg: 8.5, scheduler: 'LCM' });
    const other = await engine.submit('lcm-euler', {
      model,
      prompt: 'a cat',
      scheduler: 'Euler',
      steps: 2,
      width: 64,
      height: 64,
      provider: 'cpu',
    });
    expect(other.warnings.join(' ')).toMatch(/LCM-distilled.*Euler/);
  });
});
