/**
 * The pixel preprocessors of ControlNet hints (canny, scribble, threshold, invert, none), with no
 * onnxruntime dependency, so the studio can preview a hint in the main process without loading
 * the inference runtime. Estimator-based hints (depth, pose) live in control-preprocess.ts.
 */
import { invalidArgument } from '../../../common/errors.ts';
import type { ControlUnit } from '../../../common/generation.ts';
import { canny, toGrey } from './canny.ts';

export interface ControlHint {
  /** HWC uint8 RGB at the generation size (what the user is shown). */
  rgb: Uint8Array;
  /** NCHW [3, H, W] in [0, 1] (what the ControlNet reads). */
  tensor: Float32Array;
  width: number;
  height: number;
}

/** Default and allowed range of each preprocessor's params. */
export const PREPROCESSOR_PARAMS: Record<string, Record<string, [number, number, number]>> = {
  none: {},
  canny: { low: [100, 0, 2040], high: [200, 0, 2040], sigma: [1.4, 0, 10] },
  scribble: { threshold: [127, 0, 255] },
  threshold: { threshold: [127, 0, 255] },
  invert: {},
  depth: { size: [512, 32, 2048], mean: [0.5, -10, 10], std: [0.5, 0.001, 10], invert: [0, 0, 1] },
  pose: { size: [512, 32, 2048], mean: [0.5, -10, 10], std: [0.5, 0.001, 10], invert: [0, 0, 1] },
};

/** A unit's params with defaults filled in (validate.ts has already checked names and ranges). */
export function preprocessorParams(unit: ControlUnit): Record<string, number> {
  const spec = PREPROCESSOR_PARAMS[unit.preprocessor] ?? {};
  const out: Record<string, number> = {};
  for (const [name, [fallback]] of Object.entries(spec))
    out[name] = unit.params?.[name] ?? fallback;
  return out;
}

function grey(values: Uint8Array): Uint8Array {
  const out = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) out.fill(values[i], i * 3, i * 3 + 3);
  return out;
}

/** Applies a pixel preprocessor to HWC RGB. */
export function applyPreprocessor(
  preprocessor: ControlUnit['preprocessor'],
  rgb: Uint8Array,
  width: number,
  height: number,
  params: Record<string, number>,
): Uint8Array {
  switch (preprocessor) {
    case 'none':
      return rgb;
    case 'canny':
      return grey(
        canny(rgb, width, height, { low: params.low, high: params.high, sigma: params.sigma }),
      );
    case 'scribble': {
      const out = new Uint8Array(width * height);
      for (let i = 0; i < out.length; i++) {
        const darkest = Math.min(rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]);
        out[i] = darkest < params.threshold ? 255 : 0;
      }
      return grey(out);
    }
    case 'threshold': {
      const g = toGrey(rgb, width, height);
      return grey(Uint8Array.from(g, (v) => (v > params.threshold ? 255 : 0)));
    }
    case 'invert':
      return Uint8Array.from(rgb, (v) => 255 - v);
    default:
      throw invalidArgument('preprocessor', preprocessor, Object.keys(PREPROCESSOR_PARAMS));
  }
}

export function hintTensor(rgb: Uint8Array, width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) out[c * plane + i] = rgb[i * 3 + c] / 255;
  }
  return out;
}
