/**
 * Image measurements for the generation tests, written from scratch: background estimate from
 * the corners, colour masks, equal-area reference shapes and nearest-scene search.
 */
import sharp from 'sharp';

export interface Rgb01 {
  /** Planar [3, h, w] in 0..1. */
  data: Float32Array;
  width: number;
  height: number;
}

export async function pngToRgb(png: Uint8Array): Promise<Rgb01> {
  const { data, info } = await sharp(Buffer.from(png))
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const plane = info.width * info.height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++)
    for (let c = 0; c < 3; c++) out[c * plane + i] = data[i * 3 + c] / 255;
  return { data: out, width: info.width, height: info.height };
}

export async function rgbToPng(img: Rgb01): Promise<Uint8Array> {
  const plane = img.width * img.height;
  const bytes = new Uint8Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) bytes[i * 3 + c] = Math.round(img.data[c * plane + i] * 255);
  }
  const png = await sharp(bytes, { raw: { width: img.width, height: img.height, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

const pixel = (img: Rgb01, i: number): number[] => {
  const plane = img.width * img.height;
  return [img.data[i], img.data[plane + i], img.data[2 * plane + i]];
};

/** Mean colour of four 16×16 corner patches. */
export function cornerColour(img: Rgb01): number[] {
  const sum = [0, 0, 0];
  let n = 0;
  for (const [y0, x0] of [
    [0, 0],
    [0, img.width - 16],
    [img.height - 16, 0],
    [img.height - 16, img.width - 16],
  ]) {
    for (let y = y0; y < y0 + 16; y++) {
      for (let x = x0; x < x0 + 16; x++) {
        pixel(img, y * img.width + x).forEach((v, c) => (sum[c] += v));
        n++;
      }
    }
  }
  return sum.map((v) => v / n);
}

const dist2 = (a: number[], b: readonly number[]) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);

/** Pixels closer to `colour` than to the background colour. */
export function colourMask(
  img: Rgb01,
  colour: readonly number[],
  background: readonly number[],
): Uint8Array {
  const mask = new Uint8Array(img.width * img.height);
  for (let i = 0; i < mask.length; i++) {
    const p = pixel(img, i);
    mask[i] = dist2(p, colour) < dist2(p, background) ? 1 : 0;
  }
  return mask;
}

/** Area and centroid of a mask. */
export function moments(mask: Uint8Array, width: number): { area: number; cx: number; cy: number } {
  let area = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    area++;
    sx += (i % width) + 0.5;
    sy += Math.floor(i / width) + 0.5;
  }
  return { area, cx: sx / area, cy: sy / area };
}

/** A disc or axis-aligned square with the mask's area and centroid. */
export function equalAreaShape(
  mask: Uint8Array,
  width: number,
  kind: 'disc' | 'square',
): Uint8Array {
  const { area, cx, cy } = moments(mask, width);
  const r = kind === 'disc' ? Math.sqrt(area / Math.PI) : Math.sqrt(area) / 2;
  const out = new Uint8Array(mask.length);
  for (let i = 0; i < out.length; i++) {
    const dx = (i % width) + 0.5 - cx;
    const dy = Math.floor(i / width) + 0.5 - cy;
    out[i] = (kind === 'disc' ? Math.hypot(dx, dy) < r : Math.max(Math.abs(dx), Math.abs(dy)) < r)
      ? 1
      : 0;
  }
  return out;
}

/** Fraction of pixels that are plainly red (R high, G and B low). */
export function redFraction(img: Rgb01): number {
  let red = 0;
  const plane = img.width * img.height;
  for (let i = 0; i < plane; i++) {
    const [r, g, b] = pixel(img, i);
    if (r > 0.6 && g < 0.3 && b < 0.3) red++;
  }
  return red / plane;
}

/** Index and RMS distance of the nearest latent. */
export function nearest(
  latent: Float32Array,
  candidates: Float32Array[],
): { index: number; rms: number } {
  let index = -1;
  let best = Infinity;
  candidates.forEach((c, i) => {
    let d = 0;
    for (let j = 0; j < c.length; j++) d += (latent[j] - c[j]) ** 2;
    if (d < best) {
      best = d;
      index = i;
    }
  });
  return { index, rms: Math.sqrt(best / latent.length) };
}
