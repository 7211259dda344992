/**
 * ControlNet hints: the unit's image, resized to the generation size, through its preprocessor,
 * as RGB in [0, 1] (the OnnxStack/diffusers `controlnet_cond` range, docs/onnx-contract.md §3).
 *
 * - none: the image as it is (an edge map, depth map or pose drawing made elsewhere);
 * - canny: Canny edges (canny.ts), params `low` (100), `high` (200), `sigma` (1.4);
 * - scribble: dark strokes on light paper become white on black: white where the darkest channel
 *   is below `threshold` (127), as the ControlNet scribble annotator does;
 * - threshold: white where the grey value is above `threshold` (127);
 * - invert: 255 − value, for line art drawn dark on light;
 * - depth, pose: an estimator ONNX model (estimator.ts) given as the unit's `estimator`.
 */
import type { ControlUnit, ExecutionProviderName } from '../../../common/generation.ts';
import { encodePng, readImageRgb } from '../image/io.ts';
import type { RunClock } from '../ort/session.ts';
import {
  applyPreprocessor,
  hintTensor,
  preprocessorParams,
  type ControlHint,
} from './control-pixels.ts';
import { estimateHint } from './estimator.ts';

export {
  applyPreprocessor,
  hintTensor,
  preprocessorParams,
  PREPROCESSOR_PARAMS,
  type ControlHint,
} from './control-pixels.ts';

/** Reads, resizes and preprocesses unit `index`'s image into a hint at width × height. */
export async function prepareHint(
  unit: ControlUnit,
  index: number,
  width: number,
  height: number,
  provider: ExecutionProviderName,
  clock: RunClock,
): Promise<ControlHint> {
  const field = `control[${index}]`;
  const source = await readImageRgb(unit.image, width, height, 'crop', `${field}.image`);
  const params = preprocessorParams(unit);
  const rgb =
    unit.preprocessor === 'depth' || unit.preprocessor === 'pose'
      ? await estimateHint(unit, field, source, width, height, params, provider, clock)
      : applyPreprocessor(unit.preprocessor, source, width, height, params);
  return { rgb, tensor: hintTensor(rgb, width, height), width, height };
}

export function hintPng(hint: ControlHint): Promise<Uint8Array> {
  return encodePng(hint.rgb, hint.width, hint.height);
}
