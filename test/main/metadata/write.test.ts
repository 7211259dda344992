import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { a1111ToSettings } from '../../../main/metadata/a1111-settings.ts';
import { ENGINE_VERSION } from '../../../main/metadata/emulsion-chunk.ts';
import { readImageSettings } from '../../../main/metadata/read.ts';
import {
  nextSequenceNumber,
  recoverInterruptedSaves,
  withMetadata,
  writeImageWithMetadata,
} from '../../../main/metadata/write.ts';
import { textChunksOf } from '../../fixtures/metadata/builders.ts';
import { HASHES, makeResult } from '../../fixtures/metadata/result.ts';
import packageJson from '../../../package.json' with { type: 'json' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'emulsion-write-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const names = { sampler: 'DPM++ 2M', scheduleType: 'Karras' };

describe('writeImageWithMetadata', () => {
  it('round trip: the settings read back are the request that made the image', async () => {
    const result = await makeResult({ seed: 1234 }, 2);
    const image = result.images[1];
    const createdAt = new Date('2026-05-04T10:20:30.456Z');
    const file = await writeImageWithMetadata(dir, result, image, {
      a1111Names: names,
      modelHashes: HASHES,
      createdAt,
    });
    const read = await readImageSettings(file);
    expect(read.source).toBe('emulsion');
    expect(read.warnings).toEqual([]);
    expect(read.settings).toEqual({
      prompt: result.request.prompt,
      negativePrompt: result.request.negativePrompt,
      steps: 25,
      cfg: 7.5,
      seed: 1235,
      width: 64,
      height: 48,
      scheduler: 'DPM++ 2M Karras',
      sampler: 'DPM++ 2M',
      scheduleType: 'Karras',
      seedMode: 'emulsion',
      model: {
        name: 'dreamshaper-8-onnx',
        hash: HASHES.short,
        sha256: HASHES.sha256,
        legacyHash: HASHES.legacy,
      },
      createdAt: '2026-05-04T10:20:30.456Z',
      generator: `Emulsion ${packageJson.version}`,
      // The request reproduces this one image: its own seed, batch 1.
      request: { ...result.request, seed: 1235, batch: 1 },
      extra: { provider: 'cpu', schedulerClass: 'DPMSolverMultistepScheduler' },
    });
  });

  it('writes an A1111 parameters chunk that A1111-style readers see the same way', async () => {
    const result = await makeResult();
    const file = await writeImageWithMetadata(dir, result, result.images[0], {
      a1111Names: names,
      modelHashes: HASHES,
    });
    const chunks = textChunksOf(await readFile(file));
    expect(chunks.map((c) => [c.type, c.keyword, c.pos])).toEqual([
      ['tEXt', 'parameters', 33],
      [expect.any(String), 'emulsion', expect.any(Number)],
    ]);
    expect(chunks[0].text).toBe(
      'a lighthouse on a cliff, "stormy" sky, 8k\n' +
        'Negative prompt: blurry, lowres\n' +
        'Steps: 25, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.5, Seed: 1234, Size: 64x48, ' +
        `Model hash: 6ce0161689, Model: dreamshaper-8-onnx, Version: Emulsion v${ENGINE_VERSION}`,
    );
    const a1111 = a1111ToSettings(chunks[0].text).settings;
    const ours = (await readImageSettings(file)).settings!;
    for (const key of [
      'prompt',
      'negativePrompt',
      'steps',
      'cfg',
      'seed',
      'width',
      'height',
      'sampler',
      'scheduleType',
    ] as const) {
      expect(a1111[key], key).toEqual(ours[key]);
    }
    expect(a1111.model).toEqual({ name: 'dreamshaper-8-onnx', hash: '6ce0161689' });
    // sharp (libvips) sees both chunks, and the pixels are untouched.
    const meta = await sharp(file).metadata();
    expect(meta.comments?.map((c) => c.keyword)).toEqual(['parameters', 'emulsion']);
    expect(await sharp(file).raw().toBuffer()).toEqual(
      await sharp(result.images[0].png).raw().toBuffer(),
    );
  });

  it('uses iTXt for a non-Latin, multi-line prompt and reads it back exactly', async () => {
    const prompt = '夜の東京, ネオン "雨"\nsecond line: détail';
    const result = await makeResult({ prompt, negativePrompt: 'размытие,\nнизкое качество' });
    const file = await writeImageWithMetadata(dir, result, result.images[0]);
    const chunks = textChunksOf(await readFile(file));
    expect(chunks.map((c) => c.type)).toEqual(['iTXt', 'iTXt']);
    const read = await readImageSettings(file);
    expect(read.settings?.prompt).toBe(prompt);
    expect(read.settings?.negativePrompt).toBe('размытие,\nнизкое качество');
    expect(a1111ToSettings(chunks[0].text).settings.prompt).toBe(prompt);
  });

  it("takes A1111's sampler and schedule names from the scheduler catalog by default", async () => {
    const result = await makeResult();
    const file = await writeImageWithMetadata(dir, result, result.images[0]);
    expect(textChunksOf(await readFile(file))[0].text).toContain(
      'Steps: 25, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 7.5',
    );
    // A bare diffusers class name has no A1111 equivalent: it is written as the Sampler alone.
    result.scheduler = {
      className: 'EulerDiscreteScheduler',
      displayName: 'EulerDiscreteScheduler',
    };
    const other = await writeImageWithMetadata(dir, result, result.images[0]);
    expect(textChunksOf(await readFile(other))[0].text).toContain(
      'Steps: 25, Sampler: EulerDiscreteScheduler, CFG scale: 7.5',
    );
  });

  it('stores image inputs as hashed references and writes ControlNet, hires and refiner pairs', async () => {
    const init = new Uint8Array([1, 2, 3, 4]);
    const result = await makeResult({
      seedMode: 'torch-cpu',
      init: { image: { data: init, name: 'photo.png' }, strength: 0.6, resize: 'crop' },
      control: [
        {
          image: { path: '/in/edges.png' },
          model: '/models/control_v11p_sd15_canny',
          preprocessor: 'canny',
          params: { low: 100, high: 200 },
          scale: 0.9,
          start: 0,
          end: 0.8,
        },
      ],
      hires: { scale: 1.5, strength: 0.5, steps: 12, upscaler: 'latent' },
      refiner: { model: '/models/sdxl-refiner', start: 0.8 },
    });
    const file = await writeImageWithMetadata(dir, result, result.images[0], {
      refinerHashes: { ...HASHES, short: 'abcdef0123' },
    });
    const read = await readImageSettings(file);
    expect(read.settings?.request?.init).toEqual({
      image: {
        name: 'photo.png',
        sha256: createHash('sha256').update(init).digest('hex'),
        byteLength: 4,
      },
      strength: 0.6,
      resize: 'crop',
    });
    expect(read.settings?.request?.control?.[0].image).toEqual({ path: '/in/edges.png' });
    expect(read.settings).toMatchObject({
      seedMode: 'torch-cpu',
      denoisingStrength: 0.6,
      hires: { scale: 1.5, steps: 12, upscaler: 'latent', strength: 0.5 },
      refiner: { model: 'sdxl-refiner', hash: 'abcdef0123', start: 0.8 },
      control: [
        {
          module: 'canny',
          model: '/models/control_v11p_sd15_canny',
          weight: 0.9,
          start: 0,
          end: 0.8,
        },
      ],
    });
    const text = textChunksOf(await readFile(file))[0].text;
    expect(text).toContain(
      'Denoising strength: 0.6, RNG: CPU, ControlNet 0: "Module: canny, Model: control_v11p_sd15_canny, ' +
        'Weight: 0.9, Threshold A: 100, Threshold B: 200, Guidance Start: 0, Guidance End: 0.8", ' +
        'Hires upscale: 1.5, Hires steps: 12, Hires upscaler: Latent, ' +
        'Refiner: sdxl-refiner [abcdef0123], Refiner switch at: 0.8',
    );
  });

  it('names files like A1111, from 00000 up, leaving no temp files', async () => {
    const result = await makeResult({ seed: 77 }, 2);
    const first = await writeImageWithMetadata(dir, result, result.images[0]);
    const second = await writeImageWithMetadata(dir, result, result.images[1]);
    expect(path.basename(first)).toBe('00000-77.png');
    expect(path.basename(second)).toBe('00001-78.png');
    await writeFile(path.join(dir, '00041-5.png'), 'x');
    expect(path.basename(await writeImageWithMetadata(dir, result, result.images[0]))).toBe(
      '00042-77.png',
    );
    expect((await readdir(dir)).sort()).toEqual([
      '00000-77.png',
      '00001-78.png',
      '00041-5.png',
      '00042-77.png',
    ]);
  });

  it('gives concurrent writers distinct names', async () => {
    const result = await makeResult({ seed: 5 });
    const files = await Promise.all(
      Array.from({ length: 6 }, () => writeImageWithMetadata(dir, result, result.images[0])),
    );
    expect(new Set(files).size).toBe(6);
    expect((await readdir(dir)).sort()).toEqual([0, 1, 2, 3, 4, 5].map((n) => `0000${n}-5.png`));
  });

  it('refuses a negative or fractional seed, naming the field', async () => {
    const result = await makeResult();
    const image = { ...result.images[0], seed: -1 };
    await expect(writeImageWithMetadata(dir, result, image)).rejects.toThrow(
      '`image.seed` must be a non-negative integer; received -1.',
    );
  });
});

describe('nextSequenceNumber', () => {
  it('follows A1111: the first "-" separated part of the name without extension', async () => {
    for (const name of [
      '00003-1.png',
      '00010.png',
      '12.5-x.png',
      'abc-99.png',
      '.hidden-50.tmp',
      '00007-a-b.webp',
    ]) {
      await writeFile(path.join(dir, name), '');
    }
    expect(await nextSequenceNumber(dir)).toBe(11);
  });
});

describe('recoverInterruptedSaves', () => {
  it('names whole PNGs in every sub-folder and deletes cut-off ones', async () => {
    const result = await makeResult({ seed: 808 });
    const { png } = withMetadata(result, result.images[0]);
    await mkdir(path.join(dir, 'a', 'b'), { recursive: true });
    await writeFile(path.join(dir, '.emulsion-999999-000000000001.tmp'), png);
    await writeFile(path.join(dir, 'a', 'b', '.emulsion-999999-000000000002.tmp'), png);
    await writeFile(path.join(dir, 'a', '.emulsion-999999-000000000003.tmp'), png.subarray(0, 50));
    const recovered = await recoverInterruptedSaves(dir);
    expect(recovered.map((f) => path.relative(dir, f)).sort()).toEqual([
      '00000-808.png',
      path.join('a', 'b', '00000-808.png'),
    ]);
    expect(await readdir(path.join(dir, 'a'))).toEqual(['b']);
    expect((await readImageSettings(recovered[0])).settings?.seed).toBe(808);
  });

  it('does not enter dot-folders, and leaves temp files of a live process alone', async () => {
    const result = await makeResult({ seed: 9 });
    const { png } = withMetadata(result, result.images[0]);
    const hidden = path.join(dir, '.emulsion', 'trash', '.emulsion-999999-000000000004.tmp');
    await mkdir(path.dirname(hidden), { recursive: true });
    await writeFile(hidden, png);
    // The parent process (the test runner) is alive: its save may still be running.
    const live = path.join(dir, `.emulsion-${process.ppid}-000000000005.tmp`);
    await writeFile(live, png.subarray(0, 50));
    expect(await recoverInterruptedSaves(dir)).toEqual([]);
    expect([existsSync(hidden), existsSync(live)]).toEqual([true, true]);
  });

  it('finds nothing in a folder that does not exist', async () => {
    expect(await recoverInterruptedSaves(path.join(dir, 'missing'))).toEqual([]);
  });
});
