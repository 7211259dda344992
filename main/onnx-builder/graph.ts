/**
 * A small typed builder for ONNX graphs over onnx-proto 8.0.1.
 *
 *   const g = new GraphBuilder('tiny');
 *   const x = g.input('x', 'float32', ['batch', 4]);
 *   const w = g.initializer('w', new Float32Array(16), [4, 4]);
 *   g.output(g.op('MatMul', [x, w]), 'y', 'float32', ['batch', 4]);
 *   const bytes = g.toBytes({ opset: 17 });
 *
 * Values are opaque handles naming a tensor in the graph. Node and value names come from a
 * counter, so the same calls always give the same bytes.
 */
import { invalidArgument } from '../../common/errors.ts';
import { attributeProto, tensorProto, type Attrs } from './attributes.ts';
import { DTYPES, dtypeOf, ONNX_DTYPE, type DType, type TensorData } from './dtypes.ts';
import { onnx, type O } from './proto.ts';

/** A tensor in the graph. `dtype` is known for inputs, initializers and constants only. */
export interface Value {
  readonly name: string;
  readonly dtype?: DType;
}

/** A dimension: a fixed size or a symbolic name such as 'batch'. */
export type Dim = number | string;

/** An input slot: a value, or '' / null for an omitted optional input (e.g. Resize's roi). */
export type InputRef = Value | '' | null;

export interface OpOptions {
  /** Node name; defaults to `<OpType>_<n>`. */
  name?: string;
  /** Operator domain; '' is ai.onnx. */
  domain?: string;
}

export interface ModelOptions {
  /** ai.onnx opset. ORT 1.30 accepts up to 26 (toolchain.md). */
  opset: number;
  /** ONNX IR version; 8 matches onnx-proto's schema (ONNX 1.10). */
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  /** Extra opset imports, e.g. { 'com.microsoft': 1 }. */
  extraOpsets?: Record<string, number>;
}

/** One initializer as stored by the builder, before serialisation. */
export interface InitializerEntry {
  readonly name: string;
  readonly data: TensorData;
  readonly dims: readonly number[];
  readonly dtype: DType;
}

const MAX_OPSET = 26;

function valueInfo(name: string, dtype: DType, dims: readonly Dim[]): O.ValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d }));
  return onnx.ValueInfoProto.create({
    name,
    type: { tensorType: { elemType: ONNX_DTYPE[dtype], shape: { dim } } },
  });
}

function checkDims(field: string, dims: readonly Dim[]): void {
  for (const d of dims) {
    const ok = typeof d === 'string' ? d.length > 0 : Number.isInteger(d) && d >= 0;
    if (!ok) throw invalidArgument(field, dims, 'non-negative integers or non-empty dim names');
  }
}

