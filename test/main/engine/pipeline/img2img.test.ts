// @vitest-environment node
/**
 * Acceptance for issue 2: img2img at strength 0 returns the input through the VAE, and at
 * strength 1 the result does not depend on the input. The VAE round trip is computed here
 * directly with onnxruntime sessions, independently of the engine.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../../../main/engine/engine.ts';
import {
  buildModels,
  decodePng,
  fixtureRoot,
  smallRequest,
  testCard,
  testCardRgb,
} from '../support.ts';

let cleanup: () => Promise<void>;
let models: Record<'legacy' | 'optimum' | 'olive', string>;
let engine: Engine;

beforeAll(async () => {
  const root = await fixtureRoot();
  cleanup = root.cleanup;
  models = await buildModels(root.dir, {
    legacy: 'legacy',
    optimum: 'optimum-1.24',
    olive: 'olive-fp16',
  });
  engine = new Engine();
});

afterAll(async () => {
  await engine?.unloadModels();
  await cleanup?.();
});

/**
 * decode(encode(x)) for an HWC uint8 image, straight through the fixture's sessions. For a
 * `latent_parameters` encoder the posterior mean (channels 0–3) is decoded.
 */
async function vaeRoundTrip(modelDir: string, rgb: Uint8Array, size: number): Promise<Uint8Array> {
  const plane = size * size;
  // diffusers VaeImageProcessor.normalize: 2·(x/255) − 1, NCHW.
  const x = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++)
    for (let c = 0; c < 3; c++) x[c * plane + p] = (rgb[p * 3 + c] / 255) * 2 - 1;
  const enc = await ort.InferenceSession.create(path.join(modelDir, 'vae_encoder', 'model.onnx'));
  const dec = await ort.InferenceSession.create(path.join(modelDir, 'vae_decoder', 'model.onnx'));
  try {
    const out0 = await enc.run({ sample: new ort.Tensor('float32', x, [1, 3, size, size]) });
    const [name] = enc.outputNames;
    const [, , h, w] = out0[name].dims;
    const mean = (out0[name].data as Float32Array).slice(0, 4 * h * w);
    const z = new ort.Tensor('float32', mean, [1, 4, h, w]);
    const y = (await dec.run({ latent_sample: z })).sample.data as Float32Array;
    const out = new Uint8Array(3 * plane);
    for (let p = 0; p < plane; p++) {
      for (let c = 0; c < 3; c++) {
        const v = Math.min(1, Math.max(0, y[c * plane + p] / 2 + 0.5));
        out[p * 3 + c] = Math.round(v * 255);
      }
    }
    return out;
  } finally {
    await Promise.all([enc.release(), dec.release()]);
  }
}

async function img2img(model: string, strength: number, card: number, seed = 5) {
  const init = { image: { data: await testCard(64, 64, card) }, strength, resize: 'crop' as const };
  return engine.submit(
    `i2i-${strength}-${card}-${seed}`,
    smallRequest(model, { init, seed, steps: 4 }),
  );
}

describe('img2img strength', () => {
  it('strength 0 returns decode(encode(input)) with no denoising step', async () => {
    const result = await img2img(models.legacy, 0, 0);
    expect(result.timings.stages.unet).toHaveLength(0);
    const got = await decodePng(result.images[0].png);
    const want = await vaeRoundTrip(models.legacy, testCardRgb(64, 64, 0), 64);
    let maxDiff = 0;
    for (let i = 0; i < want.length; i++)
      maxDiff = Math.max(maxDiff, Math.abs(got.data[i] - want[i]));
    // The engine scales by 0.18215 and back; that float rounding may move a pixel by one level.
    expect(maxDiff).toBeLessThanOrEqual(1);
  });

  it('strength 0 with a posterior (latent_parameters) decodes a sample around the mean', async () => {
    // logvar ≈ −8 in the fixture: z = μ + σ·ε moves latents by σ ≈ 0.02, a level or two of pixel.
    const want = await vaeRoundTrip(models.optimum, testCardRgb(64, 64, 0), 64);
    for (const seed of [1, 2]) {
      const got = await decodePng((await img2img(models.optimum, 0, 0, seed)).images[0].png);
      let maxDiff = 0;
      for (let i = 0; i < want.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(got.data[i] - want[i]));
      expect(maxDiff).toBeLessThanOrEqual(4);
    }
  });

  it.each(['legacy', 'optimum', 'olive'] as const)(
    'strength 1 ignores the input (%s): two different init images, same seed, same bytes',
    async (name) => {
      const a = await img2img(models[name], 1, 0);
      const b = await img2img(models[name], 1, 1);
      expect(a.timings.stages.unet).toHaveLength(4);
      expect(Buffer.from(a.images[0].png).equals(Buffer.from(b.images[0].png))).toBe(true);
    },
  );

  it.each(['crop', 'fit', 'stretch'] as const)(
    'resizes a 96×48 init image to the 64×64 request (%s)',
    async (resize) => {
      const wide = await testCard(96, 48);
      const init = { image: { data: wide }, strength: 0, resize };
      const result = await engine.submit(`resize-${resize}`, smallRequest(models.legacy, { init }));
      const image = await decodePng(result.images[0].png);
      expect([image.width, image.height]).toEqual([64, 64]);
      if (resize === 'fit') {
        // Letterboxed on black: the top rows are decode(encode(black)), the same all across.
        const row = image.data.subarray(0, 64 * 3);
        for (let x = 1; x < 64; x++) expect(row[x * 3]).toBe(row[0]);
      }
    },
  );

  it('strength 0.5 depends on the input', async () => {
    const a = await img2img(models.legacy, 0.5, 0);
    const b = await img2img(models.legacy, 0.5, 1);
    expect(a.timings.stages.unet).toHaveLength(2);
    expect(Buffer.from(a.images[0].png).equals(Buffer.from(b.images[0].png))).toBe(false);
  });
});
