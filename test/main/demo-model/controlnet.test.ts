// @vitest-environment node
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { SHAPES } from '../../../main/demo-model/design.ts';
import { circleHint, starHint } from './hints.ts';
import { gaussians } from './reference.ts';
import { demoModels, f32, openSession, promptIds } from './support.ts';

/** SD 1.5 ControlNet residual channels and downsampling levels (onnx-contract.md §3). */
const CHANNELS = [320, 320, 320, 320, 640, 640, 640, 1280, 1280, 1280, 1280, 1280];
const LEVEL = [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3];
const NAMES = [
  ...CHANNELS.map((_, i) => `down_block_${i}_additional_residual`),
  'mid_block_additional_residual',
];

let controlnet: ort.InferenceSession;
let cunet: ort.InferenceSession;
let unet: ort.InferenceSession;
let textEncoder: ort.InferenceSession;

beforeAll(async () => {
  const { base, controlnet: cn } = await demoModels();
  controlnet = await openSession(path.join(cn, 'model.onnx'));
  cunet = await openSession(path.join(base, 'controlnet', 'model.onnx'));
  unet = await openSession(path.join(base, 'unet', 'model.onnx'));
  textEncoder = await openSession(path.join(base, 'text_encoder', 'model.onnx'));
});

async function embed(prompt: string, batch: number): Promise<Float32Array> {
  const out = await textEncoder.run({
    input_ids: new ort.Tensor('int64', promptIds(prompt), [1, 77]),
  });
  const one = out.last_hidden_state.data as Float32Array;
  const all = new Float32Array(batch * one.length);
  for (let b = 0; b < batch; b++) all.set(one, b * one.length);
  return all;
}

function feeds(
  b: number,
  h: number,
  w: number,
  hint: Float32Array | undefined,
  scale: number,
  ehs?: Float32Array,
) {
  const cond = new Float32Array(b * 3 * 64 * h * w);
  if (hint) for (let i = 0; i < b; i++) cond.set(hint, i * hint.length);
  return {
    sample: f32(gaussians(b * 4 * h * w, 9), [b, 4, h, w]),
    timestep: f32(new Float32Array(b).fill(999), [b]),
    encoder_hidden_states: f32(ehs ?? new Float32Array(b * 77 * 768), [b, 77, 768]),
    controlnet_cond: f32(cond, [b, 3, 8 * h, 8 * w]),
    conditioning_scale: new ort.Tensor('float64', Float64Array.of(scale), [1]),
  };
}

const up = (n: number, level: number) => {
  let v = n;
  for (let l = 0; l < level; l++) v = Math.ceil(v / 2);
  return v;
};

