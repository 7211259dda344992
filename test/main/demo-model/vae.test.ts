// @vitest-environment node
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as ort from 'onnxruntime-node';
import {
  COLOUR_RGB,
  BACKGROUND_RGB,
  sceneSpecs,
  SCALING_FACTOR,
} from '../../../main/demo-model/design.ts';
import { drawScene } from '../../../main/demo-model/scenes.ts';
import { demoModels, encodeImages, f32, iou, openSession } from './support.ts';

/** ComfyUI's SD 1.5 latent→RGB preview factors, as listed in onnx-contract.md §5. */
const SD15_PREVIEW = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.7177],
];

let encoder: ort.InferenceSession;
let decoder: ort.InferenceSession;

beforeAll(async () => {
  const { base } = await demoModels();
  encoder = await openSession(path.join(base, 'vae_encoder', 'model.onnx'));
  decoder = await openSession(path.join(base, 'vae_decoder', 'model.onnx'));
});

async function roundTrip(img: Float32Array, h: number, w: number): Promise<Float32Array> {
  const [z] = await encodeImages(encoder, [img], h, w, SCALING_FACTOR);
  const latent = z.map((v) => v / SCALING_FACTOR);
  const out = await decoder.run({ latent_sample: f32(latent, [1, 4, h / 8, w / 8]) });
  return (out.sample.data as Float32Array).map((v) => v / 2 + 0.5);
}

describe('demo VAE', () => {
  it('encodes [B,3,H,W] to latent_parameters [B,8,H/8,W/8] with logvar −30', async () => {
    const x = new Float32Array(2 * 3 * 64 * 96).fill(0.25);
    const out = (await encoder.run({ sample: f32(x, [2, 3, 64, 96]) })).latent_parameters;
    expect(out.dims).toEqual([2, 8, 8, 12]);
    const data = out.data as Float32Array;
    expect(data[4 * 96]).toBe(-30);
    expect(data[8 * 96 - 1]).toBe(-30);
  });

  it('decodes a flat colour back exactly and matches the SD 1.5 latent preview', async () => {
    for (const rgb of [COLOUR_RGB.orange, COLOUR_RGB.blue, BACKGROUND_RGB.light]) {
      const img = new Float32Array(3 * 64 * 64);
      for (let c = 0; c < 3; c++) img.fill(rgb[c], c * 4096, (c + 1) * 4096);
      const back = await roundTrip(img, 64, 64);
      for (let c = 0; c < 3; c++) expect(back[c * 4096 + 2000]).toBeCloseTo(rgb[c], 4);
      // Preview: rgb ≈ Σ_c z_c·F_c on UNet-space latents, then (x + 1)/2.
      const [z] = await encodeImages(encoder, [img], 64, 64, SCALING_FACTOR);
      const zc = [0, 1, 2, 3].map((c) => z[c * 64]);
      for (let k = 0; k < 3; k++) {
        const preview = zc.reduce((s, v, c) => s + v * SD15_PREVIEW[c][k], 0) / 2 + 0.5;
        expect(preview).toBeCloseTo(rgb[k], 4);
      }
    }
  });

  it('gives all eight shape colours the same latent norm (within 3%)', async () => {
    const norms: number[] = [];
    for (const rgb of Object.values(COLOUR_RGB)) {
      const img = new Float32Array(3 * 8 * 8);
      for (let c = 0; c < 3; c++) img.fill(rgb[c], c * 64, (c + 1) * 64);
      const [z] = await encodeImages(encoder, [img], 8, 8, SCALING_FACTOR);
      norms.push(Math.hypot(...z));
    }
    const mean = norms.reduce((a, b) => a + b) / norms.length;
    for (const n of norms) expect(Math.abs(n - mean) / mean).toBeLessThan(0.03);
  });

  it('decodes encoded scenes into recognisable scenes', async () => {
    for (const caption of [
      'a red circle on a dark background',
      'a white star on a light background',
      'a green cross on a dark background',
    ]) {
      const spec = sceneSpecs().find((s) => s.caption === caption)!;
      const img = drawScene(spec);
      const back = await roundTrip(img, 512, 512);
      const fg = COLOUR_RGB[spec.colour];
      const bg = BACKGROUND_RGB[spec.background];
      // Foreground mask: closer to the shape colour than to the background.
      const mask = (x: Float32Array) =>
        Array.from({ length: 512 * 512 }, (_, i) => {
          let dFg = 0;
          let dBg = 0;
          for (let c = 0; c < 3; c++) {
            dFg += (x[c * 262144 + i] - fg[c]) ** 2;
            dBg += (x[c * 262144 + i] - bg[c]) ** 2;
          }
          return dFg < dBg;
        });
      expect(iou(mask(img), mask(back)), caption).toBeGreaterThan(0.93);
      let err = 0;
      for (let i = 0; i < img.length; i++) err += Math.abs(img[i] - back[i]);
      expect(err / img.length, caption).toBeLessThan(0.03);
    }
  });
});
