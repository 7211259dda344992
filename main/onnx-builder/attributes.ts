/**
 * Node attributes. Plain JS values map to ONNX attribute kinds as follows:
 *   integer number or bigint -> INT, other number -> FLOAT, string -> STRING,
 *   number[] -> INTS when every entry is an integer, else FLOATS; string[] -> STRINGS,
 *   TensorAttr (from `tensorAttr`) -> TENSOR.
 * A float attribute whose value happens to be whole (LeakyRelu alpha = 1) must say so with
 * `floatAttr(1)` / `floatsAttr([1, 2])`, because ONNX checks the declared kind.
 */
import { onnx, type O } from './proto.ts';
import { dtypeOf, ONNX_DTYPE, rawBytes, type DType, type TensorData } from './dtypes.ts';

export interface FloatAttr {
  readonly kind: 'float';
  readonly value: number;
}
export interface FloatsAttr {
  readonly kind: 'floats';
  readonly value: readonly number[];
}
export interface TensorAttr {
  readonly kind: 'tensor';
  readonly data: TensorData;
  readonly dims: readonly number[];
  readonly dtype: DType;
}

export type AttrValue =
  | number
  | bigint
  | string
  | readonly number[]
  | readonly string[]
  | FloatAttr
  | FloatsAttr
  | TensorAttr;

export type Attrs = Readonly<Record<string, AttrValue | undefined>>;

export const floatAttr = (value: number): FloatAttr => ({ kind: 'float', value });
export const floatsAttr = (value: readonly number[]): FloatsAttr => ({ kind: 'floats', value });
export function tensorAttr(data: TensorData, dims: readonly number[], dtype?: DType): TensorAttr {
  return { kind: 'tensor', data, dims, dtype: dtypeOf(data, dtype) };
}

const T = onnx.AttributeProto.AttributeType;
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** A TensorProto holding `data` inline as rawData. */
export function tensorProto(
  name: string,
  data: TensorData,
  dims: readonly number[],
  dtype: DType,
): O.TensorProto {
  return onnx.TensorProto.create({
    name,
    dims: [...dims],
    dataType: ONNX_DTYPE[dtype],
    rawData: rawBytes(data),
  });
}

function isObjectAttr(v: AttrValue): v is FloatAttr | FloatsAttr | TensorAttr {
  return typeof v === 'object' && !Array.isArray(v);
}

/** Builds one AttributeProto. Keys are emitted in sorted order by the caller for stable bytes. */
export function attributeProto(name: string, value: AttrValue): O.AttributeProto {
  if (isObjectAttr(value)) {
    if (value.kind === 'float')
      return onnx.AttributeProto.create({ name, type: T.FLOAT, f: value.value });
    if (value.kind === 'floats') {
      return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...value.value] });
    }
    const t = tensorProto('', value.data, value.dims, value.dtype);
    return onnx.AttributeProto.create({ name, type: T.TENSOR, t });
  }
  if (typeof value === 'bigint')
    return onnx.AttributeProto.create({ name, type: T.INT, i: Number(value) });
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? onnx.AttributeProto.create({ name, type: T.INT, i: value })
      : onnx.AttributeProto.create({ name, type: T.FLOAT, f: value });
  }
  if (typeof value === 'string')
    return onnx.AttributeProto.create({ name, type: T.STRING, s: utf8(value) });
  const list = value as readonly (number | string)[];
  if (list.length > 0 && typeof list[0] === 'string') {
    return onnx.AttributeProto.create({
      name,
      type: T.STRINGS,
      strings: (list as readonly string[]).map(utf8),
    });
  }
  const nums = list as readonly number[];
  return nums.every(Number.isInteger)
    ? onnx.AttributeProto.create({ name, type: T.INTS, ints: [...nums] })
    : onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...nums] });
}
