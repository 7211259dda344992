// @vitest-environment node
/**
 * Acceptance for issue 5, inpainting: the 9-channel inpainting UNet fixture receives latents ‖
 * mask ‖ masked-image latents (diffusers StableDiffusionInpaintPipeline), checked against the
 * fixture's VAE encoder run directly; the mask geometry helpers on their own.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Engine } from '../../../../main/engine/engine.ts';
import { fitAspect, latentMask, maskBounds } from '../../../../main/engine/pipeline/inpaint.ts';
import { writeInpaintModel } from '../../../fixtures/contract/inpaint.ts';
import {
  item,
  maxAbsDiff,
  pngOf,
  recordSessions,
  runDirect,
  tempRoot,
  type Recorder,
} from './feature-support.ts';

const S = 64;
let cleanup: () => Promise<void>;
let model: string;
let engine: Engine;
let rec: Recorder;
let initRgb: Uint8Array;
let maskRgb: Uint8Array;

beforeAll(async () => {
  const root = await tempRoot();
  cleanup = root.cleanup;
  model = await writeInpaintModel(path.join(root.dir, 'inpaint'));
  initRgb = new Uint8Array(S * S * 3);
  maskRgb = new Uint8Array(S * S * 3);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      const i = (y * S + x) * 3;
      initRgb.set([x * 4, y * 4, 128], i);
      // Repaint a 24×16 block whose edges fall inside latent cells (x 20..43, y 8..23).
      if (x >= 20 && x < 44 && y >= 8 && y < 24) maskRgb.fill(255, i, i + 3);
    }
  }
  engine = new Engine();
  rec = recordSessions();
}, 60_000);

afterAll(async () => {
  rec?.restore();
  await engine?.unloadModels();
  await cleanup?.();
});

beforeEach(() => rec.clear());

describe('9-channel inpainting UNet', () => {
  it('receives latents ‖ mask ‖ masked-image latents for both CFG halves', async () => {
    await engine.submit('inpaint9', {
      model,
      prompt: 'a door',
      negativePrompt: 'blur',
      steps: 2,
      cfg: 6,
      scheduler: 'Euler',
      seed: 8,
      width: S,
      height: S,
      provider: 'cpu',
      init: { image: { data: await pngOf(initRgb, S, S) }, strength: 1, resize: 'crop' },
      mask: { image: { data: await pngOf(maskRgb, S, S) }, blur: 0, onlyMasked: false, padding: 0 },
    });
    const unet = rec.with('sample', 'timestep');
    expect(unet).toHaveLength(2);
    const sample = unet[0].feeds.sample;
    expect(sample.dims).toEqual([2, 9, 8, 8]);

    // Mask channel: a latent cell is repainted when at least half of its 8×8 pixels are.
    // Columns 20..43 cover cells 2 (4 of 8 px), 3, 4 and 5 (4 of 8 px); rows 8..23 cells 1 and 2.
    const cells = new Float64Array(64);
    for (let cy = 1; cy <= 2; cy++) for (let cx = 2; cx <= 5; cx++) cells[cy * 8 + cx] = 1;
    const plane = 64;
    for (const b of [0, 1]) {
      const x = item(sample, b);
      expect(Array.from(x.subarray(4 * plane, 5 * plane))).toEqual(Array.from(cells));
    }

    // Masked image: the init image with the repaint area (mask ≥ 0.5) at 0, in [−1, 1].
    const masked = new Float32Array(3 * S * S);
    for (let p = 0; p < S * S; p++) {
      const repaint = maskRgb[p * 3] >= 128;
      for (let c = 0; c < 3; c++)
        masked[c * S * S + p] = repaint ? 0 : initRgb[p * 3 + c] / 127.5 - 1;
    }
    const out = await runDirect(path.join(model, 'vae_encoder', 'model.onnx'), {
      sample: new ort.Tensor('float32', masked, [1, 3, S, S]),
    });
    // latent_parameters: the mean (channels 0–3); the fixture's logvar ≈ −8 makes the sampled
    // latents differ from the mean by about e^−4 · ε.
    const mean = (out.latent_parameters.data as Float32Array).subarray(0, 4 * plane);
    const expected = Float64Array.from(mean, (v) => v * 0.18215);
    for (const b of [0, 1]) {
      const got = item(sample, b).subarray(5 * plane, 9 * plane);
      expect(maxAbsDiff(got, expected)).toBeLessThan(0.02);
    }
    // Both halves carry the same conditioning image and latents.
    expect(maxAbsDiff(item(sample, 0), item(sample, 1))).toBe(0);
  });

  it('repaints everything (mask 1, grey masked image) without a mask', async () => {
    await engine.submit('inpaint9-txt2img', {
      model,
      prompt: 'a door',
      steps: 2,
      cfg: 1,
      scheduler: 'Euler',
      seed: 8,
      width: S,
      height: S,
      provider: 'cpu',
    });
    const sample = rec.with('sample', 'timestep')[0].feeds.sample;
    expect(sample.dims).toEqual([1, 9, 8, 8]);
    expect(sample.values.subarray(4 * 64, 5 * 64).every((v) => v === 1)).toBe(true);
  });
});

describe('mask geometry', () => {
  it('maskBounds finds the painted box, grows it by the padding and clamps it', () => {
    const mask = new Float32Array(20 * 10);
    for (let y = 3; y < 6; y++) for (let x = 12; x < 15; x++) mask[y * 20 + x] = 1;
    expect(maskBounds(mask, 20, 10, 0)).toEqual({ x: 12, y: 3, width: 3, height: 3 });
    expect(maskBounds(mask, 20, 10, 4)).toEqual({ x: 8, y: 0, width: 11, height: 10 });
    expect(maskBounds(new Float32Array(200), 20, 10, 4)).toBeUndefined();
  });

  it('fitAspect widens a crop to the generation aspect ratio, centred and inside the canvas', () => {
    // 2:1 generation, a 10×10 crop → 20×10, centred on x = 15.
    expect(fitAspect({ x: 10, y: 0, width: 10, height: 10 }, 200, 100)).toEqual({
      x: 5,
      y: 0,
      width: 20,
      height: 10,
    });
    // Against the right edge the widened crop shifts left instead of leaving the canvas.
    expect(fitAspect({ x: 190, y: 0, width: 10, height: 10 }, 200, 100)).toEqual({
      x: 180,
      y: 0,
      width: 20,
      height: 10,
    });
    // A wide crop on a square canvas grows in height.
    expect(fitAspect({ x: 0, y: 40, width: 40, height: 10 }, 100, 100)).toEqual({
      x: 0,
      y: 25,
      width: 40,
      height: 40,
    });
  });

  it('latentMask rounds each 8×8 cell’s mean', () => {
    const mask = new Float32Array(16 * 8);
    // Cell 0: 32 of 64 pixels (0.5 → 1); cell 1: 31 (→ 0).
    for (let i = 0; i < 32; i++) mask[Math.floor(i / 8) * 16 + (i % 8)] = 1;
    for (let i = 0; i < 31; i++) mask[Math.floor(i / 8) * 16 + 8 + (i % 8)] = 1;
    expect(Array.from(latentMask(mask, 16, 8, 8))).toEqual([1, 0]);
  });
});
