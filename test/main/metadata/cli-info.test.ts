import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInfoText, infoCommand } from '../../../main/metadata/cli-info.ts';
import { writeImageWithMetadata } from '../../../main/metadata/write.ts';
import { makeResult } from '../../fixtures/metadata/result.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'emulsion-info-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('infoCommand', () => {
  it('exits 0 with the settings and source for an Emulsion image', async () => {
    const result = await makeResult({ seed: 9 });
    const file = await writeImageWithMetadata(dir, result, result.images[0]);
    const { output, exitCode } = await infoCommand(file);
    expect(exitCode).toBe(0);
    expect(output).toMatchObject({
      file,
      source: 'emulsion',
      format: 'png',
      settings: { seed: 9 },
    });
    // What --json prints survives JSON (no Uint8Arrays, no cycles).
    expect(JSON.parse(JSON.stringify(output))).toEqual(output);
    expect(formatInfoText(output).split('\n').slice(0, 4)).toEqual([
      `${file}: Settings read from the PNG "emulsion" chunk (Emulsion).`,
      '  prompt: a lighthouse on a cliff, "stormy" sky, 8k',
      '  negative: blurry, lowres',
      '  steps: 25',
    ]);
  });

  it('exits 2 with "No settings found" for a file that is not an image', async () => {
    const file = path.join(dir, 'notes.png');
    await writeFile(file, 'hello');
    const { output, exitCode } = await infoCommand(file);
    expect(exitCode).toBe(2);
    expect(output).toMatchObject({
      source: 'none',
      settings: null,
      message: expect.stringMatching(/^No settings found/),
    });
  });

  it('exits 1 with a serialised IO_ERROR when the file is missing', async () => {
    const file = path.join(dir, 'missing.png');
    const { output, exitCode } = await infoCommand(file);
    expect(exitCode).toBe(1);
    expect(output).toMatchObject({ file, error: { code: 'IO_ERROR', file } });
    expect(formatInfoText(output)).toMatch(new RegExp(`^${file}: Cannot read`));
  });
});
