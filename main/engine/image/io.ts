/**
 * Image conversion between files/bytes and the tensors the VAE expects: RGB, resized to the
 * generation size, scaled to [−1, 1], NCHW (diffusers VaeImageProcessor.normalize).
 */
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { EmulsionError } from '../../../common/errors.ts';
import type { ImageSource, ResizeMode } from '../../../common/generation.ts';

function describe(source: ImageSource): string {
  return 'path' in source ? source.path : (source.name ?? 'the dropped image');
}

/** `crop` fills and centre-crops, `fit` letterboxes on black, `stretch` ignores the aspect ratio. */
const FIT: Record<ResizeMode, 'cover' | 'contain' | 'fill'> = {
  crop: 'cover',
  fit: 'contain',
  stretch: 'fill',
};

export async function readImageRgb(
  source: ImageSource,
  width: number,
  height: number,
  resize: ResizeMode,
  field: string,
): Promise<Uint8Array> {
  if ('path' in source && !existsSync(source.path)) {
    throw new EmulsionError('IMAGE_INVALID', `\`${field}\` image ${source.path} does not exist.`, {
      field,
      received: source.path,
      file: source.path,
    });
  }
  const input = 'path' in source ? source.path : Buffer.from(source.data);
  try {
    const { data } = await sharp(input)
      .rotate()
      .removeAlpha()
      .resize(width, height, {
        fit: FIT[resize],
        kernel: 'lanczos3',
        background: { r: 0, g: 0, b: 0 },
      })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  } catch (err) {
    throw new EmulsionError(
      'IMAGE_INVALID',
      `\`${field}\` could not be read as an image (${describe(source)}): ${(err as Error).message}.`,
      { field, received: describe(source) },
    );
  }
}

/** HWC uint8 RGB → NCHW float in [−1, 1]. */
export function rgbToTensor(rgb: Uint8Array, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    out[i] = rgb[i * 3] / 127.5 - 1;
    out[plane + i] = rgb[i * 3 + 1] / 127.5 - 1;
    out[2 * plane + i] = rgb[i * 3 + 2] / 127.5 - 1;
  }
  return out;
}

/**
 * One NCHW image in ≈[−1, 1] → HWC uint8: x/2 + 0.5, clamp to [0, 1], round(x·255)
 * (diffusers `denormalize` + `numpy_to_pil`).
 */
export function tensorToRgb(
  data: Float32Array,
  offset: number,
  width: number,
  height: number,
): Uint8Array {
  const plane = width * height;
  const out = new Uint8Array(plane * 3);
  for (let c = 0; c < 3; c++) {
    const base = offset + c * plane;
    for (let i = 0; i < plane; i++) {
      const v = data[base + i] / 2 + 0.5;
      out[i * 3 + c] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
    }
  }
  return out;
}

export async function encodePng(
  rgb: Uint8Array,
  width: number,
  height: number,
): Promise<Uint8Array> {
  const buffer = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
