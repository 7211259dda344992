/**
 * Thumbnails for the gallery grid. A grid of 10,000 images scrolls smoothly only if a cell does not
 * decode a 1024 × 1536 PNG; so the image protocol and the server's /image/ route answer
 * `?w=<width>` with a WebP no wider or taller than that, made once with sharp and kept in the app
 * data folder's cache.
 *
 * The cache key is the image's real path, size and modification time plus the width, so an image
 * that changes gets a new thumbnail and a stale one is never served.
 * NOTE: the cache is not pruned; thumbnails of deleted images stay until the cache folder is
 * cleared (it can be deleted at any time). A few KB each: 10,000 images cost about 200 MB at 384 px.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { THUMBNAIL_WIDTHS } from '../../common/ipc.ts';
import { createLogger } from '../engine/log.ts';

const log = createLogger('thumbnails');

/**
 * The sizes the grid asks for. A fixed set keeps the cache to a few files per image: the renderer
 * rounds a cell's device-pixel width up to the next of these.
 */
export const THUMB_WIDTHS = THUMBNAIL_WIDTHS;
export type ThumbWidth = (typeof THUMB_WIDTHS)[number];

export function isThumbWidth(value: number): value is ThumbWidth {
  return (THUMB_WIDTHS as readonly number[]).includes(value);
}

/** WebP quality 80: thumbnails a fraction of a PNG's size with no artefacts visible at grid size. */
const QUALITY = 80;

export interface ThumbnailCache {
  /** WebP bytes of `file` (a real path already checked against the app's folders). */
  get(file: string, width: ThumbWidth): Promise<Uint8Array<ArrayBuffer>>;
}

export function createThumbnailCache(cacheDir: string): ThumbnailCache {
  const inFlight = new Map<string, Promise<Uint8Array<ArrayBuffer>>>();

  async function make(file: string, width: ThumbWidth, target: string) {
    const data = await sharp(file)
      .rotate()
      .resize(width, width, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: QUALITY })
      .toBuffer();
    // Written beside its final name, then renamed: a reader never sees half a thumbnail.
    try {
      await fs.mkdir(cacheDir, { recursive: true });
      const temp = `${target}.${randomBytes(4).toString('hex')}.tmp`;
      await fs.writeFile(temp, data);
      await fs.rename(temp, target);
    } catch (err) {
      log.warn(`Could not cache a thumbnail of ${file}: ${(err as Error).message}`);
    }
    return new Uint8Array(data);
  }

  return {
    async get(file, width) {
      const stat = await fs.stat(file);
      const key = createHash('sha256')
        .update(`${file}\n${stat.size}\n${stat.mtimeMs}\n${width}`)
        .digest('hex');
      const target = path.join(cacheDir, `${key}.webp`);
      const cached = await fs.readFile(target).catch(() => null);
      if (cached) return new Uint8Array(cached);
      let job = inFlight.get(key);
      if (!job) {
        job = make(file, width, target).finally(() => inFlight.delete(key));
        inFlight.set(key, job);
      }
      return job;
    },
  };
}
