import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../../main/app/outputs.ts';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-out-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
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
