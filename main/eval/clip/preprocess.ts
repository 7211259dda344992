/**
 * CLIP image preprocessing, as transformers' CLIPImageProcessor does it for OpenAI CLIP:
 *   1. resize so the shortest side is `size` (bicubic; the long side is int(size · long / short)),
 *   2. centre-crop to `crop` × `crop` (top = (h − crop) // 2, left = (w − crop) // 2),
 *   3. scale to [0, 1] and normalise each channel with the CLIP mean and std,
 *   4. lay out as planar CHW float32.
 * sharp's `cubic` kernel is Catmull–Rom (Keys a = −0.5), the same cubic as PIL's BICUBIC.
 */
import sharp from 'sharp';
import { EmulsionError } from '../../../common/errors.ts';

export interface ClipImageConfig {
  size: number;
  crop: number;
  mean: [number, number, number];
  std: [number, number, number];
}

/** OpenAI CLIP's normalisation (CLIP `clip.py` `_transform`), also transformers' default. */
export const OPENAI_CLIP_IMAGE: ClipImageConfig = {
  size: 224,
  crop: 224,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
};

export function resizeShortestSide(width: number, height: number, size: number): [number, number] {
  if (width <= height) return [size, Math.floor((size * height) / width)];
  return [Math.floor((size * width) / height), size];
}

/** One image as planar [3, crop, crop] float32. */
export async function clipPixelValues(
  image: Uint8Array,
  config: ClipImageConfig = OPENAI_CLIP_IMAGE,
): Promise<Float32Array> {
  let rgb: Buffer;
  let w: number;
  let h: number;
  try {
    const meta = await sharp(image).metadata();
    [w, h] = resizeShortestSide(meta.width!, meta.height!, config.size);
    rgb = await sharp(image)
      .removeAlpha()
      .toColourspace('srgb')
      .resize(w, h, { fit: 'fill', kernel: 'cubic' })
      .raw()
      .toBuffer();
  } catch (err) {
    throw new EmulsionError(
      'IMAGE_INVALID',
      `CLIP could not read the image: ${(err as Error).message}`,
    );
  }
  const c = config.crop;
  if (w < c || h < c)
    throw new EmulsionError(
      'IMAGE_INVALID',
      `CLIP crop ${c} is larger than the resized image ${w}×${h}.`,
    );
  const top = Math.floor((h - c) / 2);
  const left = Math.floor((w - c) / 2);
  const plane = c * c;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < c; y++) {
    for (let x = 0; x < c; x++) {
      const src = ((top + y) * w + (left + x)) * 3;
      const dst = y * c + x;
      for (let ch = 0; ch < 3; ch++)
        out[ch * plane + dst] = (rgb[src + ch] / 255 - config.mean[ch]) / config.std[ch];
    }
  }
  return out;
}
