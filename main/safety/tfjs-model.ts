/**
 * Reads a TF.js Layers model as nsfwjs ships it: `model.min.js` (a CommonJS bundle whose export is
 * the usual model.json object: Keras `modelTopology` + `weightsManifest`) and one
 * `group1-shardNofM.min.js` per weight shard (a CommonJS bundle exporting the shard's bytes as
 * base64). Weights are dequantised the way TF.js documents its quantised formats
 * (tfjs-converter README, "quantization"): uint8/uint16 → q · scale + min, float16 → half floats.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { EmulsionError } from '../../common/errors.ts';
import { float16ToFloat32 } from '../onnx-builder/fp16.ts';

export interface KerasLayer {
  name: string;
  class_name: string;
  config: Record<string, unknown>;
  /** One entry per call of the layer; each lists [layerName, nodeIndex, tensorIndex, kwargs]. */
  inbound_nodes: [string, number, number, unknown][][];
}

export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

export interface TfjsLayersModel {
  /** `model_config.config.name` of the Keras model. */
  name: string;
  layers: KerasLayer[];
  inputLayers: string[];
  outputLayers: string[];
  /** Dequantised weights by manifest name, e.g. `Conv1/kernel`. */
  weights: Map<string, WeightTensor>;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; min?: number; scale?: number };
}

interface ModelJson {
  modelTopology: {
    model_config: {
      class_name: string;
      config: {
        name: string;
        layers: KerasLayer[];
        input_layers: [string, number, number][];
        output_layers: [string, number, number][];
      };
    };
  };
  weightsManifest: { paths: string[]; weights: WeightSpec[] }[];
}

const BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

function fail(file: string, message: string): EmulsionError {
  return new EmulsionError('MODEL_INVALID', `${file}: ${message}`, { file });
}

/** Dequantises one manifest group's weights out of its concatenated shard bytes. */
export function decodeWeights(
  specs: readonly WeightSpec[],
  bytes: Uint8Array,
  file: string,
): Map<string, WeightTensor> {
  const out = new Map<string, WeightTensor>();
  let offset = 0;
  for (const spec of specs) {
    if (spec.dtype !== 'float32') {
      throw fail(file, `weight ${spec.name} has dtype ${spec.dtype}; only float32 is supported.`);
    }
    const size = spec.shape.reduce((a, b) => a * b, 1);
    const q = spec.quantization;
    const width = q ? BYTES[q.dtype] : 4;
    if (width === undefined) {
      throw fail(
        file,
        `weight ${spec.name} uses quantization ${q!.dtype}; expected uint8, uint16 or float16.`,
      );
    }
    const end = offset + size * width;
    if (end > bytes.byteLength) {
      throw fail(
        file,
        `the shards hold ${bytes.byteLength} bytes but weight ${spec.name} ends at ${end}.`,
      );
    }
    const chunk = bytes.slice(offset, end);
    let data: Float32Array;
    if (!q) data = new Float32Array(chunk.buffer);
    else if (q.dtype === 'float16') data = float16ToFloat32(new Uint16Array(chunk.buffer));
    else {
      if (typeof q.min !== 'number' || typeof q.scale !== 'number') {
        throw fail(file, `weight ${spec.name} is ${q.dtype}-quantised without min and scale.`);
      }
      const ints = q.dtype === 'uint8' ? chunk : new Uint16Array(chunk.buffer);
      data = new Float32Array(size);
      for (let i = 0; i < size; i++) data[i] = ints[i] * q.scale + q.min;
    }
    out.set(spec.name, { shape: spec.shape, data });
    offset = end;
  }
  if (offset !== bytes.byteLength) {
    throw fail(
      file,
      `the shards hold ${bytes.byteLength} bytes but the manifest describes ${offset}.`,
    );
  }
  return out;
}

/** Loads a CommonJS bundle file and returns its export. */
function requireBundle(file: string): unknown {
  if (!existsSync(file)) throw fail(file, 'is missing. Run `npm install` to restore nsfwjs.');
  return createRequire(import.meta.url)(file);
}

/**
 * Reads a bundled TF.js Layers model from `dir` (e.g. nsfwjs/dist/models/mobilenet_v2): the
 * topology from `model.min.js` and the weights from the shards the manifest names.
 */
export function readBundledLayersModel(dir: string): TfjsLayersModel {
  const modelFile = path.join(dir, 'model.min.js');
  const json = requireBundle(modelFile) as ModelJson;
  const config = json?.modelTopology?.model_config;
  if (!config || !Array.isArray(config.config?.layers) || !Array.isArray(json.weightsManifest)) {
    throw fail(
      modelFile,
      'does not export a TF.js Layers model (modelTopology + weightsManifest).',
    );
  }
  const weights = new Map<string, WeightTensor>();
  for (const group of json.weightsManifest) {
    const parts = group.paths.map((p) => {
      const file = path.join(dir, `${p}.min.js`);
      const base64 = requireBundle(file);
      if (typeof base64 !== 'string') throw fail(file, 'does not export a base64 string.');
      return Buffer.from(base64, 'base64');
    });
    const bytes = new Uint8Array(Buffer.concat(parts));
    for (const [k, v] of decodeWeights(group.weights, bytes, path.join(dir, group.paths[0]))) {
      weights.set(k, v);
    }
  }
  return {
    name: config.config.name,
    layers: config.config.layers,
    inputLayers: config.config.input_layers.map((l) => l[0]),
    outputLayers: config.config.output_layers.map((l) => l[0]),
    weights,
  };
}

/** The installed nsfwjs package: its folder and version. */
export function nsfwjsPackage(): { dir: string; version: string } {
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve('nsfwjs');
  } catch {
    throw new EmulsionError(
      'MODEL_INVALID',
      'The nsfwjs package is not installed; the bundled safety classifier needs its weights. Run `npm install`.',
    );
  }
  // entry = <pkg>/dist/cjs/index.js; package.json is not in the package's exports map.
  const dir = path.resolve(path.dirname(entry), '..', '..');
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
    version: string;
  };
  return { dir, version: pkg.version };
}