describe('demo ControlNet', () => {
  it('has the SD 1.5 ControlNet inputs and outputs (OnnxStack convention)', () => {
    expect(controlnet.inputNames).toEqual([
      'sample',
      'timestep',
      'encoder_hidden_states',
      'controlnet_cond',
      'conditioning_scale',
    ]);
    expect(controlnet.outputNames).toEqual(NAMES);
    const scale = controlnet.inputMetadata[4];
    expect(scale.isTensor && scale.type).toBe('float64');
    expect(cunet.inputNames).toEqual(['sample', 'timestep', 'encoder_hidden_states', ...NAMES]);
  });

  it('gives residuals of the contract shapes at 512×512 and at odd latent sizes', async () => {
    for (const [h, w] of [
      [64, 64],
      [33, 65],
    ]) {
      const out = await controlnet.run(feeds(2, h, w, undefined, 1));
      NAMES.forEach((name, i) => {
        const level = i < 12 ? LEVEL[i] : 3;
        const channels = i < 12 ? CHANNELS[i] : 1280;
        expect(out[name].dims, `${name} at ${h}×${w}`).toEqual([
          2,
          channels,
          up(h, level),
          up(w, level),
        ]);
      });
    }
    // The 512 case spelled out as in the contract table.
    const out = await controlnet.run(feeds(1, 64, 64, starHint(), 1));
    expect(out.down_block_3_additional_residual.dims).toEqual([1, 320, 32, 32]);
    expect(out.down_block_8_additional_residual.dims).toEqual([1, 1280, 16, 16]);
    expect(out.mid_block_additional_residual.dims).toEqual([1, 1280, 8, 8]);
  });

  it('gives all-zero residuals at conditioning_scale 0 and residuals linear in the scale', async () => {
    const zero = await controlnet.run(feeds(1, 64, 64, starHint(), 0));
    for (const name of NAMES)
      expect(
        (zero[name].data as Float32Array).every((v) => v === 0),
        name,
      ).toBe(true);
    const one = await controlnet.run(feeds(1, 64, 64, starHint(), 1));
    const two = await controlnet.run(feeds(1, 64, 64, starHint(), 2));
    const a = one.down_block_0_additional_residual.data as Float32Array;
    const b = two.down_block_0_additional_residual.data as Float32Array;
    expect(a.some((v) => v !== 0)).toBe(true);
    for (let i = 0; i < a.length; i += 997) expect(b[i]).toBeCloseTo(2 * a[i], 5);
  });

  it('scores a star outline highest for star scenes and a circle outline for circle scenes', async () => {
    const bonusByShape = async (hint: Float32Array) => {
      const mid = (await controlnet.run(feeds(1, 64, 64, hint, 1))).mid_block_additional_residual
        .data as Float32Array;
      // Channel i (scene i, shape-major order, 16 scenes per shape) is constant over its 8×8 plane.
      return SHAPES.map((_, s) => mid[s * 16 * 64]);
    };
    const star = await bonusByShape(starHint());
    const circle = await bonusByShape(circleHint());
    const best = (v: number[]) => SHAPES[v.indexOf(Math.max(...v))];
    expect(best(star)).toBe('star');
    expect(best(circle)).toBe('circle');
  });

  it('makes the ControlNet UNet equal the plain UNet when residuals are zero, per-sample timesteps included', async () => {
    const h = 32;
    const x = gaussians(2 * 4 * h * h, 5);
    const ehs = await embed('a red circle', 2);
    const zeros = await controlnet.run({
      ...feeds(2, h, h, undefined, 0),
      sample: f32(x, [2, 4, h, h]),
    });
    const got = (
      await cunet.run({
        sample: f32(x, [2, 4, h, h]),
        timestep: f32(Float32Array.of(900, 300), [2]),
        encoder_hidden_states: f32(ehs, [2, 77, 768]),
        ...zeros,
      })
    ).out_sample.data as Float32Array;
    const n = 4 * h * h;
    for (const [b, t] of [
      [0, 900],
      [1, 300],
    ]) {
      const plain = (
        await unet.run({
          sample: f32(x.slice(b * n, (b + 1) * n), [1, 4, h, h]),
          timestep: f32(Float32Array.of(t), []),
          encoder_hidden_states: f32(ehs.slice(0, 77 * 768), [1, 77, 768]),
        })
      ).out_sample.data as Float32Array;
      for (let i = 0; i < n; i += 37) expect(got[b * n + i]).toBeCloseTo(plain[i], 4);
    }
  });

  it('adds the residuals of two units like one unit of their summed scale', async () => {
    const x = gaussians(4 * 64 * 64, 11);
    const ehs = await embed('a yellow shape', 1);
    const base = {
      sample: f32(x, [1, 4, 64, 64]),
      timestep: f32(Float32Array.of(990), [1]),
      encoder_hidden_states: f32(ehs, [1, 77, 768]),
    };
    const half = await controlnet.run({ ...feeds(1, 64, 64, starHint(), 0.5), ...base });
    const full = await controlnet.run({ ...feeds(1, 64, 64, starHint(), 1), ...base });
    const summed = Object.fromEntries(
      NAMES.map((n) => {
        const d = half[n].data as Float32Array;
        return [
          n,
          f32(
            d.map((v) => 2 * v),
            half[n].dims as number[],
          ),
        ];
      }),
    );
    const a = (await cunet.run({ ...base, ...summed })).out_sample.data as Float32Array;
    const b = (await cunet.run({ ...base, ...full })).out_sample.data as Float32Array;
    for (let i = 0; i < a.length; i += 101) expect(a[i]).toBeCloseTo(b[i], 4);
    // And the hint changes the prediction: without it the output differs.
    const none = await controlnet.run({ ...feeds(1, 64, 64, starHint(), 0), ...base });
    const c = (await cunet.run({ ...base, ...none })).out_sample.data as Float32Array;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - c[i]));
    expect(diff).toBeGreaterThan(0.01);
  });
});
