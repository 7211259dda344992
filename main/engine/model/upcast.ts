/**
 * SDXL's VAE overflows in float16: activations in its decoder exceed 65504 and come out as
 * Inf/NaN (diffusers keeps the VAE in float32 when the config says `force_upcast`, and
 * madebyollin/sdxl-vae-fp16-fix retrains the VAE so it does not; docs/onnx-contract.md §1, §8).
 * An ONNX export fixes its dtypes, so when an SDXL folder ships only a float16 decoder and its
 * config asks for the upcast, Emulsion rewrites the decoder graph to float32 before loading it:
 * every float16 initializer, constant, declared type and Cast target becomes float32. float16 →
 * float32 is exact, so the weights are unchanged and only the arithmetic gains range. A decoder
 * whose config says `force_upcast: false` (the fp16-fix VAE) runs as exported.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { float16ToFloat32 } from '../../onnx-builder/fp16.ts';
import { onnx, type O } from '../../onnx-builder/proto.ts';
import { createLogger } from '../log.ts';
import type { ModelFolder } from './folder.ts';

const log = createLogger('model');
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const FLOAT16 = onnx.TensorProto.DataType.FLOAT16;

/** The half values of a float16 TensorProto, from raw_data, int32_data or its external file. */
function halfBits(t: O.TensorProto, dir: string): Uint16Array {
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    const entry = (key: string) => t.externalData.find((e) => e.key === key)?.value;
    const file = path.join(dir, entry('location') ?? '');
    const offset = Number(entry('offset') ?? 0);
    const bytes = readFileSync(file).subarray(offset, offset + Number(entry('length')));
    return new Uint16Array(Uint8Array.from(bytes).buffer);
  }
  if (t.rawData && t.rawData.length > 0) {
    return new Uint16Array(Uint8Array.from(t.rawData).buffer);
  }
  // int32_data holds one half per element in its low 16 bits (onnx.proto3).
  return Uint16Array.from(t.int32Data, (v) => v & 0xffff);
}

function upcastTensor(t: O.TensorProto, dir: string): void {
  if (t.dataType !== FLOAT16) return;
  const values = float16ToFloat32(halfBits(t, dir));
  t.dataType = FLOAT;
  t.rawData = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  t.int32Data = [];
  t.externalData = [];
  t.dataLocation = onnx.TensorProto.DataLocation.DEFAULT;
}

function upcastType(type: O.ITypeProto | null | undefined): void {
  const tensor = type?.tensorType;
  if (tensor && tensor.elemType === FLOAT16) tensor.elemType = FLOAT;
}

/** Rewrites a graph (and its subgraphs) in place; returns how many float16 items it changed. */
function upcastGraph(g: O.GraphProto, dir: string): number {
  let changed = 0;
  for (const v of [...g.input, ...g.output, ...g.valueInfo]) {
    if (v.type?.tensorType?.elemType === FLOAT16) changed++;
    upcastType(v.type);
  }
  for (const t of g.initializer) {
    if (t.dataType === FLOAT16) changed++;
    upcastTensor(t as O.TensorProto, dir);
  }
  for (const node of g.node) {
    for (const a of node.attribute ?? []) {
      // Cast `to`, and the `dtype` of generators such as RandomNormalLike and EyeLike.
      if ((a.name === 'to' || a.name === 'dtype') && Number(a.i) === FLOAT16) {
        a.i = FLOAT;
        changed++;
      }
      if (a.t && a.t.dataType === FLOAT16) {
        upcastTensor(a.t as O.TensorProto, dir);
        changed++;
      }
      for (const t of a.tensors ?? []) {
        if (t.dataType === FLOAT16) changed++;
        upcastTensor(t as O.TensorProto, dir);
      }
      if (a.g) changed += upcastGraph(a.g as O.GraphProto, dir);
      for (const sub of a.graphs ?? []) changed += upcastGraph(sub as O.GraphProto, dir);
    }
  }
  return changed;
}

/** The float32 rewrite of an ONNX model file, or undefined when it holds no float16 at all. */
export function upcastModel(file: string): Uint8Array | undefined {
  const model = onnx.ModelProto.decode(readFileSync(file));
  if (!model.graph || upcastGraph(model.graph as O.GraphProto, path.dirname(file)) === 0) {
    return undefined;
  }
  return onnx.ModelProto.encode(model).finish();
}

/** True when diffusers would keep this folder's VAE in float32 (SDXL's config default). */
export function wantsUpcast(folder: ModelFolder): boolean {
  if (!folder.files.textEncoder2) return false;
  return folder.vaeConfig.force_upcast !== false;
}

/**
 * The decoder file to load: the folder's own, or a float32 rewrite in the temp folder when an
 * SDXL folder asks for the upcast and its decoder is float16. `cleanup` removes the rewrite once
 * the session has read it.
 */
export async function vaeDecoderFile(
  folder: ModelFolder,
): Promise<{ file: string; upcast: boolean; cleanup: () => Promise<void> }> {
  const own = { file: folder.files.vaeDecoder, upcast: false, cleanup: async () => {} };
  if (!wantsUpcast(folder) || !existsSync(own.file)) return own;
  const started = performance.now();
  const bytes = upcastModel(own.file);
  if (!bytes) return own;
  const stamp = `${own.file}:${statSync(own.file).mtimeMs}:${process.pid}`;
  const name = `emulsion-vae-fp32-${createHash('sha256').update(stamp).digest('hex').slice(0, 16)}.onnx`;
  const file = path.join(os.tmpdir(), name);
  await writeFile(file, bytes);
  log.info('decoding SDXL latents in float32: rewrote the float16 vae_decoder', {
    file: own.file,
    ms: Math.round(performance.now() - started),
  });
  return { file, upcast: true, cleanup: () => rm(file, { force: true }) };
}
