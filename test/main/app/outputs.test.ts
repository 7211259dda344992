import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerateResult } from '../../../common/generation.ts';
import { saveImages, writeFileAtomic } from '../../../main/app/outputs.ts';
import { makePng } from './fakes/png.ts';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-out-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function resultWith(seeds: number[]): GenerateResult {
  return {
    images: seeds.map((seed, index) => ({
      png: makePng(2, 2, [index, 0, 0]),
      width: 2,
      height: 2,
      seed,
      index,
    })),
  } as GenerateResult;
}

describe('saveImages()', () => {
  it('writes one PNG per image named by local date, time and seed, creating the folder', async () => {
    const folder = path.join(dir, 'new', 'folder');
    const when = new Date(2025, 0, 2, 3, 4, 5);
    const files = await saveImages(folder, resultWith([7, 8]), when);
    expect(files.map((f) => path.basename(f))).toEqual([
      '20250102-030405-7.png',
      '20250102-030405-8.png',
    ]);
    expect(new Uint8Array(await fs.readFile(files[1]))).toEqual(makePng(2, 2, [1, 0, 0]));
  });

  it('never overwrites an existing file and leaves no temporary files', async () => {
    const when = new Date(2025, 0, 2, 3, 4, 5);
    const first = await saveImages(dir, resultWith([7]), when);
    const second = await saveImages(dir, resultWith([7]), when);
    expect(path.basename(second[0])).toBe('20250102-030405-7-1.png');
    expect((await fs.readdir(dir)).sort()).toEqual(
      [path.basename(first[0]), path.basename(second[0])].sort(),
    );
  });

  it('fails with IO_ERROR naming the folder when it cannot be created', async () => {
    const blocker = path.join(dir, 'file');
    await fs.writeFile(blocker, 'x');
    await expect(saveImages(path.join(blocker, 'sub'), resultWith([1]))).rejects.toMatchObject({
      code: 'IO_ERROR',
      details: { file: path.join(blocker, 'sub') },
    });
  });
});

describe('writeFileAtomic()', () => {
  it('replaces the target in one rename and cleans up when the write fails', async () => {
    const target = path.join(dir, 'a.bin');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    await writeFileAtomic(target, new Uint8Array([4]));
    expect([...(await fs.readFile(target))]).toEqual([4]);
    await expect(
      writeFileAtomic(path.join(dir, 'missing', 'b.bin'), new Uint8Array([1])),
    ).rejects.toMatchObject({
      code: 'IO_ERROR',
    });
    expect(await fs.readdir(dir)).toEqual(['a.bin']);
  });
});
