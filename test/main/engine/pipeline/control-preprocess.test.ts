/**
 * The ControlNet preprocessors on synthetic images whose edges and thresholds are known by
 * construction: Canny (blur, Sobel, non-maximum suppression, hysteresis), scribble, threshold,
 * invert; and the estimator output handling.
 */
import { describe, expect, it } from 'vitest';
import {
  canny,
  gaussianBlur,
  hysteresis,
  nonMaxSuppression,
  sobel,
} from '../../../../main/engine/pipeline/canny.ts';
import {
  applyPreprocessor,
  hintTensor,
} from '../../../../main/engine/pipeline/control-preprocess.ts';
import { mapPlanes, planesToRgb } from '../../../../main/engine/pipeline/estimator.ts';

const W = 24;
const H = 16;

/** A grey RGB image from a per-pixel function. */
function image(f: (x: number, y: number) => number, w = W, h = H): Uint8Array {
  const rgb = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) rgb.fill(f(x, y), (y * w + x) * 3, (y * w + x) * 3 + 3);
  return rgb;
}

/** Column indices of the white pixels in row y of an RGB edge map. */
const whiteColumns = (rgb: Uint8Array, y: number, w = W) =>
  Array.from({ length: w }, (_, x) => x).filter((x) => rgb[(y * w + x) * 3] === 255);

describe('gaussianBlur', () => {
  it('keeps a constant image constant and preserves the sum of an impulse away from borders', () => {
    const flat = gaussianBlur(new Float32Array(W * H).fill(7), W, H, 1.5);
    expect(flat.every((v) => Math.abs(v - 7) < 1e-5)).toBe(true);
    const impulse = new Float32Array(W * H);
    impulse[8 * W + 12] = 1;
    const blurred = gaussianBlur(impulse, W, H, 1);
    expect(blurred.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    // Symmetric, with the peak at the impulse.
    expect(blurred[8 * W + 11]).toBeCloseTo(blurred[8 * W + 13], 7);
    expect(blurred[8 * W + 12]).toBeGreaterThan(blurred[8 * W + 11]);
    // exp(−1/2) is the ratio of the 1-px neighbour to the centre for σ = 1.
    expect(blurred[8 * W + 13] / blurred[8 * W + 12]).toBeCloseTo(Math.exp(-0.5), 5);
  });
});

describe('sobel', () => {
  it('gives |gx| + |gy| = 4·step on both sides of a vertical step edge', () => {
    const grey = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 10; x < W; x++) grey[y * W + x] = 100;
    const { gx, gy, mag } = sobel(grey, W, H);
    expect([gx[5 * W + 9], gx[5 * W + 10], gx[5 * W + 11]]).toEqual([400, 400, 0]);
    expect(gy[5 * W + 9]).toBe(0);
    expect(mag[5 * W + 9]).toBe(400);
  });
});

describe('nonMaxSuppression and hysteresis', () => {
  it('thins a two-pixel Sobel ridge to one pixel', () => {
    const grey = new Float32Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 10; x < W; x++) grey[y * W + x] = 100;
    const { gx, gy, mag } = sobel(grey, W, H);
    const thin = nonMaxSuppression(gx, gy, mag, W, H);
    for (let y = 0; y < H; y++) {
      expect(
        Array.from({ length: W }, (_, x) => (thin[y * W + x] > 0 ? x : -1)).filter((x) => x >= 0),
      ).toEqual([9]);
    }
  });

  it('keeps weak pixels only when connected to a strong one', () => {
    // One row: strong (300) at x = 2, weak (150) at x = 3..5, then a gap, then weak at 8..9.
    const row = [0, 0, 300, 150, 150, 150, 0, 0, 150, 150, 0, 0];
    const edges = hysteresis(Float32Array.from(row), 12, 1, 100, 200);
    expect(Array.from(edges)).toEqual(row.map((v, x) => (x >= 2 && x <= 5 ? 255 : 0)));
  });
});

