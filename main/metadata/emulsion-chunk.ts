/**
 * Emulsion's own PNG chunk, keyword `emulsion`: JSON holding everything needed to reproduce the
 * image exactly (the resolved request with this image's own seed, the scheduler class, the model's
 * identity and hashes, the seed mode, the engine version and the execution provider).
 *
 * Image inputs given as bytes (drag and drop) are stored as a reference {name, sha256, byteLength}
 * rather than embedded: embedding would double the file size.
 * NOTE: reproducing such an img2img or ControlNet image needs the same input file again; the hash
 * lets the UI confirm it is the same one.
 */
import type { SafetyDecision } from '../../common/safety.ts';
import { createHash } from 'node:crypto';
import type {
  GenerateResult,
  GeneratedImage,
  ImageSource,
  SeedMode,
} from '../../common/generation.ts';
import type { StoredImageSource, StoredRequest } from '../../common/image-settings.ts';
import packageJson from '../../package.json' with { type: 'json' };
import type { ModelHashes } from './model-hash.ts';
import { isRecord } from './settings.ts';

export const EMULSION_KEYWORD = 'emulsion';
export const EMULSION_FORMAT = 'emulsion.image-settings';
export const EMULSION_FORMAT_VERSION = 1;
export const ENGINE_VERSION: string = packageJson.version;

// The stored request crosses IPC inside ImageSettings, so its one definition lives in common/.
export type { StoredImageSource, StoredRequest } from '../../common/image-settings.ts';

export interface ModelRecord {
  /** Display name (GenerateResult.modelName). */
  name: string;
  /** The model folder or file as the request named it. */
  path: string;
  hashes?: ModelHashes;
}

export interface EmulsionChunk {
  format: typeof EMULSION_FORMAT;
  version: typeof EMULSION_FORMAT_VERSION;
  engine: { name: 'emulsion'; version: string };
  createdAt: string;
  /** Reproduces this image alone: its own seed, batch 1. */
  request: StoredRequest;
  /** Where the image came from in its batch. */
  batch: { seed: number; size: number; index: number };
  seedMode: SeedMode;
  scheduler: { className: string; displayName: string };
  /** A1111 names written to the `parameters` chunk, kept for readers of this chunk alone. */
  a1111?: { sampler: string; scheduleType?: string };
  provider: string;
  model: ModelRecord;
  refinerModel?: ModelRecord;
  image: { width: number; height: number; seed: number; index: number };
  /** Every safety decision behind this image: the prompt check and this image's own check. */
  safety?: { prompt?: SafetyDecision; image?: SafetyDecision };
}

function storeImage(source: ImageSource): StoredImageSource {
  if ('path' in source) return { path: source.path };
  const sha256 = createHash('sha256').update(source.data).digest('hex');
  return { ...(source.name ? { name: source.name } : {}), sha256, byteLength: source.data.length };
}

/** The request with image bytes replaced by references and this image's own seed. */
export function storedRequest(result: GenerateResult, image: GeneratedImage): StoredRequest {
  const { init, mask, control, ...rest } = result.request;
  const out: StoredRequest = { ...rest, seed: image.seed, batch: 1 };
  if (init) out.init = { ...init, image: storeImage(init.image) };
  if (mask) out.mask = { ...mask, image: storeImage(mask.image) };
  if (control) out.control = control.map((u) => ({ ...u, image: storeImage(u.image) }));
  return out;
}

export interface EmulsionChunkOptions {
  modelHashes?: ModelHashes;
  refinerHashes?: ModelHashes;
  a1111?: { sampler: string; scheduleType?: string };
  /** Defaults to now; tests pass a fixed time. */
  createdAt?: Date;
}

export function buildEmulsionChunk(
  result: GenerateResult,
  image: GeneratedImage,
  options: EmulsionChunkOptions = {},
): EmulsionChunk {
  const chunk: EmulsionChunk = {
    format: EMULSION_FORMAT,
    version: EMULSION_FORMAT_VERSION,
    engine: { name: 'emulsion', version: ENGINE_VERSION },
    createdAt: (options.createdAt ?? new Date()).toISOString(),
    request: storedRequest(result, image),
    batch: { seed: result.request.seed, size: result.request.batch, index: image.index },
    seedMode: result.request.seedMode,
    scheduler: { className: result.scheduler.className, displayName: result.scheduler.displayName },
    provider: result.provider,
    model: { name: result.modelName, path: result.request.model },
    image: { width: image.width, height: image.height, seed: image.seed, index: image.index },
  };
  if (options.a1111) chunk.a1111 = options.a1111;
  if (result.promptSafety || image.safety) {
    chunk.safety = {
      ...(result.promptSafety ? { prompt: result.promptSafety } : {}),
      ...(image.safety ? { image: image.safety } : {}),
    };
  }
  if (options.modelHashes) chunk.model.hashes = options.modelHashes;
  if (result.request.refiner) {
    chunk.refinerModel = {
      name: baseName(result.request.refiner.model),
      path: result.request.refiner.model,
      ...(options.refinerHashes ? { hashes: options.refinerHashes } : {}),
    };
  }
  return chunk;
}

export function baseName(modelPath: string): string {
  const last =
    modelPath
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? modelPath;
  return last.replace(/\.(safetensors|ckpt|onnx)$/i, '');
}

/**
 * Parses and checks the chunk text. Returns a reason instead of throwing: a damaged chunk must
 * not stop the reader from falling back to the `parameters` chunk.
 */
export function parseEmulsionChunk(text: string): EmulsionChunk | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `The "emulsion" chunk is not valid JSON (${(err as Error).message}).`;
  }
  if (!isRecord(value) || value.format !== EMULSION_FORMAT) {
    return `The "emulsion" chunk does not hold ${EMULSION_FORMAT} data.`;
  }
  if (value.version !== EMULSION_FORMAT_VERSION) {
    return `The "emulsion" chunk has format version ${String(value.version)}; this build reads ${EMULSION_FORMAT_VERSION}.`;
  }
  const r = value.request;
  const ok =
    isRecord(r) &&
    typeof r.prompt === 'string' &&
    typeof r.negativePrompt === 'string' &&
    typeof r.model === 'string' &&
    ['steps', 'cfg', 'seed', 'width', 'height'].every((k) => typeof r[k] === 'number') &&
    isRecord(value.image) &&
    isRecord(value.model) &&
    isRecord(value.scheduler) &&
    isRecord(value.batch);
  if (!ok) return 'The "emulsion" chunk is missing required request fields.';
  return value as unknown as EmulsionChunk;
}
