/**
 * Model hashes the way A1111 computes them (modules/hashes.py, modules/sd_models.py):
 *   - "Model hash" in the infotext is the short hash: the first 10 hex digits of the SHA-256 of the
 *     whole weights file (A1111 >= 1.0, `shorthash = sha256[0:10]`);
 *   - the legacy hash (A1111 before 1.0, still accepted when pasting): SHA-256 of the 0x10000 bytes
 *     at offset 0x100000, first 8 hex digits. A file shorter than that hashes what is there.
 *
 * Which file is "the weights file" of an ONNX model folder: the UNet's weights (the transformer's
 * for DiT models), because the UNet is what makes a checkpoint distinct; text encoders and VAEs are
 * shared between many fine-tunes. When the UNet keeps its weights as ONNX external data
 * (`model.onnx_data`, `model.onnx.data` or `weights.pb`, docs/onnx-contract.md §1) that file is
 * hashed, since model.onnx is then only the graph; otherwise unet/model.onnx itself. A model given
 * as a single file is hashed as is.
 * NOTE: an ONNX conversion's hash differs from the hash of the .safetensors it came from, so it
 * will not match Civitai's listing of the original checkpoint.
 *
 * Hashing a 3.4 GB UNet takes seconds, so results are cached in a JSON file keyed by path, size
 * and modification time, like A1111's cache/hashes.json.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { mkdir, open, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError } from '../../common/errors.ts';
import { createLogger } from '../engine/log.ts';

const log = createLogger('model-hash');

export interface ModelHashes {
  /** SHA-256 of the weights file, 64 hex digits. */
  sha256: string;
  /** A1111 "Model hash": sha256.slice(0, 10). */
  short: string;
  /** A1111 legacy hash: 8 hex digits of the SHA-256 of 64 KiB at 1 MiB. */
  legacy: string;
  /** The hashed file, relative to the model folder (its own name for a single file). */
  file: string;
}

/** A1111 sd_models.model_hash: offset 0x100000, length 0x10000. */
export const LEGACY_OFFSET = 0x100000;
export const LEGACY_LENGTH = 0x10000;

const WEIGHT_COMPONENTS = ['unet', 'transformer'];
const EXTERNAL_DATA_NAMES = ['model.onnx_data', 'model.onnx.data', 'weights.pb'];

/** The file whose hash identifies the model (see the module comment for the rule). */
export function mainWeightsFile(modelPath: string): string {
  if (!existsSync(modelPath)) {
    throw new EmulsionError('MODEL_INVALID', `The model does not exist: ${modelPath}.`, {
      file: modelPath,
    });
  }
  if (statSync(modelPath).isFile()) return modelPath;
  for (const component of WEIGHT_COMPONENTS) {
    const graph = path.join(modelPath, component, 'model.onnx');
    if (!existsSync(graph)) continue;
    for (const name of EXTERNAL_DATA_NAMES) {
      const data = path.join(modelPath, component, name);
      if (existsSync(data)) return data;
    }
    return graph;
  }
  throw new EmulsionError(
    'MODEL_INVALID',
    `The model folder has no unet/model.onnx or transformer/model.onnx to hash: ${modelPath}.`,
    { file: modelPath },
  );
}

export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk);
  return hash.digest('hex');
}

export async function legacyHash(file: string): Promise<string> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(LEGACY_LENGTH);
    let done = 0;
    for (;;) {
      const { bytesRead } = await handle.read(
        buffer,
        done,
        LEGACY_LENGTH - done,
        LEGACY_OFFSET + done,
      );
      if (bytesRead === 0 || (done += bytesRead) === LEGACY_LENGTH) break;
    }
    return createHash('sha256').update(buffer.subarray(0, done)).digest('hex').slice(0, 8);
  } finally {
    await handle.close();
  }
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  sha256: string;
  legacy: string;
}

interface CacheFile {
  version: 1;
  entries: Record<string, CacheEntry>;
}

export const HASH_CACHE_FILE = 'model-hashes.json';

/**
 * Computes model hashes once per file version. Concurrent requests for the same file share one
 * computation; the cache file is rewritten atomically (temp file + rename) after each new hash.
 */
export class ModelHashCache {
  private readonly file: string;
  private cache: CacheFile | undefined;
  private readonly inFlight = new Map<string, Promise<ModelHashes>>();
  private saving: Promise<void> = Promise.resolve();

  constructor(readonly cacheDir: string) {
    this.file = path.join(cacheDir, HASH_CACHE_FILE);
  }

  /** Hashes of the model's main weights file, from the cache when size and mtime still match. */
  async hashes(modelPath: string): Promise<ModelHashes> {
    const weights = path.resolve(mainWeightsFile(modelPath));
    const stat = statSync(weights);
    const key = `${weights}\n${stat.size}\n${stat.mtimeMs}`;
    const pending = this.inFlight.get(key);
    if (pending) return pending;
    const job = this.lookupOrCompute(modelPath, weights, stat.size, stat.mtimeMs);
    this.inFlight.set(key, job);
    try {
      return await job;
    } finally {
      this.inFlight.delete(key);
    }
  }

  private async lookupOrCompute(
    modelPath: string,
    weights: string,
    size: number,
    mtimeMs: number,
  ): Promise<ModelHashes> {
    const rel = statSync(modelPath).isFile()
      ? path.basename(weights)
      : path.relative(path.resolve(modelPath), weights).split(path.sep).join('/');
    const cache = await this.load();
    const hit = cache.entries[weights];
    if (hit && hit.size === size && hit.mtimeMs === mtimeMs) {
      return { sha256: hit.sha256, short: hit.sha256.slice(0, 10), legacy: hit.legacy, file: rel };
    }
    const started = Date.now();
    const [sha256, legacy] = await Promise.all([sha256File(weights), legacyHash(weights)]);
    log.info('hashed model weights', { file: weights, ms: Date.now() - started });
    cache.entries[weights] = { size, mtimeMs, sha256, legacy };
    await this.save();
    return { sha256, short: sha256.slice(0, 10), legacy, file: rel };
  }

  private async load(): Promise<CacheFile> {
    if (this.cache) return this.cache;
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as CacheFile;
      this.cache =
        parsed && parsed.version === 1 && typeof parsed.entries === 'object'
          ? parsed
          : { version: 1, entries: {} };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        log.warn('model hash cache unreadable; starting a new one', { file: this.file });
      }
      this.cache = { version: 1, entries: {} };
    }
    return this.cache;
  }

  private save(): Promise<void> {
    // Chain saves so two hashes finishing together cannot interleave their renames.
    this.saving = this.saving
      .catch(() => undefined)
      .then(async () => {
        await mkdir(this.cacheDir, { recursive: true });
        const temp = `${this.file}.${process.pid}.tmp`;
        await writeFile(temp, JSON.stringify(this.cache, null, 1));
        await rename(temp, this.file);
      });
    return this.saving;
  }
}
