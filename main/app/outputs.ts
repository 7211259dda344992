/**
 * Writes finished images to the output folder and lists what is there.
 *
 * NOTE: this is the seam issue 7 replaces: `saveImages` writes plain PNGs (no metadata chunks)
 * and `listOutputs` reads the folder. The gallery (main/gallery/) and the metadata writer
 * (main/metadata/) take over behind the same two signatures.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError } from '../../common/errors.ts';
import type { GenerateResult } from '../../common/generation.ts';
import type { OutputFile } from '../../common/ipc.ts';

/** Writes to a temporary file in the same folder, then renames: readers never see half a PNG. */
export async function writeFileAtomic(file: string, data: Uint8Array): Promise<void> {
  const temp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`,
  );
  try {
    await fs.writeFile(temp, data, { flag: 'wx' });
    await fs.rename(temp, file);
  } catch (err) {
    await fs.rm(temp, { force: true });
    throw new EmulsionError('IO_ERROR', `Could not write ${file}: ${(err as Error).message}`, {
      file,
    });
  }
}

function stamp(date: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-` +
    `${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`
  );
}

async function freeName(folder: string, base: string): Promise<string> {
  for (let n = 0; ; n++) {
    const file = path.join(folder, n === 0 ? `${base}.png` : `${base}-${n}.png`);
    const taken = await fs.access(file).then(
      () => true,
      () => false,
    );
    if (!taken) return file;
  }
}

/** Saves every image of `result` as `<date>-<time>-<seed>.png`; returns the paths in image order. */
export async function saveImages(
  folder: string,
  result: GenerateResult,
  now: Date = new Date(),
): Promise<string[]> {
  try {
    await fs.mkdir(folder, { recursive: true });
  } catch (err) {
    throw new EmulsionError('IO_ERROR', `Could not create ${folder}: ${(err as Error).message}`, {
      file: folder,
    });
  }
  const files: string[] = [];
  for (const image of result.images) {
    const file = await freeName(folder, `${stamp(now)}-${image.seed}`);
    await writeFileAtomic(file, image.png);
    files.push(file);
  }
  return files;
}

/** The newest `limit` PNG files directly inside `folder`; a missing folder lists as empty. */
export async function listOutputs(folder: string, limit = 200): Promise<OutputFile[]> {
  const entries = await fs
    .readdir(folder, { withFileTypes: true })
    .catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return [];
      throw new EmulsionError('IO_ERROR', `Could not read ${folder}: ${err.message}`, {
        file: folder,
      });
    });
  const files: OutputFile[] = [];
  for (const entry of entries) {
    if (
      !entry.isFile() ||
      !entry.name.toLowerCase().endsWith('.png') ||
      entry.name.startsWith('.')
    ) {
      continue;
    }
    const file = path.join(folder, entry.name);
    const stat = await fs.stat(file).catch(() => null);
    if (stat)
      files.push({ path: file, name: entry.name, size: stat.size, modifiedMs: stat.mtimeMs });
  }
  return files.sort((a, b) => b.modifiedMs - a.modifiedMs).slice(0, limit);
}
