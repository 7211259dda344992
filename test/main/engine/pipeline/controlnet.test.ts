// @vitest-environment node
/**
 * Acceptance for issue 5, ControlNet with contract fixtures (docs/onnx-contract.md §3): an SD 1.5
 * ControlNet alone and with two units, read back from what each session received; misfits fail
 * with MODEL_CONTRACT before any step; the depth/pose estimator path.
 */
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ControlUnit, JobEvent } from '../../../../common/generation.ts';
import { Engine } from '../../../../main/engine/engine.ts';
import {
  CONTROLNET_SD15,
  writeControlNet,
  writeControlNetBase,
  writeEstimator,
  writeSdxlControlNetBase,
} from '../../../fixtures/contract/controlnet.ts';
import { writeContractModel } from '../../../fixtures/contract/folder.ts';
import { variant } from '../../../fixtures/contract/variants.ts';
import {
  decodePng,
  item,
  maxAbsDiff,
  pngOf,
  recordSessions,
  rejection,
  tempRoot,
  type Recorder,
} from './feature-support.ts';

const SIZE = 64;
let cleanup: () => Promise<void>;
let base: string;
let sdxlBase: string;
let plain: string;
let nets: Record<'sd15' | 'noScale' | 'sdxl' | 'sd2', string>;
let depth: string;
let pose: string;
let engine: Engine;
let rec: Recorder;
let hintA: Uint8Array;
let hintB: Uint8Array;
let rgbA: Uint8Array;

/** A deterministic RGB pattern: horizontal and vertical ramps plus a bright square. */
function pattern(seed: number): Uint8Array {
  const rgb = new Uint8Array(SIZE * SIZE * 3);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const i = (y * SIZE + x) * 3;
      const square = x > 16 && x < 40 && y > 20 && y < 44;
      rgb[i] = (x * 4 + seed * 40) % 256;
      rgb[i + 1] = square ? 250 : (y * 3) % 256;
      rgb[i + 2] = seed * 90;
    }
  }
  return rgb;
}

beforeAll(async () => {
  const root = await tempRoot();
  cleanup = root.cleanup;
  const at = (name: string) => path.join(root.dir, name);
  base = await writeControlNetBase(at('base'));
  plain = await writeContractModel(at('plain'), variant('optimum-1.24'));
  sdxlBase = await writeSdxlControlNetBase(at('sdxl-base'));
  nets = {
    sd15: await writeControlNet(at('cn'), CONTROLNET_SD15),
    noScale: await writeControlNet(at('cn-noscale'), { ...CONTROLNET_SD15, scaleInput: false }),
    sdxl: await writeControlNet(at('cn-xl'), { scaleInput: true, layout: 'sdxl', textWidth: 2048 }),
    sd2: await writeControlNet(at('cn-sd2'), { ...CONTROLNET_SD15, textWidth: 1024 }),
  };
  depth = await writeEstimator(at('depth'), 1);
  pose = await writeEstimator(at('pose'), 5);
  rgbA = pattern(0);
  hintA = await pngOf(rgbA, SIZE, SIZE);
  hintB = await pngOf(pattern(2), SIZE, SIZE);
  engine = new Engine();
  rec = recordSessions();
}, 60_000);

afterAll(async () => {
  rec?.restore();
  await engine?.unloadModels();
  await cleanup?.();
});

beforeEach(() => rec.clear());

function unit(image: Uint8Array, overrides: Partial<ControlUnit> = {}): ControlUnit {
  return {
    image: { data: image, name: 'hint.png' },
    model: nets.sd15,
    preprocessor: 'none',
    scale: 0.7,
    start: 0,
    end: 1,
    ...overrides,
  };
}

const request = (control: ControlUnit[], extra: Record<string, unknown> = {}) => ({
  model: base,
  prompt: 'a house',
  negativePrompt: 'fog',
  steps: 2,
  cfg: 7.5,
  scheduler: 'Euler',
  seed: 4,
  width: SIZE,
  height: SIZE,
  provider: 'cpu' as const,
  control,
  ...extra,
});

const controlNetRuns = () => rec.with('controlnet_cond');
const controlUnetRuns = () => rec.with('sample', 'down_block_0_additional_residual');
const plainUnetRuns = () =>
  rec
    .with('sample', 'timestep', 'encoder_hidden_states')
    .filter(
      (r) =>
        !r.inputs.includes('down_block_0_additional_residual') &&
        !r.inputs.includes('controlnet_cond'),
    );

function mean(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i];
  return sum / v.length;
}
const RESIDUALS = [
  ...Array.from({ length: 12 }, (_, i) => `down_block_${i}_additional_residual`),
  'mid_block_additional_residual',
];

