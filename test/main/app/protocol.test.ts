import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { imageUrl } from '../../../common/ipc.ts';
import { createImageHandler } from '../../../main/app/protocol.ts';
import { makePng } from './fakes/png.ts';

let dir: string;
let output: string;
let handler: (request: Request) => Promise<Response>;
const png = makePng(2, 2, [1, 2, 3]);

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-proto-'));
  output = path.join(dir, 'output');
  await fs.mkdir(output);
  await fs.writeFile(path.join(output, 'a b.png'), png);
  await fs.writeFile(path.join(dir, 'secret.png'), png);
  await fs.writeFile(path.join(output, 'notes.txt'), 'x');
  handler = createImageHandler(() => [output]);
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('createImageHandler()', () => {
  it('serves a PNG inside the output folder with its type', async () => {
    const res = await get(imageUrl(path.join(output, 'a b.png')));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(png);
  });

  it('refuses a file outside the app folders', async () => {
    expect((await get(imageUrl(path.join(dir, 'secret.png')))).status).toBe(403);
  });

  it('refuses path traversal, encoded or not', async () => {
    // Encoded into one segment, the `..` survives parsing and fails the path check.
    expect((await get(imageUrl(`${output}/../secret.png`))).status).toBe(400);
    // As separate segments, the URL parser folds `%2E%2E` away and the path lands outside.
    expect((await get(`emulsion-image://local/${output}/%2E%2E/secret.png`)).status).toBe(403);
  });

  it('refuses a symlink that leads out of the folder', async () => {
    await fs.symlink(path.join(dir, 'secret.png'), path.join(output, 'link.png'));
    expect((await get(imageUrl(path.join(output, 'link.png')))).status).toBe(403);
  });

  it('refuses files that are not images, other hosts and other methods', async () => {
    expect((await get(imageUrl(path.join(output, 'notes.txt')))).status).toBe(403);
    expect(
      (await get(`emulsion-image://other/${encodeURIComponent(path.join(output, 'a b.png'))}`))
        .status,
    ).toBe(400);
    expect((await get(imageUrl(path.join(output, 'a b.png')), 'POST')).status).toBe(405);
  });

  it('answers the same 403 for a missing file as for a forbidden one', async () => {
    expect((await get(imageUrl(path.join(output, 'missing.png')))).status).toBe(403);
  });
});
