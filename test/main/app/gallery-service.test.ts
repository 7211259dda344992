import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../common/errors.ts';
import type { GenerateResult } from '../../../common/generation.ts';
import {
  CACHE_DIR,
  createHashLookup,
  openStudioGallery,
  saveResult,
  type StudioGallery,
} from '../../../main/app/gallery-service.ts';
import { createGalleryHandlers } from '../../../main/app/gallery-handlers.ts';
import type { Gallery } from '../../../main/gallery/gallery.ts';
import { A1111_TEXT, makePng, withTextChunk } from './fakes/png.ts';

let dir: string;
let opened: StudioGallery | undefined;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-sg-'));
});
afterEach(async () => {
  await opened?.close();
  opened = undefined;
  await fs.rm(dir, { recursive: true, force: true });
});

function result(seeds: number[], model = '/models/m'): GenerateResult {
  return {
    images: seeds.map((seed, index) => ({
      png: makePng(8, 8, [index * 40, 0, 0]),
      width: 8,
      height: 8,
      seed,
      index,
    })),
    request: {
      model,
      prompt: 'p',
      negativePrompt: '',
      steps: 2,
      cfg: 7,
      scheduler: 'Euler a',
      seed: seeds[0],
      seedMode: 'emulsion',
      width: 8,
      height: 8,
      batch: seeds.length,
      provider: 'cpu',
      preview: 'off',
    },
    scheduler: { className: 'EulerAncestralDiscreteScheduler', displayName: 'Euler a' },
    provider: 'cpu',
    modelName: 'm',
    timings: {
      totalMs: 1,
      sessionRunMs: 1,
      loadMs: 0,
      stages: { tokenize: 0, textEncoder: 0, unet: [], vaeDecode: 0, postprocess: 0 },
    },
    warnings: [],
  };
}

describe('openStudioGallery()', () => {
  it('indexes on open what arrived while the app was closed, interrupted saves included', async () => {
    const output = path.join(dir, 'out');
    await fs.mkdir(output);
    const tagged = withTextChunk(makePng(8, 8, [5, 5, 5]), 'parameters', A1111_TEXT);
    await fs.writeFile(path.join(output, 'copied.png'), tagged);
    // A whole PNG left under a temp name by a process that died before renaming it.
    await fs.writeFile(path.join(output, '.emulsion-999999-0a1b2c.tmp'), tagged);
    opened = await openStudioGallery({ appDataDir: path.join(dir, 'data'), outputFolder: output });
    await opened.ready;
    const page = opened.gallery.query({ order: 'oldest' });
    expect(page.total).toBe(2);
    expect(page.items.every((i) => i.source === 'a1111' && i.seed === 1234567)).toBe(true);
    const names = (await fs.readdir(output)).filter((n) => !n.startsWith('.'));
    expect(names.sort()).toEqual(page.items.map((i) => i.relPath).sort());
    expect(await fs.readdir(path.join(dir, 'data'))).toContain('gallery.db');
  });
});

describe('gallery calls at startup', () => {
  it('answer once the background reconcile is done, so the first page is whole', async () => {
    const output = path.join(dir, 'out');
    await fs.mkdir(output);
    const tagged = withTextChunk(makePng(8, 8, [5, 5, 5]), 'parameters', A1111_TEXT);
    for (let i = 0; i < 20; i++) await fs.writeFile(path.join(output, `old-${i}.png`), tagged);
    opened = await openStudioGallery({ appDataDir: path.join(dir, 'data'), outputFolder: output });
    const handlers = createGalleryHandlers({
      gallery: () => opened!.gallery,
      ready: opened.ready,
      roots: () => [output],
      models: async () => [],
      schedulers: () => [],
      hashes: async () => undefined,
    });
    // Asked at once, before anything awaited the reconcile.
    expect((await handlers.galleryQuery({})).total).toBe(20);
  });
});

describe('createHashLookup()', () => {
  it('hashes the UNet weights the A1111 way and caches the result in the cache folder', async () => {
    const model = path.join(dir, 'model');
    await fs.mkdir(path.join(model, 'unet'), { recursive: true });
    const weights = Buffer.from('not really weights, but bytes all the same');
    await fs.writeFile(path.join(model, 'unet', 'model.onnx'), weights);
    const sha256 = createHash('sha256').update(weights).digest('hex');
    const cacheDir = path.join(dir, 'data', CACHE_DIR);
    const lookup = createHashLookup(cacheDir);
    expect(await lookup(model)).toMatchObject({ sha256, short: sha256.slice(0, 10) });
    expect(await fs.readdir(cacheDir)).toEqual(['model-hashes.json']);
  });

  it('answers undefined for a model it cannot hash instead of failing the save', async () => {
    const lookup = createHashLookup(path.join(dir, 'cache'));
    expect(await lookup(path.join(dir, 'no-such-model'))).toBeUndefined();
  });
});

describe('saveResult()', () => {
  it('saves every image with the model hashes and keeps going past one that fails', async () => {
    const hashes = {
      sha256: 'a'.repeat(64),
      short: 'a'.repeat(10),
      legacy: 'b'.repeat(8),
      file: 'x',
    };
    const seen: unknown[] = [];
    const fake = {
      async saveGenerated(r: GenerateResult, image: GenerateResult['images'][0], options: unknown) {
        seen.push(options);
        if (image.seed === 2) throw new EmulsionError('IO_ERROR', 'disk full', { file: '/out' });
        return { id: image.seed, path: `/out/${image.seed}.png` } as never;
      },
    } satisfies Pick<Gallery, 'saveGenerated'>;
    const saved = await saveResult(fake, async () => hashes, result([1, 2, 3]));
    expect(saved.files).toEqual(['/out/1.png', null, '/out/3.png']);
    expect(saved.items.map((i) => i.id)).toEqual([1, 3]);
    expect(saved.error).toEqual({ code: 'IO_ERROR', message: 'disk full', file: '/out' });
    expect(seen).toEqual([
      { modelHashes: hashes, refinerHashes: undefined },
      { modelHashes: hashes, refinerHashes: undefined },
      { modelHashes: hashes, refinerHashes: undefined },
    ]);
  });
});
