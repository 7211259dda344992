import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClipModel, type ClipModel } from '../../../../main/eval/clip/model.ts';
import {
  clipPixelValues,
  OPENAI_CLIP_IMAGE,
  resizeShortestSide,
} from '../../../../main/eval/clip/preprocess.ts';
import {
  clipScoreOf,
  clipScores,
  cosine,
  softmax,
  zeroShotProbabilities,
} from '../../../../main/eval/clip/score.ts';
import { createClipLabeller } from '../../../../main/eval/labellers/clip.ts';
import { DEMO_COLOUR } from '../../../../main/eval/audit/attributes.ts';
import { buildTinyClip } from '../fixtures/tiny-clip.ts';
import { drawShape } from '../fixtures/shapes.ts';

describe('CLIP preprocessing', () => {
  it('resizes the shortest side and keeps the aspect ratio like transformers', () => {
    // shortest_edge 224 of 640×480: long side int(224 · 640 / 480) = int(298.67) = 298.
    expect(resizeShortestSide(640, 480, 224)).toEqual([298, 224]);
    expect(resizeShortestSide(100, 300, 224)).toEqual([224, 672]);
  });

  it('normalises a flat colour with the CLIP mean and std, planar CHW', async () => {
    const png = await sharp({
      create: { width: 300, height: 200, channels: 3, background: { r: 255, g: 0, b: 128 } },
    })
      .png()
      .toBuffer();
    const px = await clipPixelValues(png);
    expect(px).toHaveLength(3 * 224 * 224);
    const { mean, std } = OPENAI_CLIP_IMAGE;
    // Channel 0 is 255 → (1 − 0.48145466)/0.26862954 = 1.930336; channel 2 is 128/255.
    expect(px[0]).toBeCloseTo((1 - mean[0]) / std[0], 5);
    expect(px[224 * 224 + 500]).toBeCloseTo((0 - mean[1]) / std[1], 5);
    expect(px[2 * 224 * 224 + 224 * 224 - 1]).toBeCloseTo((128 / 255 - mean[2]) / std[2], 5);
  });

  it('centre-crops: a left/right split image keeps both halves equally', async () => {
    // 448×224, left half black, right half white: after a 224 crop from x = 112, columns 0–111
    // are black and 112–223 white.
    const half = { width: 224, height: 224, channels: 3 as const };
    const black = await sharp({ create: { ...half, background: '#000' } })
      .raw()
      .toBuffer();
    const white = await sharp({ create: { ...half, background: '#fff' } })
      .raw()
      .toBuffer();
    const rows = Buffer.alloc(448 * 224 * 3);
    for (let y = 0; y < 224; y++) {
      black.copy(rows, y * 448 * 3, y * 224 * 3, (y + 1) * 224 * 3);
      white.copy(rows, y * 448 * 3 + 224 * 3, y * 224 * 3, (y + 1) * 224 * 3);
    }
    const png = await sharp(rows, { raw: { width: 448, height: 224, channels: 3 } })
      .png()
      .toBuffer();
    const px = await clipPixelValues(png);
    const { mean, std } = OPENAI_CLIP_IMAGE;
    expect(px[100 * 224 + 50]).toBeCloseTo(-mean[0] / std[0], 4);
    expect(px[100 * 224 + 170]).toBeCloseTo((1 - mean[0]) / std[0], 4);
  });
});

describe('CLIP scores', () => {
  it('computes cosine, a stable softmax and CLIPScore by hand', () => {
    const a = Float32Array.from([1, 0]);
    const b = Float32Array.from([1, 1]);
    expect(cosine(a, b)).toBeCloseTo(Math.SQRT1_2, 6);
    // softmax([0, ln 3]) = [1/4, 3/4]; huge logits do not overflow.
    expect(softmax([0, Math.log(3)])).toEqual([expect.closeTo(0.25, 12), expect.closeTo(0.75, 12)]);
    expect(softmax([1000, 1000])).toEqual([0.5, 0.5]);
    // w · max(cos, 0) with w = 100; a negative cosine scores 0.
    expect(clipScoreOf(a, b)).toBeCloseTo(100 * Math.SQRT1_2, 4);
    expect(clipScoreOf(a, Float32Array.from([-1, 0]))).toBe(0);
    // Two texts at cos 1 and 0 with scale 100: p = e^100 / (e^100 + 1) ≈ 1.
    expect(zeroShotProbabilities(a, [a, Float32Array.from([0, 1])])[0]).toBeCloseTo(1, 12);
  });
});

describe('CLIP model from a user folder (tiny fixture)', () => {
  let dir: string;
  let model: ClipModel;
  beforeAll(async () => {
    dir = await buildTinyClip(await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-clip-')));
    model = await loadClipModel(dir);
  });
  afterAll(async () => {
    await model?.release();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('returns unit-length embeddings for images and texts', async () => {
    const [img] = await model.embedImages([await drawShape('circle', 'red', 'light', 64)]);
    const [txt] = await model.embedTexts(['a red shape']);
    const norm = (v: Float32Array) => Math.hypot(...v);
    expect(norm(img)).toBeCloseTo(1, 5);
    expect(norm(txt)).toBeCloseTo(1, 5);
    expect(model.dimension).toBe(4);
  });

  it('labels colours zero-shot through the labeller plug-in', async () => {
    const labeller = createClipLabeller(model, { templates: { colour: 'a {value} shape' } });
    const attribute = { name: 'colour', values: ['red', 'green', 'blue', 'yellow'] };
    for (const colour of attribute.values) {
      const png = await drawShape('square', colour, 'light', 64);
      const { colour: guess } = await labeller.label(png, [attribute]);
      expect(guess.value).toBe(colour);
      expect(Object.values(guess.scores!).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
  });

  it("gives can't tell below the confidence floor", async () => {
    const labeller = createClipLabeller(model, { minConfidence: 1.01 });
    const { colour } = await labeller.label(await drawShape('star', 'blue', 'dark', 64), [
      DEMO_COLOUR,
    ]);
    expect(colour.value).toBe("can't tell");
  });

  it('scores a matching caption above a mismatched one', async () => {
    const png = await drawShape('circle', 'green', 'light', 64);
    const [match, mismatch] = await clipScores(model, [
      { image: png, caption: 'a green circle' },
      { image: png, caption: 'a purple circle' },
    ]);
    expect(match).toBeGreaterThan(mismatch);
  });

  it('names the missing file when the folder is not a CLIP export', async () => {
    await expect(loadClipModel(os.tmpdir())).rejects.toThrow(/vision_model\.onnx/);
  });
});
