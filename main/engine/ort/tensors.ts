/**
 * Feeds built from session metadata. Exporters disagree on dtypes and ranks (int32 vs int64 ids,
 * float/int64/float16 timesteps, scalar vs [B]; see docs/onnx-contract.md §2.1), so every feed is
 * converted to exactly what the session declares, as optimum's `_prepare_onnx_inputs` does.
 */
import * as ort from 'onnxruntime-node';
import { EmulsionError } from '../../../common/errors.ts';
import { float16ToFloat32, float32ToFloat16 } from '../../onnx-builder/fp16.ts';

export type TensorMeta = { name: string; type: string; shape: readonly (number | string)[] };

export function tensorMetadata(list: readonly ort.InferenceSession.ValueMetadata[]): TensorMeta[] {
  return list.map((m) =>
    m.isTensor
      ? { name: m.name, type: m.type, shape: m.shape }
      : { name: m.name, type: 'non-tensor', shape: [] },
  );
}

/** Builds a tensor of the declared dtype from float values (ids, timesteps, latents alike). */
export function makeTensor(
  type: string,
  values: ArrayLike<number>,
  dims: readonly number[],
  context: string,
): ort.Tensor {
  switch (type) {
    case 'float32':
      return new ort.Tensor('float32', Float32Array.from(values), dims);
    case 'float16':
      // Node 20 has no Float16Array: ORT takes raw IEEE-754 half bits in a Uint16Array.
      return new ort.Tensor('float16', float32ToFloat16(Float32Array.from(values)), dims);
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(values), dims);
    case 'int32': {
      const data = new Int32Array(values.length);
      for (let i = 0; i < values.length; i++) data[i] = Math.trunc(values[i]);
      return new ort.Tensor('int32', data, dims);
    }
    case 'int64': {
      // Truncation matches diffusers' `np.array([t], dtype=int64)` for fractional K-timesteps.
      const data = new BigInt64Array(values.length);
      for (let i = 0; i < values.length; i++) data[i] = BigInt(Math.trunc(values[i]));
      return new ort.Tensor('int64', data, dims);
    }
    default:
      throw new EmulsionError(
        'MODEL_CONTRACT',
        `${context} declares dtype ${type}, which Emulsion cannot feed; expected float32, float16, int32 or int64.`,
      );
  }
}

/** Reads any numeric output tensor as float32. */
export function toFloat32(tensor: ort.Tensor): Float32Array {
  const data = tensor.data;
  if (tensor.type === 'float32') return data as Float32Array;
  if (tensor.type === 'float16') return float16ToFloat32(data as Uint16Array);
  if (tensor.type === 'bool') return Float32Array.from(data as Uint8Array);
  if (tensor.type === 'int64') {
    const src = data as BigInt64Array;
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = Number(src[i]);
    return out;
  }
  return Float32Array.from(data as ArrayLike<number>);
}

/**
 * Picks the dims to feed for a declared shape. A declared scalar (rank 0) gets `[]`, and a
 * declared `[B]` gets `[n]`. `dims` is what the pipeline computed for the full-rank case.
 */
export function fitRank(declared: readonly (number | string)[], dims: readonly number[]): number[] {
  if (declared.length === dims.length) return [...dims];
  if (declared.length === 0) return [];
  return [...dims];
}
