/** Decoding and simple colour maths shared by the pixel-based labellers. */
import sharp from 'sharp';
import { EmulsionError } from '../../../common/errors.ts';

export interface RgbImage {
  data: Uint8Array;
  width: number;
  height: number;
}

export async function decodeRgb(image: Uint8Array): Promise<RgbImage> {
  try {
    const { data, info } = await sharp(image)
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (err) {
    throw new EmulsionError(
      'IMAGE_INVALID',
      `The labeller could not decode an image: ${(err as Error).message}`,
    );
  }
}

/** Hue in degrees [0, 360), saturation and value in [0, 1] (the HSV hexcone, Smith 1978). */
export function rgbToHsv(r: number, g: number, b: number): [number, number, number] {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const delta = max - min;
  let h = 0;
  if (delta > 0) {
    if (max === r) h = 60 * (((g - b) / delta) % 6);
    else if (max === g) h = 60 * ((b - r) / delta + 2);
    else h = 60 * ((r - g) / delta + 4);
  }
  if (h < 0) h += 360;
  return [h, max === 0 ? 0 : delta / max, max / 255];
}

/** Per-channel median of the one-pixel border: the background of a centred-subject image. */
export function borderColour(img: RgbImage): [number, number, number] {
  const { data, width, height } = img;
  const samples: number[][] = [[], [], []];
  const take = (x: number, y: number) => {
    const i = (y * width + x) * 3;
    for (let c = 0; c < 3; c++) samples[c].push(data[i + c]);
  };
  for (let x = 0; x < width; x++) {
    take(x, 0);
    take(x, height - 1);
  }
  for (let y = 1; y < height - 1; y++) {
    take(0, y);
    take(width - 1, y);
  }
  return samples.map((s) => {
    s.sort((a, b) => a - b);
    return s[Math.floor(s.length / 2)];
  }) as [number, number, number];
}

/** Pixels further than `threshold` (Euclidean, 0–255 units) from the background colour. */
export function foregroundMask(
  img: RgbImage,
  background: readonly number[],
  threshold: number,
): Uint8Array {
  const mask = new Uint8Array(img.width * img.height);
  for (let p = 0; p < mask.length; p++) {
    const i = p * 3;
    const dr = img.data[i] - background[0];
    const dg = img.data[i + 1] - background[1];
    const db = img.data[i + 2] - background[2];
    mask[p] = dr * dr + dg * dg + db * db > threshold * threshold ? 1 : 0;
  }
  return mask;
}