describe('ControlNet (SD 1.5, OnnxStack convention)', () => {
  it('runs on the CFG-doubled latents with the hint repeated, and binds every residual by name', async () => {
    const result = await engine.submit('cn', request([unit(hintA)]));
    const cn = controlNetRuns();
    const unet = controlUnetRuns();
    expect([cn.length, unet.length]).toEqual([2, 2]);
    for (const [step, run] of cn.entries()) {
      const f = run.feeds;
      expect(f.controlnet_cond.dims).toEqual([2, 3, SIZE, SIZE]);
      // RGB in [0, 1], NCHW, the same hint for the uncond and cond halves.
      const expected = new Float64Array(3 * SIZE * SIZE);
      for (let p = 0; p < SIZE * SIZE; p++) {
        for (let c = 0; c < 3; c++) expected[c * SIZE * SIZE + p] = rgbA[p * 3 + c] / 255;
      }
      expect(maxAbsDiff(item(f.controlnet_cond, 0), expected)).toBeLessThan(1e-6);
      expect(maxAbsDiff(item(f.controlnet_cond, 1), expected)).toBeLessThan(1e-6);
      expect(f.conditioning_scale).toMatchObject({ type: 'float64', dims: [1] });
      expect(f.conditioning_scale.values[0]).toBeCloseTo(0.7, 12);
      // The same latents, timestep and text embeddings as the UNet call it feeds.
      const u = unet[step].feeds;
      expect(f.sample.dims).toEqual([2, 4, 8, 8]);
      expect(maxAbsDiff(f.sample.values, u.sample.values)).toBe(0);
      expect(f.timestep.values[0]).toBe(u.timestep.values[0]);
      expect(maxAbsDiff(f.encoder_hidden_states.values, u.encoder_hidden_states.values)).toBe(0);
      for (const name of RESIDUALS) {
        expect(maxAbsDiff(u[name].values, run.outputs[name].values)).toBe(0);
      }
      // Residual 0 is scale·(mean(hint) + 0.1·mean(sample) + mean(ehs)) per item (the fixture).
      const r0 = item(run.outputs.down_block_0_additional_residual, 1)[0];
      const want =
        0.7 *
        (mean(item(f.controlnet_cond, 1)) +
          0.1 * mean(item(f.sample, 1)) +
          mean(item(f.encoder_hidden_states, 1)));
      expect(r0).toBeCloseTo(want, 5);
    }
    // The hint shown to the user is the preprocessed image.
    expect(result.controlHints).toHaveLength(1);
    const shown = await decodePng(result.controlHints![0]);
    expect(maxAbsDiff(shown.data, rgbA)).toBe(0);
  });

  it('sums the residuals of two units before the UNet', async () => {
    await engine.submit('cn2', request([unit(hintA), unit(hintB, { scale: 0.4 })]));
    const cn = controlNetRuns();
    const unet = controlUnetRuns();
    expect([cn.length, unet.length]).toEqual([4, 2]);
    expect(cn.map((r) => r.feeds.conditioning_scale.values[0])).toEqual([
      expect.closeTo(0.7, 9),
      expect.closeTo(0.4, 9),
      expect.closeTo(0.7, 9),
      expect.closeTo(0.4, 9),
    ]);
    for (const [step, u] of unet.entries()) {
      const [a, b] = [cn[2 * step], cn[2 * step + 1]];
      for (const name of RESIDUALS) {
        const sum = Float64Array.from(a.outputs[name].values, (v, i) =>
          Math.fround(v + b.outputs[name].values[i]),
        );
        expect(maxAbsDiff(u.feeds[name].values, sum)).toBe(0);
      }
    }
  });

  it('scales the residuals itself when the ControlNet takes no conditioning_scale', async () => {
    await engine.submit('cn-noscale', request([unit(hintA, { model: nets.noScale, scale: 0.5 })]));
    const [cn] = controlNetRuns();
    expect(cn.feeds.conditioning_scale).toBeUndefined();
    const [u] = controlUnetRuns();
    for (const name of RESIDUALS) {
      const scaled = Float64Array.from(cn.outputs[name].values, (v) => Math.fround(v * 0.5));
      expect(maxAbsDiff(u.feeds[name].values, scaled)).toBe(0);
    }
  });

  it('is active only on steps i with i/N ≥ start and (i+1)/N ≤ end; the plain UNet runs the rest', async () => {
    await engine.submit(
      'cn-window',
      request([unit(hintA, { start: 0.25, end: 0.75 })], { steps: 4 }),
    );
    expect(controlNetRuns()).toHaveLength(2);
    const all = rec.with('sample', 'timestep');
    const kinds = all
      .filter((r) => !r.inputs.includes('controlnet_cond'))
      .map((r) => (r.inputs.includes('down_block_0_additional_residual') ? 'control' : 'plain'));
    expect(kinds).toEqual(['plain', 'control', 'control', 'plain']);
    expect(plainUnetRuns()).toHaveLength(2);
  });
});

