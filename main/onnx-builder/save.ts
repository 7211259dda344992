/**
 * Writes a model to disk, optionally moving large initializers into one external-data file.
 *
 * ONNX external data (onnx/docs/ExternalData.md): the TensorProto keeps name, dims and dataType,
 * sets `data_location = EXTERNAL` and lists `location` (a path relative to the .onnx file),
 * `offset` and `length` in bytes. onnxruntime resolves `location` against the model's folder when
 * the model is opened by path (onnx-contract.md §7), so the three names exporters use
 * (`model.onnx_data`, `weights.pb`, `model.onnx.data`) all load.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { invalidArgument } from '../../common/errors.ts';
import { ONNX_DTYPE, rawBytes } from './dtypes.ts';
import type { GraphBuilder, ModelOptions } from './graph.ts';
import { onnx, type O } from './proto.ts';

export const EXTERNAL_DATA_NAMES = ['model.onnx_data', 'weights.pb', 'model.onnx.data'] as const;
export type ExternalDataName = (typeof EXTERNAL_DATA_NAMES)[number];

export interface SaveOptions extends ModelOptions {
  /** The .onnx file name inside `dir`; default 'model.onnx'. */
  fileName?: string;
  /** Put initializers of at least `externalThreshold` bytes into this file next to the model. */
  externalData?: ExternalDataName;
  /** Byte size from which an initializer goes external; default 1024 (as onnx's size_threshold). */
  externalThreshold?: number;
}

export interface SavedModel {
  /** Absolute or dir-relative path of the .onnx file. */
  modelPath: string;
  /** Path of the external-data file, when one was written. */
  dataPath?: string;
  /** Bytes written in total. */
  bytes: number;
}

/** Offsets are aligned so each tensor can be memory-mapped or read without unaligned copies. */
const ALIGN = 64;

/**
 * Splits the model into the .onnx bytes and an external-data blob. Pure: the same builder and
 * options always give the same bytes.
 */
export function serializeModel(
  builder: GraphBuilder,
  options: SaveOptions,
): { model: Uint8Array; data?: Uint8Array } {
  if (options.externalData === undefined) return { model: builder.toBytes(options) };
  if (!EXTERNAL_DATA_NAMES.includes(options.externalData)) {
    throw invalidArgument('externalData', options.externalData, EXTERNAL_DATA_NAMES);
  }
  const threshold = options.externalThreshold ?? 1024;
  const external = new Map<string, O.TensorProto>();
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const init of builder.initializers()) {
    const bytes = rawBytes(init.data);
    if (bytes.byteLength < threshold) continue;
    const pad = (ALIGN - (offset % ALIGN)) % ALIGN;
    if (pad > 0) chunks.push(new Uint8Array(pad));
    offset += pad;
    external.set(
      init.name,
      onnx.TensorProto.create({
        name: init.name,
        dims: [...init.dims],
        dataType: ONNX_DTYPE[init.dtype],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: 'location', value: options.externalData },
          { key: 'offset', value: String(offset) },
          { key: 'length', value: String(bytes.byteLength) },
        ],
      }),
    );
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const data = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    data.set(c, at);
    at += c.byteLength;
  }
  const model = onnx.ModelProto.encode(builder.toModel(options, external)).finish();
  return { model, data };
}

/** Writes `<dir>/<fileName>` (and the external-data file) and returns what was written. */
export async function saveModel(
  builder: GraphBuilder,
  dir: string,
  options: SaveOptions,
): Promise<SavedModel> {
  const { model, data } = serializeModel(builder, options);
  await mkdir(dir, { recursive: true });
  const modelPath = join(dir, options.fileName ?? 'model.onnx');
  await writeFile(modelPath, model);
  if (data === undefined) return { modelPath, bytes: model.byteLength };
  const dataPath = join(dir, options.externalData!);
  await writeFile(dataPath, data);
  return { modelPath, dataPath, bytes: model.byteLength + data.byteLength };
}
