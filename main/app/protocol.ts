/**
 * The `emulsion-image://` protocol handler. It answers only GET requests for image files whose
 * real path lies inside one of the app's own folders (output, models, logs); anything else is a
 * 403 or 404 with no body that says what exists on disk. `?w=<width>` asks for a cached WebP
 * thumbnail (thumbnails.ts) instead of the file itself.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { CustomScheme } from 'electron';
import { createLogger } from '../engine/log.ts';
import { IMAGE_SCHEME } from '../../common/ipc.ts';
import { resolveInside } from './paths.ts';
import { isThumbWidth, type ThumbnailCache, type ThumbWidth } from './thumbnails.ts';
import { absolutePath } from './validation/schema.ts';

const log = createLogger('protocol');

export const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** Registered before `app.ready`: standard + secure so CSP and fetch treat it like https. */
export const IMAGE_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: IMAGE_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

export type ImageLookup =
  | { status: 200; data: Uint8Array<ArrayBuffer>; type: string }
  | { status: 400 | 403 | 404; data?: undefined; type?: undefined };

/**
 * Reads an image the renderer asked for by path, if and only if its real path is inside one of
 * `roots`. Shared by the Electron protocol and the local server's `/image/` route. A missing file
 * answers 403 like a forbidden one, so the answer says nothing about the disk outside the roots.
 */
/** The `w` query parameter: absent (the file itself), one of THUMB_WIDTHS, or invalid. */
export function parseThumbWidth(value: string | null): ThumbWidth | undefined | 'invalid' {
  if (value === null) return undefined;
  const width = /^\d{1,4}$/.test(value) ? Number(value) : NaN;
  return isThumbWidth(width) ? width : 'invalid';
}

export async function loadAppImage(
  rawPath: string,
  roots: readonly string[],
  thumbnail?: { width: ThumbWidth; cache: ThumbnailCache },
): Promise<ImageLookup> {
  let target: string;
  try {
    target = absolutePath()(rawPath, 'path');
  } catch {
    return { status: 400 };
  }
  const type = IMAGE_TYPES[path.extname(target).toLowerCase()];
  if (!type) return { status: 403 };
  let real: string;
  try {
    real = await resolveInside('path', target, roots);
  } catch {
    log.warn(`Refused an image request outside the app folders: ${target}`);
    return { status: 403 };
  }
  if (thumbnail) {
    try {
      return {
        status: 200,
        data: await thumbnail.cache.get(real, thumbnail.width),
        type: 'image/webp',
      };
    } catch (err) {
      log.warn(`Could not make a thumbnail of ${real}: ${(err as Error).message}`);
      return { status: 404 };
    }
  }
  const data = await fs.readFile(real).catch(() => null);
  if (!data) return { status: 404 };
  return { status: 200, data: new Uint8Array(data), type };
}

export const IMAGE_HEADERS = { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };

export function createImageHandler(roots: () => readonly string[], thumbnails?: ThumbnailCache) {
  return async (request: Request): Promise<Response> => {
    if (request.method !== 'GET') return new Response(null, { status: 405 });
    let raw: string;
    let width: ThumbWidth | undefined | 'invalid';
    try {
      const url = new URL(request.url);
      if (url.protocol !== `${IMAGE_SCHEME}:` || url.host !== 'local') throw new Error('bad host');
      raw = decodeURIComponent(url.pathname.slice(1));
      width = parseThumbWidth(url.searchParams.get('w'));
    } catch {
      return new Response(null, { status: 400 });
    }
    if (width === 'invalid' || (width && !thumbnails)) return new Response(null, { status: 400 });
    const image = await loadAppImage(
      raw,
      roots(),
      width && thumbnails ? { width, cache: thumbnails } : undefined,
    );
    if (image.status !== 200) return new Response(null, { status: image.status });
    return new Response(image.data, {
      status: 200,
      headers: { 'content-type': image.type, ...IMAGE_HEADERS },
    });
  };
}
