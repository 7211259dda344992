/**
 * Element types the builder knows, with their ONNX `TensorProto.DataType` codes (onnx.proto3)
 * and the typed arrays that hold their raw little-endian bytes.
 */
import { invalidArgument } from '../../common/errors.ts';

export const DTYPES = [
  'float32',
  'float16',
  'double',
  'int32',
  'int64',
  'bool',
  'uint8',
  'int8',
] as const;
export type DType = (typeof DTYPES)[number];

/** ONNX TensorProto.DataType enum values (onnx/onnx.proto3). */
export const ONNX_DTYPE: Record<DType, number> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  double: 11,
};

export const BYTES_PER_ELEMENT: Record<DType, number> = {
  float32: 4,
  float16: 2,
  double: 8,
  int32: 4,
  int64: 8,
  bool: 1,
  uint8: 1,
  int8: 1,
};

/**
 * Tensor payloads. float16 travels as a Uint16Array of IEEE-754 half bits (see fp16.ts); bool,
 * uint8 and int8 as one byte per element.
 */
export type TensorData =
  Float32Array | Float64Array | Uint16Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;

/** The dtype a typed array implies. Uint8Array is ambiguous (bool/uint8), so it needs `explicit`. */
export function dtypeOf(data: TensorData, explicit?: DType): DType {
  const implied: DType | undefined =
    data instanceof Float32Array
      ? 'float32'
      : data instanceof Float64Array
        ? 'double'
        : data instanceof Uint16Array
          ? 'float16'
          : data instanceof Int32Array
            ? 'int32'
            : data instanceof BigInt64Array
              ? 'int64'
              : data instanceof Int8Array
                ? 'int8'
                : undefined;
  if (explicit !== undefined) {
    const fits =
      explicit === implied ||
      (data instanceof Uint8Array && (explicit === 'bool' || explicit === 'uint8'));
    if (!fits) {
      throw invalidArgument('dtype', explicit, `the type held by a ${data.constructor.name}`);
    }
    return explicit;
  }
  if (implied === undefined) {
    throw invalidArgument(
      'dtype',
      undefined,
      ['bool', 'uint8'],
      'A Uint8Array needs an explicit dtype.',
    );
  }
  return implied;
}

/** The raw bytes of a typed array, as a view (no copy). Node and x64/arm64 are little-endian. */
export function rawBytes(data: TensorData): Uint8Array {
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