describe('canny', () => {
  it('marks the outline of a square, one pixel wide, and nothing inside or outside it', () => {
    const rgb = image((x, y) => (x >= 6 && x < 18 && y >= 4 && y < 12 ? 200 : 20));
    const edges = canny(rgb, W, H, { low: 100, high: 200, sigma: 0 });
    // Middle row: the left and right sides only.
    expect(whiteColumns(grey3(edges), 8)).toEqual([5, 17]);
    expect(whiteColumns(grey3(edges), 1)).toEqual([]);
  });

  it('finds no edge whose gradient stays under the high threshold', () => {
    const rgb = image((x) => (x >= 12 ? 60 : 20)); // step 40 → |G| = 160 < 200
    expect(canny(rgb, W, H, { low: 100, high: 200, sigma: 0 }).some((v) => v > 0)).toBe(false);
    expect(canny(rgb, W, H, { low: 50, high: 150, sigma: 0 }).some((v) => v > 0)).toBe(true);
  });

  it('smoothing lowers the gradient of a step below a threshold it passed unsmoothed', () => {
    const rgb = image((x) => (x >= 12 ? 80 : 20)); // |G| = 240 unsmoothed
    expect(canny(rgb, W, H, { low: 100, high: 200, sigma: 0 }).some((v) => v > 0)).toBe(true);
    expect(canny(rgb, W, H, { low: 100, high: 200, sigma: 3 }).some((v) => v > 0)).toBe(false);
  });
});

/** canny returns one channel; spread it to RGB like the preprocessor does. */
function grey3(edges: Uint8Array): Uint8Array {
  const out = new Uint8Array(edges.length * 3);
  edges.forEach((v, i) => out.fill(v, i * 3, i * 3 + 3));
  return out;
}

describe('applyPreprocessor', () => {
  const rgb = new Uint8Array([10, 200, 200, 130, 140, 150, 250, 250, 250, 0, 0, 0]);

  it('scribble: white where the darkest channel is below the threshold', () => {
    const out = applyPreprocessor('scribble', rgb, 4, 1, { threshold: 127 });
    expect(Array.from(out)).toEqual([255, 255, 255, 0, 0, 0, 0, 0, 0, 255, 255, 255]);
  });

  it('threshold: white where the BT.601 grey value is above the threshold', () => {
    // Greys: 0.299·10 + 0.587·200 + 0.114·200 = 143.2; 138.3; 250; 0.
    const out = applyPreprocessor('threshold', rgb, 4, 1, { threshold: 140 });
    expect(Array.from(out)).toEqual([255, 255, 255, 0, 0, 0, 255, 255, 255, 0, 0, 0]);
  });

  it('invert and none', () => {
    expect(Array.from(applyPreprocessor('invert', rgb, 4, 1, {}))).toEqual(
      Array.from(rgb, (v) => 255 - v),
    );
    expect(applyPreprocessor('none', rgb, 4, 1, {})).toBe(rgb);
  });

  it('canny: white edges on black in all three channels', () => {
    const square = image((x, y) => (x >= 6 && x < 18 && y >= 4 && y < 12 ? 200 : 20));
    const out = applyPreprocessor('canny', square, W, H, { low: 100, high: 200, sigma: 0 });
    expect(whiteColumns(out, 8)).toEqual([5, 17]);
    expect(new Set(out).size).toBe(2);
  });

  it('hintTensor: NCHW in [0, 1]', () => {
    const got = Array.from(hintTensor(new Uint8Array([255, 0, 51, 0, 255, 102]), 2, 1));
    [1, 0, 0, 1, 0.2, 0.4].forEach((v, i) => expect(got[i]).toBeCloseTo(v, 6));
  });
});

describe('estimator output', () => {
  it('reads [1,1,h,w], [h,w] and [1,C,h,w] maps, reducing C > 3 by the maximum', () => {
    const data = Float32Array.from([0, 1, 2, 3, 3, 2, 1, 0, 5, 5, 5, 5]);
    expect(mapPlanes(data.subarray(0, 4), [1, 1, 2, 2], 'm').planes).toHaveLength(1);
    expect(mapPlanes(data.subarray(0, 4), [2, 2], 'm')).toMatchObject({ width: 2, height: 2 });
    expect(mapPlanes(data, [1, 3, 2, 2], 'm').planes).toHaveLength(3);
    const four = Float32Array.from([...data, 0, 9, 0, 0]);
    expect(Array.from(mapPlanes(four, [1, 4, 2, 2], 'm').planes[0])).toEqual([5, 9, 5, 5]);
    expect(() => mapPlanes(data, [2, 3, 2, 1, 1], 'm')).toThrow(/expected a map/);
  });

  it('min-max normalises to 0–255 grey, optionally inverted', () => {
    const plane = Float32Array.from([2, 4, 6]);
    expect(Array.from(planesToRgb([plane], false))).toEqual([
      0, 0, 0, 128, 128, 128, 255, 255, 255,
    ]);
    expect(Array.from(planesToRgb([plane], true))).toEqual([255, 255, 255, 128, 128, 128, 0, 0, 0]);
  });
});
