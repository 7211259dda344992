/**
 * Walking the output folder and turning image files into index records. The records come only
 * from the files themselves (their metadata, size and time), which is what lets a rescan rebuild
 * the whole index.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { GalleryItem } from '../../common/gallery.ts';
import { withFileSource } from '../metadata/byte-source.ts';
import { listFiles } from '../metadata/folder-files.ts';
import { hasPngSignature } from '../metadata/png-chunks.ts';
import { readImageSettings } from '../metadata/read.ts';

export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

/** Folder (inside the output folder) for Emulsion's own files: annotations and the trash. */
export const PRIVATE_DIR = '.emulsion';

/** Files stat-ed at once while listing: cheap calls, but not thousands in flight. */
const STAT_CONCURRENCY = 16;

export interface FileInfo {
  relPath: string;
  absPath: string;
  size: number;
  mtimeMs: number;
}

/** What an index row says about an image under the same names a GalleryItem uses. */
export type ImageDescription = Pick<
  GalleryItem,
  'createdAt' | 'source' | 'format' | 'width' | 'height' | 'prompt' | 'model' | 'modelHash' | 'seed'
>;

/** The row the index keeps for one image file. */
export interface ImageRecord extends ImageDescription {
  relPath: string;
  fileSize: number;
  fileMtime: number;
  negative: string;
  /** ImageSettings as JSON, or null. */
  settings: string | null;
  /** string[] as JSON. */
  warnings: string;
}

export const toRelPath = (root: string, abs: string) =>
  path.relative(root, abs).split(path.sep).join('/');

/**
 * Image files under `root`, recursively, skipping dot-files (temp files of saves in progress) and
 * dot-folders (the trash, caches). A sub-folder that cannot be read is named in `errors`; an
 * unreadable `root` throws.
 */
export async function listImageFiles(root: string, errors: string[] = []): Promise<FileInfo[]> {
  const paths = await listFiles(
    root,
    (name) => !name.startsWith('.') && IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase()),
    (dir, err) => errors.push(`${toRelPath(root, dir)}/: ${err.message}`),
  );
  const files = await mapLimit(paths, STAT_CONCURRENCY, async (abs) => {
    try {
      const s = await stat(abs);
      return {
        relPath: toRelPath(root, abs),
        absPath: abs,
        size: s.size,
        mtimeMs: Math.floor(s.mtimeMs),
      };
    } catch {
      return undefined; // vanished between listing and stat: a later scan sees the truth
    }
  });
  return files.filter((f) => f !== undefined);
}

/** Pixel size: from IHDR for PNG (bytes 16-23), from sharp's header read otherwise. */
async function dimensions(file: string): Promise<{ width: number | null; height: number | null }> {
  try {
    const head = await withFileSource(file, (src) => src.read(0, 24));
    if (hasPngSignature(head) && head.length >= 24) {
      const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
      return { width: view.getUint32(16), height: view.getUint32(20) };
    }
    const meta = await sharp(file).metadata();
    return { width: meta.width ?? null, height: meta.height ?? null };
  } catch {
    return { width: null, height: null };
  }
}

/** Reads one file's metadata into a record. Throws only when the file cannot be read at all. */
export async function readRecord(file: FileInfo): Promise<ImageRecord> {
  const read = await readImageSettings(file.absPath);
  const s = read.settings;
  const dims = await dimensions(file.absPath);
  const created = s?.createdAt ? Date.parse(s.createdAt) : NaN;
  return {
    relPath: file.relPath,
    fileSize: file.size,
    fileMtime: file.mtimeMs,
    createdAt: Number.isFinite(created) ? created : file.mtimeMs,
    source: read.source,
    format: read.format,
    width: dims.width ?? s?.width ?? null,
    height: dims.height ?? s?.height ?? null,
    prompt: s?.prompt ?? '',
    negative: s?.negativePrompt ?? '',
    model: s?.model?.name ?? null,
    modelHash: s?.model?.hash ?? null,
    seed: s?.seed ?? null,
    settings: s ? JSON.stringify(s) : null,
    warnings: JSON.stringify(read.warnings),
  };
}

/** `readRecord`, with a file that cannot be read named in `errors` instead of thrown. */
export async function tryReadRecord(
  file: FileInfo,
  errors: string[],
): Promise<ImageRecord | undefined> {
  try {
    return await readRecord(file);
  } catch (err) {
    errors.push(`${file.relPath}: ${(err as Error).message}`);
    return undefined;
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function mapLimit<T, R>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
