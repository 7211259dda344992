/**
 * CLIP image preprocessing for a model's own safety_checker (docs/onnx-contract.md §4, after
 * transformers' CLIPImageProcessor): resize so the shortest edge is 224 (bicubic), centre-crop
 * 224×224, × 1/255, normalise with the CLIP mean and std, NCHW. A model folder may override the
 * numbers in `feature_extractor/preprocessor_config.json`.
 *
 * The output size of the resize follows transformers' `get_resize_output_image_size` with
 * default_to_square = False: the short side becomes `shortestEdge` and the long side
 * int(shortestEdge · long / short) (truncated). The crop offsets are (size − crop) // 2.
 * NOTE: the resampling is libvips's bicubic (Catmull-Rom, a = −0.5, the same kernel as PIL's
 * BICUBIC) through sharp; PIL and libvips antialias downscales slightly differently, so values
 * can differ from diffusers' by a few 1/255 steps. The checker's decision is a cosine-similarity
 * threshold and is not sensitive at that scale.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { EmulsionError } from '../../common/errors.ts';

export interface ClipPreprocessConfig {
  shortestEdge: number;
  crop: number;
  mean: [number, number, number];
  std: [number, number, number];
}

/** CLIPImageProcessor defaults (OpenAI CLIP normalisation constants). */
export const CLIP_DEFAULTS: ClipPreprocessConfig = {
  shortestEdge: 224,
  crop: 224,
  mean: [0.48145466, 0.4578275, 0.40821073],
  std: [0.26862954, 0.26130258, 0.27577711],
};

function sizeValue(v: unknown, keys: string[]): number | undefined {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object') {
    for (const k of keys) {
      const n = (v as Record<string, unknown>)[k];
      if (typeof n === 'number') return n;
    }
  }
  return undefined;
}

function triple(v: unknown): [number, number, number] | undefined {
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number')
    ? (v as [number, number, number])
    : undefined;
}

/**
 * Reads `<model>/feature_extractor/preprocessor_config.json` next to
 * `<model>/safety_checker/model.onnx`, falling back to the CLIP defaults for anything missing.
 */
export function readClipConfig(checkerModelFile: string): ClipPreprocessConfig {
  const file = path.join(
    path.dirname(checkerModelFile),
    '..',
    'feature_extractor',
    'preprocessor_config.json',
  );
  if (!existsSync(file)) return CLIP_DEFAULTS;
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new EmulsionError(
      'MODEL_INVALID',
      `${file} is not valid JSON: ${(err as Error).message}`,
      { file },
    );
  }
  const config: ClipPreprocessConfig = {
    shortestEdge: sizeValue(json.size, ['shortest_edge', 'height']) ?? CLIP_DEFAULTS.shortestEdge,
    crop: sizeValue(json.crop_size, ['height', 'width']) ?? CLIP_DEFAULTS.crop,
    mean: triple(json.image_mean) ?? CLIP_DEFAULTS.mean,
    std: triple(json.image_std) ?? CLIP_DEFAULTS.std,
  };
  if (config.crop > config.shortestEdge) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${file}: crop_size ${config.crop} is larger than the resized shortest edge ${config.shortestEdge}.`,
      { file },
    );
  }
  return config;
}

/** The resize target: short side = shortestEdge, long side truncated as transformers does. */
export function clipResizeSize(
  width: number,
  height: number,
  shortestEdge: number,
): [number, number] {
  if (width <= height) return [shortestEdge, Math.trunc((shortestEdge * height) / width)];
  return [Math.trunc((shortestEdge * width) / height), shortestEdge];
}

/** RGB bytes → CLIP pixel values, NCHW float32 [1, 3, crop, crop]. */
export async function clipPreprocess(
  rgb: Uint8Array,
  width: number,
  height: number,
  config: ClipPreprocessConfig = CLIP_DEFAULTS,
): Promise<Float32Array> {
  const [rw, rh] = clipResizeSize(width, height, config.shortestEdge);
  const resized =
    rw === width && rh === height
      ? rgb
      : await sharp(rgb, { raw: { width, height, channels: 3 } })
          .resize(rw, rh, { fit: 'fill', kernel: 'cubic' })
          .raw()
          .toBuffer();
  const { crop, mean, std } = config;
  const top = Math.floor((rh - crop) / 2);
  const left = Math.floor((rw - crop) / 2);
  const plane = crop * crop;
  const out = new Float32Array(3 * plane);
  for (let y = 0; y < crop; y++) {
    for (let x = 0; x < crop; x++) {
      const src = ((top + y) * rw + left + x) * 3;
      for (let c = 0; c < 3; c++) {
        out[c * plane + y * crop + x] = (resized[src + c] / 255 - mean[c]) / std[c];
      }
    }
  }
  return out;
}
