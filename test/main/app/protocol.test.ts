import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { imageUrl, thumbnailWidth } from '../../../common/ipc.ts';
import { createImageHandler } from '../../../main/app/protocol.ts';
import { createThumbnailCache } from '../../../main/app/thumbnails.ts';
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

describe('createImageHandler() thumbnails', () => {
  let cacheDir: string;
  let wide: string;
  beforeEach(async () => {
    cacheDir = path.join(dir, 'cache');
    handler = createImageHandler(() => [output], createThumbnailCache(cacheDir));
    wide = path.join(output, 'wide.png');
    await fs.writeFile(wide, makePng(600, 300, [200, 100, 50]));
  });

  it('answers ?w= with a WebP that fits in a w × w box, keeping the aspect ratio', async () => {
    const res = await get(imageUrl(wide, 256));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 128]);
  });

  it('makes each thumbnail once, and again when the image changes', async () => {
    await get(imageUrl(wide, 128));
    await get(imageUrl(wide, 128));
    expect(await fs.readdir(cacheDir)).toHaveLength(1);
    await fs.writeFile(wide, makePng(300, 600, [0, 0, 0]));
    await fs.utimes(wide, new Date(2030, 0, 1), new Date(2030, 0, 1));
    const meta = await sharp(
      Buffer.from(await (await get(imageUrl(wide, 128))).arrayBuffer()),
    ).metadata();
    expect([meta.width, meta.height]).toEqual([64, 128]);
    expect(await fs.readdir(cacheDir)).toHaveLength(2);
  });

  it('never enlarges a small image', async () => {
    const res = await get(imageUrl(path.join(output, 'a b.png'), 512));
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([2, 2]);
  });

  it('refuses widths outside the fixed set, and keeps refusing files outside the folders', async () => {
    expect((await get(`${imageUrl(wide)}?w=100`)).status).toBe(400);
    expect((await get(`${imageUrl(wide)}?w=abc`)).status).toBe(400);
    expect((await get(imageUrl(path.join(dir, 'secret.png'), 256))).status).toBe(403);
    expect(await fs.readdir(cacheDir).catch(() => [])).toEqual([]);
  });

  it('refuses ?w= when the host has no thumbnail cache', async () => {
    handler = createImageHandler(() => [output]);
    expect((await get(imageUrl(wide, 256))).status).toBe(400);
  });
});

describe('thumbnailWidth()', () => {
  it('rounds up to the next width the routes make, and stops at the largest', () => {
    expect([1, 128, 129, 256, 300, 384, 500, 512, 2000].map(thumbnailWidth)).toEqual([
      128, 128, 256, 256, 384, 384, 512, 512, 512,
    ]);
  });
});
