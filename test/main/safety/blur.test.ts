import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { blurredPng, blurRgb } from '../../../main/safety/blur.ts';

async function drawn(svg: string): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  const { data, info } = await sharp(Buffer.from(svg))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { rgb: new Uint8Array(data), width: info.width, height: info.height };
}

const mean = (rgb: Uint8Array) => rgb.reduce((a, b) => a + b, 0) / rgb.length;

describe('blurRgb', () => {
  const scene = drawn(
    '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="384"><rect width="512" height="384" fill="#203040"/>' +
      '<circle cx="180" cy="170" r="110" fill="#f0c090"/><text x="260" y="300" font-size="90" fill="#fff">HELLO</text></svg>',
  );

  it('leaves no edge: neighbouring pixels differ by at most 4 levels', async () => {
    const { rgb, width, height } = await scene;
    const out = await blurRgb(rgb, width, height);
    let max = 0;
    for (let y = 0; y + 1 < height; y++)
      for (let x = 0; x + 1 < width; x++)
        for (let c = 0; c < 3; c++) {
          const i = (y * width + x) * 3 + c;
          max = Math.max(max, Math.abs(out[i] - out[i + 3]), Math.abs(out[i] - out[i + width * 3]));
        }
    expect(max).toBeLessThanOrEqual(4);
  });

  it('erases text: two captions with the same letters in another order blur to the same image', async () => {
    const caption = (text: string) =>
      drawn(
        '<svg xmlns="http://www.w3.org/2000/svg" width="512" height="384"><rect width="512" height="384" fill="#203040"/>' +
          `<text x="60" y="220" font-size="90" fill="#fff">${text}</text></svg>`,
      );
    const [a, b] = await Promise.all([caption('HELLO'), caption('LOHEL')]);
    const before = a.rgb.reduce((m, v, i) => Math.max(m, Math.abs(v - b.rgb[i])), 0);
    const [ba, bb] = await Promise.all([blurRgb(a.rgb, 512, 384), blurRgb(b.rgb, 512, 384)]);
    const after = ba.reduce((m, v, i) => Math.max(m, Math.abs(v - bb[i])), 0);
    expect(before).toBeGreaterThan(200);
    // What remains is the ink per region (H and L hold different amounts), not the letters:
    // under a tenth of the difference before (measured 223 → 14 levels).
    expect(after).toBeLessThan(before / 10);
  });

  it('keeps the overall colour (a blur, not a black square)', async () => {
    const { rgb, width, height } = await scene;
    expect(Math.abs(mean(await blurRgb(rgb, width, height)) - mean(rgb))).toBeLessThan(6);
  });

  it('handles tiny and very elongated images', async () => {
    for (const [w, h] of [
      [1, 1],
      [3, 200],
      [640, 8],
    ]) {
      expect(await blurRgb(new Uint8Array(w * h * 3).fill(90), w, h)).toHaveLength(w * h * 3);
    }
  });
});

describe('blurredPng', () => {
  it('encodes the blurred pixels as a PNG of the same size', async () => {
    const png = await blurredPng(new Uint8Array(32 * 24 * 3).fill(200), 32, 24);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 32, 24]);
  });
});