export class GraphBuilder {
  readonly name: string;
  private readonly inputs: O.ValueInfoProto[] = [];
  private readonly outputs: O.ValueInfoProto[] = [];
  private readonly nodes: O.NodeProto[] = [];
  private readonly inits: InitializerEntry[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(name: string) {
    this.name = name;
  }

  /** Declares a graph input with a dtype and fixed or symbolic dims. */
  input(name: string, dtype: DType, dims: readonly Dim[]): Value {
    if (!DTYPES.includes(dtype)) throw invalidArgument('dtype', dtype, DTYPES);
    checkDims(`input ${name} dims`, dims);
    this.claim(name);
    this.inputs.push(valueInfo(name, dtype, dims));
    return { name, dtype };
  }

  /**
   * Adds a named initializer. The dtype follows the array (Uint16Array = float16 half bits,
   * BigInt64Array = int64, ...); Uint8Array needs `dtype` 'bool' or 'uint8'.
   */
  initializer(name: string, data: TensorData, dims: readonly number[], dtype?: DType): Value {
    this.claim(name);
    return this.addInitializer(name, data, dims, dtype);
  }

  /** An unnamed constant (stored as an initializer with a generated name). */
  constant(data: TensorData, dims: readonly number[], dtype?: DType): Value {
    return this.addInitializer(this.fresh('const'), data, dims, dtype);
  }

  /** float32 constant from plain numbers; dims default to a 1-D vector (use [] for a scalar). */
  f32(values: readonly number[] | number, dims?: readonly number[]): Value {
    const arr = typeof values === 'number' ? [values] : values;
    return this.constant(
      Float32Array.from(arr),
      dims ?? (typeof values === 'number' ? [] : [arr.length]),
    );
  }

  /** int64 constant from plain numbers (shapes, axes, indices); dims as for `f32`. */
  i64(values: readonly number[] | number, dims?: readonly number[]): Value {
    const arr = typeof values === 'number' ? [values] : values;
    const data = BigInt64Array.from(arr, (v) => BigInt(v));
    return this.constant(data, dims ?? (typeof values === 'number' ? [] : [arr.length]));
  }

  /** Adds a single-output node and returns its output. */
  op(
    opType: string,
    inputs: readonly InputRef[],
    attrs: Attrs = {},
    options: OpOptions = {},
  ): Value {
    return this.opMulti(opType, inputs, 1, attrs, options)[0];
  }

  /** Adds a node with `outputCount` outputs (Split, TopK, ...). */
  opMulti(
    opType: string,
    inputs: readonly InputRef[],
    outputCount: number,
    attrs: Attrs = {},
    options: OpOptions = {},
  ): Value[] {
    const nodeName = options.name ?? this.fresh(opType);
    if (options.name !== undefined) this.claim(nodeName);
    const outs: Value[] = [];
    for (let i = 0; i < outputCount; i++) outs.push({ name: this.fresh(`${opType}_out`) });
    const attribute = Object.keys(attrs)
      .sort()
      .filter((k) => attrs[k] !== undefined)
      .map((k) => attributeProto(k, attrs[k]!));
    this.nodes.push(
      onnx.NodeProto.create({
        name: nodeName,
        opType,
        domain: options.domain ?? '',
        input: inputs.map((v) => (v === '' || v === null ? '' : v.name)),
        output: outs.map((v) => v.name),
        attribute,
      }),
    );
    return outs;
  }

  /** Marks `value` as a graph output called `name` (adding an Identity when names differ). */
  output(value: Value, name: string, dtype: DType, dims: readonly Dim[]): void {
    checkDims(`output ${name} dims`, dims);
    let src = value.name;
    if (src !== name) {
      this.claim(name);
      this.nodes.push(
        onnx.NodeProto.create({
          name: this.fresh('Identity'),
          opType: 'Identity',
          input: [src],
          output: [name],
        }),
      );
      src = name;
    }
    this.outputs.push(valueInfo(src, dtype, dims));
  }

  /** The initializers added so far, in insertion order. */
  initializers(): readonly InitializerEntry[] {
    return this.inits;
  }

  /**
   * The ModelProto. `external` maps initializer names to pre-built TensorProtos (used by
   * saveModel to swap in external-data references).
   */
  toModel(options: ModelOptions, external?: ReadonlyMap<string, O.TensorProto>): O.ModelProto {
    if (!Number.isInteger(options.opset) || options.opset < 1 || options.opset > MAX_OPSET) {
      throw invalidArgument('opset', options.opset, `an integer from 1 to ${MAX_OPSET}`);
    }
    const initializer = this.inits.map(
      (e) => external?.get(e.name) ?? tensorProto(e.name, e.data, e.dims, e.dtype),
    );
    const graph = onnx.GraphProto.create({
      name: this.name,
      node: this.nodes,
      initializer,
      input: this.inputs,
      output: this.outputs,
    });
    const opsetImport = [{ domain: '', version: options.opset }];
    for (const [domain, version] of Object.entries(options.extraOpsets ?? {}).sort()) {
      opsetImport.push({ domain, version });
    }
    return onnx.ModelProto.create({
      irVersion: options.irVersion ?? 8,
      producerName: options.producerName ?? 'emulsion-onnx-builder',
      producerVersion: options.producerVersion ?? '1',
      docString: options.docString ?? '',
      graph,
      opsetImport,
    });
  }

  /** Serialises the whole model with every initializer inline. */
  toBytes(options: ModelOptions): Uint8Array {
    return onnx.ModelProto.encode(this.toModel(options)).finish();
  }

  private addInitializer(
    name: string,
    data: TensorData,
    dims: readonly number[],
    dtype?: DType,
  ): Value {
    const type = dtypeOf(data, dtype);
    checkDims(`initializer ${name} dims`, dims);
    const count = dims.reduce((a, b) => a * b, 1);
    if (count !== data.length) {
      throw invalidArgument(
        `initializer ${name} data length`,
        data.length,
        `${count} (dims ${dims.join('x')})`,
      );
    }
    this.inits.push({ name, data, dims: [...dims], dtype: type });
    return { name, dtype: type };
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.names.has(name));
    this.names.add(name);
    return name;
  }

  private claim(name: string): void {
    if (this.names.has(name))
      throw invalidArgument('name', name, 'a name not used yet in this graph');
    this.names.add(name);
  }
}
