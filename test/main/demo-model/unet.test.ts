// @vitest-environment node
import path from 'node:path';
import type * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BACKGROUND_RGB,
  PRIOR_STRENGTH,
  SCALING_FACTOR,
  sceneSpecs,
} from '../../../main/demo-model/design.ts';
import { alphaBarAt } from '../../../main/demo-model/schedule.ts';
import { drawScene } from '../../../main/demo-model/scenes.ts';
import { gaussians, referenceEps } from './reference.ts';
import { demoModels, encodeImages, f32, halve, openSession } from './support.ts';

const specs = sceneSpecs();
let unet: ort.InferenceSession;
let encoder: ort.InferenceSession;
let images: Float32Array[];
let scenes64: Float32Array[];

beforeAll(async () => {
  const { base } = await demoModels();
  unet = await openSession(path.join(base, 'unet', 'model.onnx'));
  encoder = await openSession(path.join(base, 'vae_encoder', 'model.onnx'));
  // The dataset latents are, by definition, the VAE encodings of the drawn scenes.
  images = specs.map((s) => drawScene(s));
  scenes64 = await encodeImages(encoder, images, 512, 512, SCALING_FACTOR);
});

/** Hidden states carrying unit concept mass on the given dims (one token each). */
function hiddenStates(dimsPerItem: number[][]): { ehs: Float32Array; mass: number[][] } {
  const ehs = new Float32Array(dimsPerItem.length * 77 * 768);
  const mass = dimsPerItem.map((dims, b) => {
    const m = new Array(16).fill(0);
    dims.forEach((d, k) => {
      ehs[b * 77 * 768 + (k + 1) * 768 + d] = 1;
      m[d] += 1;
    });
    return m;
  });
  return { ehs, mass };
}

/** x_t = √ᾱ·x_j + √(1−ᾱ)·ε for a chosen scene j, plus the ε used. */
function noised(scene: Float32Array, t: number, seed: number) {
  const ab = alphaBarAt(t);
  const eps = gaussians(scene.length, seed);
  const x = scene.map((v, i) => Math.sqrt(ab) * v + Math.sqrt(1 - ab) * eps[i]);
  return { x, eps };
}

async function runUnet(x: Float32Array[], t: number, ehs: Float32Array, h: number, w: number) {
  const sample = new Float32Array(x.length * 4 * h * w);
  x.forEach((xi, b) => sample.set(xi, b * 4 * h * w));
  const out = await unet.run({
    sample: f32(sample, [x.length, 4, h, w]),
    timestep: f32(Float32Array.of(t), []),
    encoder_hidden_states: f32(ehs, [x.length, 77, 768]),
  });
  expect(out.out_sample.dims).toEqual([x.length, 4, h, w]);
  const data = out.out_sample.data as Float32Array;
  return x.map((_, b) => data.subarray(b * 4 * h * w, (b + 1) * 4 * h * w));
}

/** UNet-space latent of each background, from encoding a flat background image. */
async function flatLatents(): Promise<Record<'light' | 'dark', number[]>> {
  const out: Record<string, number[]> = {};
  for (const name of ['light', 'dark'] as const) {
    const img = new Float32Array(3 * 64);
    for (let c = 0; c < 3; c++) img.fill(BACKGROUND_RGB[name][c], c * 64, (c + 1) * 64);
    const [z] = await encodeImages(encoder, [img], 8, 8, SCALING_FACTOR);
    out[name] = [z[0], z[1], z[2], z[3]];
  }
  return out as Record<'light' | 'dark', number[]>;
}

function padLatent(z: Float32Array, h: number, w: number, fill: number[]): Float32Array {
  const out = new Float32Array(4 * h * w);
  const left = (w - 64) / 2;
  for (let c = 0; c < 4; c++) {
    out.fill(fill[c], c * h * w, (c + 1) * h * w);
    for (let r = 0; r < 64; r++) {
      out.set(z.subarray(c * 4096 + r * 64, c * 4096 + (r + 1) * 64), c * h * w + r * w + left);
    }
  }
  return out;
}

