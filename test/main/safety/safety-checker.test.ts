import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, saveModel, type DType } from '../../../main/onnx-builder/index.ts';
import {
  CLIP_DEFAULTS,
  clipPreprocess,
  clipResizeSize,
  readClipConfig,
} from '../../../main/safety/clip-preprocess.ts';
import { loadModelSafetyChecker } from '../../../main/safety/safety-checker.ts';

/**
 * A stand-in with the I/O contract of diffusers' ONNX safety checker (evaluation.md A1):
 * has_nsfw_concepts = mean(images) > 0.5, so a bright image is "flagged". It proves the feeds
 * (names, dtypes, NHWC images in [0, 1], one image per run) without the 1.2 GB CLIP model.
 */
async function stubChecker(dtype: DType, outputs = true): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'emulsion-checker-'));
  const g = new GraphBuilder('stub_safety_checker');
  const clip = g.input('clip_input', dtype, ['batch', 3, 224, 224]);
  const images = g.input('images', dtype, ['batch', 'height', 'width', 3]);
  const f32 = dtype === 'float32' ? images : g.op('Cast', [images], { to: 1 });
  const mean = g.op('ReduceMean', [f32], { axes: [1, 2, 3], keepdims: 0 });
  const flag = g.op('Greater', [mean, g.f32(0.5)]);
  // clip_input must be consumed for ORT to keep it as an input; add 0 · mean(clip) to the images.
  const clipMean = g.op('ReduceMean', [clip], { axes: [1, 2, 3], keepdims: 1 });
  const zeroScalar =
    dtype === 'float16' ? g.constant(new Uint16Array([0]), [], 'float16') : g.f32(0);
  const zero = g.op('Mul', [clipMean, zeroScalar]);
  g.output(g.op('Add', [images, zero]), 'out_images', dtype, ['batch', 'height', 'width', 3]);
  if (outputs) g.output(flag, 'has_nsfw_concepts', 'bool', ['batch']);
  else g.output(flag, 'nsfw', 'bool', ['batch']);
  await saveModel(g, path.join(dir, 'safety_checker'), { opset: 17 });
  return path.join(dir, 'safety_checker', 'model.onnx');
}

const flat = (w: number, h: number, v: number) => new Uint8Array(w * h * 3).fill(v);

describe('loadModelSafetyChecker', () => {
  it('feeds one NHWC image in [0, 1] and reads has_nsfw_concepts', async () => {
    const checker = await loadModelSafetyChecker(await stubChecker('float32'), 'cpu');
    expect(await checker.check(flat(96, 64, 255), 96, 64)).toBe(true);
    expect(await checker.check(flat(96, 64, 100), 96, 64)).toBe(false);
    // 140/255 = 0.549 > 0.5: the feed is scaled by 1/255, not 1/127.5 − 1.
    expect(await checker.check(flat(40, 50, 140), 40, 50)).toBe(true);
    await checker.release();
  });

  it('converts the feeds to float16 when the checker declares float16 inputs', async () => {
    const checker = await loadModelSafetyChecker(await stubChecker('float16'), 'cpu');
    expect(await checker.check(flat(32, 32, 255), 32, 32)).toBe(true);
    expect(await checker.check(flat(32, 32, 0), 32, 32)).toBe(false);
    await checker.release();
  });

  it('refuses a model without the has_nsfw_concepts output', async () => {
    await expect(
      loadModelSafetyChecker(await stubChecker('float32', false), 'cpu'),
    ).rejects.toMatchObject({
      code: 'MODEL_CONTRACT',
      message: expect.stringContaining('has_nsfw_concepts'),
    });
  });
});

describe('clipPreprocess', () => {
  it('normalises with the CLIP mean and std', async () => {
    // Pure red: R = (1 − 0.48145466) / 0.26862954 = 1.930336, G = (0 − 0.4578275) / 0.26130258
    // = −1.752097, B = (0 − 0.40821073) / 0.27577711 = −1.480220.
    const rgb = new Uint8Array(300 * 200 * 3);
    for (let i = 0; i < 300 * 200; i++) rgb[i * 3] = 255;
    const out = await clipPreprocess(rgb, 300, 200);
    const plane = 224 * 224;
    expect(out).toHaveLength(3 * plane);
    for (const i of [0, 777, plane - 1]) {
      expect(out[i]).toBeCloseTo(1.930336, 4);
      expect(out[plane + i]).toBeCloseTo(-1.752097, 4);
      expect(out[2 * plane + i]).toBeCloseTo(-1.48022, 4);
    }
  });

  it('centre-crops: offset (448 − 224) // 2 = 112 on a 448×224 image', async () => {
    // Left half black (x < 224), right half white. The crop keeps x = 112..335: its first 112
    // columns are black, the rest white. Black R = −0.48145466 / 0.26862954 = −1.792263.
    const rgb = new Uint8Array(448 * 224 * 3);
    for (let y = 0; y < 224; y++)
      for (let x = 224; x < 448; x++) rgb.fill(255, (y * 448 + x) * 3, (y * 448 + x) * 3 + 3);
    const out = await clipPreprocess(rgb, 448, 224);
    expect(out[10 * 224 + 111]).toBeCloseTo(-1.792263, 4);
    expect(out[10 * 224 + 112]).toBeCloseTo(1.930336, 4);
  });

  it('resizes the shortest edge to 224 and truncates the long edge', () => {
    // 224 · 640 / 480 = 298.67 → 298.
    expect(clipResizeSize(640, 480, 224)).toEqual([298, 224]);
    expect(clipResizeSize(480, 640, 224)).toEqual([224, 298]);
    expect(clipResizeSize(512, 512, 224)).toEqual([224, 224]);
  });
});

describe('readClipConfig', () => {
  it('uses the CLIP defaults when the folder has no feature_extractor', () => {
    expect(readClipConfig('/nowhere/safety_checker/model.onnx')).toEqual(CLIP_DEFAULTS);
  });

  it('reads feature_extractor/preprocessor_config.json next to the checker', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'emulsion-fe-'));
    mkdirSync(path.join(dir, 'feature_extractor'));
    writeFileSync(
      path.join(dir, 'feature_extractor', 'preprocessor_config.json'),
      JSON.stringify({
        size: { shortest_edge: 256 },
        crop_size: { height: 240, width: 240 },
        image_mean: [0.5, 0.5, 0.5],
      }),
    );
    expect(readClipConfig(path.join(dir, 'safety_checker', 'model.onnx'))).toEqual({
      shortestEdge: 256,
      crop: 240,
      mean: [0.5, 0.5, 0.5],
      std: CLIP_DEFAULTS.std,
    });
  });
});
