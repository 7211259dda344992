/**
 * Small file helpers for the studio: atomic writes (settings.json) and a plain listing of the
 * output folder. Finished images are saved by the gallery (gallery-service.ts), which writes both
 * metadata chunks and indexes them.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError } from '../../common/errors.ts';
import type { OutputFile } from '../../common/ipc.ts';

export { writeFileAtomic } from '../lib/atomic-write.ts';

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
