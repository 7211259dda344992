/**
 * Walking the output folder and turning image files into index records. The records come only
 * from the files themselves (their metadata, size and time), which is what lets a rescan rebuild
 * the whole index.
 */
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { withFileSource } from '../metadata/byte-source.ts';
import { hasPngSignature } from '../metadata/png-chunks.ts';
import { readImageSettings } from '../metadata/read.ts';
import type { ImageFormat, SettingsSource } from '../metadata/settings.ts';

export const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.webp']);

/** Folder (inside the output folder) for Emulsion's own files: annotations and the trash. */
export const PRIVATE_DIR = '.emulsion';

export interface FileInfo {
  relPath: string;
  absPath: string;
  size: number;
  mtimeMs: number;
}

/** The row the index keeps for one image file. */
export interface ImageRecord {
  relPath: string;
  fileSize: number;
  fileMtime: number;
  createdAt: number;
  source: SettingsSource;
  format: ImageFormat;
  width: number | null;
  height: number | null;
  prompt: string;
  negative: string;
  model: string | null;
  modelHash: string | null;
  seed: number | null;
  /** ImageSettings as JSON, or null. */
  settings: string | null;
  /** string[] as JSON. */
  warnings: string;
}

export const toRelPath = (root: string, abs: string) =>
  path.relative(root, abs).split(path.sep).join('/');

/** Image files under `root`, recursively, skipping dot-files and dot-folders (temp files, trash). */
export async function listImageFiles(root: string): Promise<FileInfo[]> {
  const out: FileInfo[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(abs);
      else if (entry.isFile() && IMAGE_EXTENSIONS.has(path.extname(entry.name).toLowerCase())) {
        try {
          const s = await stat(abs);
          out.push({
            relPath: toRelPath(root, abs),
            absPath: abs,
            size: s.size,
            mtimeMs: Math.floor(s.mtimeMs),
          });
        } catch {
          // Vanished between readdir and stat: a later scan sees the truth.
        }
      }
    }
  };
  await walk(root);
  return out;
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
