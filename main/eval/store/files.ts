/**
 * Small crash-safe file helpers for audits and judging sessions, which may be killed at any
 * instant: whole-file writes come from main/lib/atomic-write.ts; reads treat a missing file as
 * absent.
 */
import fs from 'node:fs/promises';
import { ioError, writeFileAtomic as writeAtomic } from '../../lib/atomic-write.ts';

/** An atomic write that creates the audit's folders as it goes. */
export function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  return writeAtomic(file, data, { makeDir: true });
}

export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw ioError('read', file, err);
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw ioError('parse', file, err);
  }
}

export async function exists(file: string): Promise<boolean> {
  return fs
    .access(file)
    .then(() => true)
    .catch(() => false);
}
