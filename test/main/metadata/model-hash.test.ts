import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setLogSink, type LogRecord } from '../../../main/engine/log.ts';
import {
  HASH_CACHE_FILE,
  mainWeightsFile,
  ModelHashCache,
} from '../../../main/metadata/model-hash.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'emulsion-hash-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** 2 MiB + 7 bytes of a fixed pattern, so the legacy window [1 MiB, 1 MiB + 64 KiB) is inside. */
function pattern(): Buffer {
  const b = Buffer.alloc(2 * 1024 * 1024 + 7);
  for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) % 251;
  return b;
}

describe('ModelHashCache.hashes', () => {
  it('gives SHA-256, its first 10 digits, and the legacy hash of 64 KiB at 1 MiB', async () => {
    const data = pattern();
    const file = path.join(dir, 'model.safetensors');
    await writeFile(file, data);
    const hashes = await new ModelHashCache(path.join(dir, 'cache')).hashes(file);
    const sha = createHash('sha256').update(data).digest('hex');
    const legacy = createHash('sha256').update(data.subarray(0x100000, 0x110000)).digest('hex');
    expect(hashes).toEqual({
      sha256: sha,
      short: sha.slice(0, 10),
      legacy: legacy.slice(0, 8),
      file: 'model.safetensors',
    });
  });

  it('matches the FIPS 180-2 vector for "abc"; a short file hashes an empty legacy window', async () => {
    const file = path.join(dir, 'tiny.ckpt');
    await writeFile(file, 'abc');
    const hashes = await new ModelHashCache(dir).hashes(file);
    expect(hashes.sha256).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashes.short).toBe('ba7816bf8f');
    // SHA-256 of zero bytes: e3b0c442...; A1111 hashes whatever file.read() returned.
    expect(hashes.legacy).toBe('e3b0c442');
  });

  it('serves a cached hash while size and mtime match, and recomputes after a change', async () => {
    const file = path.join(dir, 'm.onnx');
    await writeFile(file, 'abc');
    const cacheDir = path.join(dir, 'cache');
    await new ModelHashCache(cacheDir).hashes(file);
    const cacheFile = path.join(cacheDir, HASH_CACHE_FILE);
    const cache = JSON.parse(await readFile(cacheFile, 'utf8'));
    const entry = cache.entries[path.resolve(file)];
    expect(entry).toMatchObject({ size: 3, sha256: expect.stringMatching(/^ba7816bf/) });
    // Plant a different hash: a fresh cache object must return it without reading the file.
    entry.sha256 = 'f'.repeat(64);
    await writeFile(cacheFile, JSON.stringify(cache));
    expect((await new ModelHashCache(cacheDir).hashes(file)).short).toBe('ffffffffff');
    // A new mtime invalidates the entry.
    await utimes(file, new Date(), new Date(Date.now() + 5000));
    expect((await new ModelHashCache(cacheDir).hashes(file)).short).toBe('ba7816bf8f');
  });

  it('starts a new cache, with a logged warning, when the cache file is not JSON', async () => {
    const file = path.join(dir, 'm.onnx');
    await writeFile(file, 'abc');
    await writeFile(path.join(dir, HASH_CACHE_FILE), 'not json');
    const records: LogRecord[] = [];
    setLogSink((r) => records.push(r));
    expect((await new ModelHashCache(dir).hashes(file)).short).toBe('ba7816bf8f');
    expect(records.map((r) => [r.level, r.scope, r.message])).toEqual([
      ['warn', 'model-hash', 'model hash cache unreadable; starting a new one'],
    ]);
  });
});

describe('mainWeightsFile', () => {
  it("picks the UNet's external data when present, else unet/model.onnx", async () => {
    const unet = path.join(dir, 'unet');
    await mkdir(unet, { recursive: true });
    await writeFile(path.join(unet, 'model.onnx'), 'graph');
    expect(mainWeightsFile(dir)).toBe(path.join(unet, 'model.onnx'));
    await writeFile(path.join(unet, 'weights.pb'), 'legacy weights');
    expect(mainWeightsFile(dir)).toBe(path.join(unet, 'weights.pb'));
    await writeFile(path.join(unet, 'model.onnx_data'), 'optimum weights');
    expect(mainWeightsFile(dir)).toBe(path.join(unet, 'model.onnx_data'));
  });

  it('uses transformer/ for DiT models and reports the hashed file relative to the folder', async () => {
    await mkdir(path.join(dir, 'transformer'));
    await writeFile(path.join(dir, 'transformer', 'model.onnx'), 'abc');
    const hashes = await new ModelHashCache(path.join(dir, 'c')).hashes(dir);
    expect(hashes.file).toBe('transformer/model.onnx');
    expect(hashes.short).toBe('ba7816bf8f');
  });

  it('raises MODEL_INVALID for a missing model or a folder without a UNet', async () => {
    expect(() => mainWeightsFile(path.join(dir, 'nope'))).toThrow(
      expect.objectContaining({ code: 'MODEL_INVALID' }),
    );
    expect(() => mainWeightsFile(dir)).toThrow(/no unet\/model.onnx or transformer\/model.onnx/);
  });
});