function halveLatent(z: Float32Array, size: number): Float32Array {
  const s = size / 2;
  const out = new Float32Array(4 * s * s);
  for (let c = 0; c < 4; c++) {
    for (let r = 0; r < s; r++) {
      for (let q = 0; q < s; q++) {
        const at = (rr: number, qq: number) => z[c * size * size + rr * size + qq];
        out[c * s * s + r * s + q] =
          (at(2 * r, 2 * q) +
            at(2 * r + 1, 2 * q) +
            at(2 * r, 2 * q + 1) +
            at(2 * r + 1, 2 * q + 1)) /
          4;
      }
    }
  }
  return out;
}

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('demo UNet (exact MMSE denoiser)', () => {
  it('matches the JS reference for batch 2 with different prompts at a fractional timestep', async () => {
    const t = 961.3; // high noise: the posterior is spread over many scenes
    const x = [noised(scenes64[7], t, 1).x, noised(scenes64[50], t, 2).x];
    // Item 0: "red circle" (dims 0 and 6); item 1: empty prompt.
    const { ehs, mass } = hiddenStates([[0, 6], []]);
    const got = await runUnet(x, t, ehs, 64, 64);
    const want = referenceEps({
      x,
      t: [t, t],
      mass,
      scenes: scenes64,
      specs,
      kappa: PRIOR_STRENGTH,
    });
    expect(maxDiff(got[0], want[0])).toBeLessThan(2e-3);
    expect(maxDiff(got[1], want[1])).toBeLessThan(2e-3);
  });

  it('matches the reference on a non-square 512×768 canvas (shape centred, background around)', async () => {
    const t = 850;
    // The encoder works on 8×8 blocks, so encoding the scene padded by 128 px of background on
    // each side is the 64×64 latent padded by 16 cells of the background's latent.
    const bgLatent = await flatLatents();
    const scenes = scenes64.map((z, i) => padLatent(z, 64, 96, bgLatent[specs[i].background]));
    const x = [noised(scenes[40], t, 3).x];
    const { ehs, mass } = hiddenStates([[3, 10]]); // "blue star"
    const got = await runUnet(x, t, ehs, 64, 96);
    const want = referenceEps({ x, t: [t], mass, scenes, specs, kappa: PRIOR_STRENGTH });
    expect(maxDiff(got[0], want[0])).toBeLessThan(2e-3);
  });

  it('matches the reference at 256×256 (dataset latents resized in the graph)', async () => {
    const t = 930;
    // A 2×2 box-downscaled scene encodes to the 2×2 mean of its 64×64 latent (affine, blockwise).
    const scenes = scenes64.map((z) => halveLatent(z, 64));
    const x = [noised(scenes[70], t, 4).x, noised(scenes[11], t, 5).x];
    const { ehs, mass } = hiddenStates([[], [14]]);
    const got = await runUnet(x, t, ehs, 32, 32);
    const want = referenceEps({ x, t: [t, t], mass, scenes, specs, kappa: PRIOR_STRENGTH });
    expect(maxDiff(got[0], want[0])).toBeLessThan(2e-3);
    expect(maxDiff(got[1], want[1])).toBeLessThan(2e-3);
  });

  it('encodes a box-downscaled scene to the 2×2 mean of its latent (premise of the test above)', async () => {
    const [z] = await encodeImages(encoder, [halve(images[70], 512)], 256, 256, SCALING_FACTOR);
    expect(maxDiff(z, halveLatent(scenes64[70], 64))).toBeLessThan(1e-4);
  });

  it('recovers the injected noise at tiny timesteps without underflow', async () => {
    for (const t of [0, 0.5, 3]) {
      const { x, eps } = noised(scenes64[33], t, 6);
      const { ehs } = hiddenStates([[]]);
      const [got] = await runUnet([x], t, ehs, 64, 64);
      expect(got.every(Number.isFinite)).toBe(true);
      expect(maxDiff(got, eps), `t=${t}`).toBeLessThan(2e-3);
    }
  });

  it('runs at odd latent sizes and batch 3 (264×520 px)', async () => {
    const x = [0, 1, 2].map((k) => gaussians(4 * 33 * 65, 20 + k));
    const { ehs } = hiddenStates([[0], [], [6]]);
    const got = await runUnet(x, 500, ehs, 33, 65);
    for (const eps of got) expect(eps.every(Number.isFinite)).toBe(true);
  });

  it('stays finite far from every scene at t = 0', async () => {
    const x = new Float32Array(4 * 64 * 64).fill(50);
    const { ehs } = hiddenStates([[0]]);
    const [got] = await runUnet([x], 0, ehs, 64, 64);
    expect(got.every(Number.isFinite)).toBe(true);
  });
});
