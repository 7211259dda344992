/**
 * The depth and pose preprocessors: a user-supplied estimator ONNX model (MiDaS/DPT depth,
 * OpenPose-style heatmaps, ...) turns the control image into a hint. The path is generic, so any
 * image-in, map-out export works:
 *  1. the image is resized to the estimator's fixed input size, or `size`×`size` when its input
 *     is dynamic, and normalised per pixel as (x/255 − mean)/std (params `mean`, `std`; DPT uses
 *     0.5/0.5, MiDaS small ImageNet statistics, which a scalar can only approximate);
 *  2. the first output is read as a map: [h,w], [1,h,w] or [1,1,h,w] (depth), [1,3,h,w] (an RGB
 *     rendering), or [1,C,h,w] with C > 3 (per-keypoint heatmaps), reduced by the maximum over C;
 *  3. the map is min-max normalised to [0, 1] (`invert` 1 flips it), made RGB, and resized to the
 *     generation size.
 * NOTE: a real OpenPose hint draws limbs between decoded keypoints; the heatmap maximum shows the
 * joints as blobs, which pose ControlNets follow only loosely. Keypoint decoding is model-specific
 * and not implemented.
 */
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { EmulsionError, invalidArgument } from '../../../common/errors.ts';
import type { ControlUnit, ExecutionProviderName } from '../../../common/generation.ts';
import { loadSession, type RunClock } from '../ort/session.ts';
import { makeTensor, toFloat32 } from '../ort/tensors.ts';

async function resizeRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  toWidth: number,
  toHeight: number,
): Promise<Uint8Array> {
  if (width === toWidth && height === toHeight) return rgb;
  const { data } = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .resize(toWidth, toHeight, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/** The estimator's output as planes [C][h·w] with C = 1 or 3. */
export function mapPlanes(
  data: Float32Array,
  dims: readonly number[],
  file: string,
): { planes: Float32Array[]; width: number; height: number } {
  let shape = [...dims];
  while (shape.length > 3 && shape[0] === 1) shape = shape.slice(1);
  if (shape.length === 2) shape = [1, ...shape];
  if (shape.length !== 3) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `Estimator ${file} returned shape [${dims.join(', ')}]; expected a map [h,w], [1,h,w] or [1,C,h,w].`,
      { file },
    );
  }
  const [channels, height, width] = shape;
  const plane = width * height;
  const planes = Array.from({ length: channels }, (_, c) =>
    data.subarray(c * plane, (c + 1) * plane),
  );
  if (channels === 1 || channels === 3) return { planes, width, height };
  const max = Float32Array.from(planes[0]);
  for (const p of planes.slice(1)) for (let i = 0; i < plane; i++) max[i] = Math.max(max[i], p[i]);
  return { planes: [max], width, height };
}

/** Min-max normalises the planes together to 0..255 HWC RGB. */
export function planesToRgb(planes: Float32Array[], invert: boolean): Uint8Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of planes) {
    for (const v of p) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const range = hi > lo ? hi - lo : 1;
  const plane = planes[0].length;
  const out = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      let v = (planes[planes.length === 3 ? c : 0][i] - lo) / range;
      if (invert) v = 1 - v;
      out[i * 3 + c] = Math.round(v * 255);
    }
  }
  return out;
}

export async function estimateHint(
  unit: ControlUnit,
  field: string,
  rgb: Uint8Array,
  width: number,
  height: number,
  params: Record<string, number>,
  provider: ExecutionProviderName,
  clock: RunClock,
): Promise<Uint8Array> {
  if (!unit.estimator) {
    throw invalidArgument(
      `${field}.estimator`,
      unit.estimator,
      'the path of an estimator ONNX model',
      `The ${unit.preprocessor} preprocessor runs an estimator model you supply; or give a ready ` +
        `${unit.preprocessor} map with preprocessor "none".`,
    );
  }
  const session = await loadSession(
    unit.estimator,
    `${unit.preprocessor} estimator`,
    provider,
    clock,
  );
  try {
    const input = session.inputs[0];
    if (
      !input ||
      input.shape.length !== 4 ||
      (typeof input.shape[1] === 'number' && input.shape[1] !== 3)
    ) {
      throw new EmulsionError(
        'MODEL_CONTRACT',
        `Estimator ${unit.estimator} must take one image [1,3,H,W]; its first input is ` +
          `${input ? `${input.name} [${input.shape.join(', ')}]` : 'missing'}.`,
        { field: `${field}.estimator`, file: unit.estimator },
      );
    }
    const fixed = (d: number | string) => (typeof d === 'number' && d > 0 ? d : params.size);
    const iw = fixed(input.shape[3]);
    const ih = fixed(input.shape[2]);
    const resized = await resizeRgb(rgb, width, height, iw, ih);
    const plane = iw * ih;
    const x = new Float32Array(3 * plane);
    for (let i = 0; i < plane; i++) {
      for (let c = 0; c < 3; c++)
        x[c * plane + i] = (resized[i * 3 + c] / 255 - params.mean) / params.std;
    }
    const feeds: Record<string, ort.Tensor> = {
      [input.name]: makeTensor(input.type, x, [1, 3, ih, iw], `${unit.preprocessor} estimator`),
    };
    const outName = session.outputs[0].name;
    const out = (await session.run(feeds, [outName]))[outName];
    const map = mapPlanes(toFloat32(out), out.dims, unit.estimator);
    const hint = planesToRgb(map.planes, params.invert >= 0.5);
    return await resizeRgb(hint, map.width, map.height, width, height);
  } finally {
    await session.release();
  }
}