describe('SDXL ControlNet', () => {
  it('also takes text_embeds and time_ids, the same as the UNet it feeds', async () => {
    await engine.submit(
      'cn-xl',
      request([unit(hintA, { model: nets.sdxl })], { model: sdxlBase, width: 64, height: 64 }),
    );
    const [cn] = controlNetRuns();
    const [u] = controlUnetRuns();
    expect(cn.feeds.text_embeds.dims).toEqual([2, 1280]);
    expect(maxAbsDiff(cn.feeds.text_embeds.values, u.feeds.text_embeds.values)).toBe(0);
    expect(Array.from(cn.feeds.time_ids.values)).toEqual(Array.from(u.feeds.time_ids.values));
    expect(cn.feeds.encoder_hidden_states.dims).toEqual([2, 77, 2048]);
    for (const name of [
      ...Array.from({ length: 9 }, (_, i) => `down_block_${i}_additional_residual`),
      'mid_block_additional_residual',
    ]) {
      expect(maxAbsDiff(u.feeds[name].values, cn.outputs[name].values)).toBe(0);
    }
  });

  it('an SD 1.5 ControlNet on the SDXL model is refused', async () => {
    const error = await rejection(
      engine.submit(
        'cn-xl-bad',
        request([unit(hintA)], { model: sdxlBase, width: 64, height: 64 }),
      ),
    );
    expect(error.code).toBe('MODEL_CONTRACT');
    expect(error.message).toMatch(/12 down-block residuals.*takes 9/);
  });
});

describe('ControlNet misfits fail before the first step', () => {
  async function refused(control: ControlUnit[], model = base) {
    const events: JobEvent[] = [];
    const stop = engine.onEvent((e) => events.push(e));
    const error = await rejection(engine.submit('bad', request(control, { model })));
    stop();
    expect(events.map((e) => e.status)).not.toContain('step');
    expect(rec.with('sample', 'timestep')).toHaveLength(0);
    return error;
  }

  it('an SDXL ControlNet (9 down residuals) on an SD 1.5 model', async () => {
    const error = await refused([unit(hintA, { model: nets.sdxl })]);
    expect(error.code).toBe('MODEL_CONTRACT');
    expect(error.details.field).toBe('control[0].model');
    expect(error.message).toMatch(/9 down-block residuals.*takes 12/);
  });

  it('an SD 2.x ControlNet (text width 1024) on an SD 1.5 model', async () => {
    const error = await refused([unit(hintA), unit(hintA, { model: nets.sd2 })]);
    expect(error.code).toBe('MODEL_CONTRACT');
    expect(error.details.field).toBe('control[1].model');
    expect(error.message).toMatch(/width 1024.*width 768/);
  });

  it('a model with no UNet that takes residuals', async () => {
    const error = await refused([unit(hintA)], plain);
    expect(error.code).toBe('MODEL_CONTRACT');
    expect(error.message).toContain('controlnet/model.onnx');
  });

  it('a ControlNet folder without model.onnx', async () => {
    const error = await refused([unit(hintA, { model: path.join(base, 'nothing-here') })]);
    expect(error.code).toBe('MODEL_INVALID');
    expect(error.details.field).toBe('control[0].model');
  });
});

describe('depth and pose preprocessors', () => {
  /** Grey g = mean(rgb/255) per pixel, normalised to [0, 1] over the image. */
  function expectedHint(f: (g: number) => number): Uint8Array {
    const values = Array.from({ length: SIZE * SIZE }, (_, p) =>
      f((rgbA[p * 3] + rgbA[p * 3 + 1] + rgbA[p * 3 + 2]) / 3 / 255),
    );
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    const out = new Uint8Array(SIZE * SIZE * 3);
    values.forEach((v, p) => out.fill(Math.round(((v - lo) / (hi - lo)) * 255), p * 3, p * 3 + 3));
    return out;
  }
  const params = { size: SIZE, mean: 0, std: 1 };

  it('runs a depth estimator and shows its min-max normalised map', async () => {
    const result = await engine.submit(
      'depth',
      request([unit(hintA, { preprocessor: 'depth', estimator: depth, params })], { steps: 2 }),
    );
    const shown = await decodePng(result.controlHints![0]);
    expect(
      maxAbsDiff(
        shown.data,
        expectedHint((g) => g),
      ),
    ).toBeLessThanOrEqual(1);
  });

  it('reduces keypoint heatmaps by their maximum', async () => {
    const result = await engine.submit(
      'pose',
      request([unit(hintA, { preprocessor: 'pose', estimator: pose, params })], { steps: 2 }),
    );
    const shown = await decodePng(result.controlHints![0]);
    expect(
      maxAbsDiff(
        shown.data,
        expectedHint((g) => Math.max(g, (1 - g) / 2)),
      ),
    ).toBeLessThanOrEqual(1);
  });

  it('asks for an estimator when none is given', async () => {
    const error = await rejection(
      engine.submit('no-est', request([unit(hintA, { preprocessor: 'depth' })])),
    );
    expect(error.code).toBe('INVALID_ARGUMENT');
    expect(error.details.field).toBe('control[0].estimator');
  });
});
