/**
 * Crash-safe whole-file writes, shared by every writer in the main process (studio settings,
 * CLI outputs, audits, reports). A process may be killed at any instant, so:
 *  - the file is written to a temporary name in the same folder, fsynced, then renamed over the
 *    target: a reader sees the old file or the new one, never half of one (rename is atomic
 *    within a POSIX filesystem and on NTFS via MoveFileEx);
 *  - the parent directory is fsynced after the rename where the platform allows it, so the new
 *    name itself survives a power cut.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError } from '../../common/errors.ts';

export function ioError(action: string, file: string, err: unknown): EmulsionError {
  const reason = err instanceof Error ? err.message : String(err);
  return new EmulsionError('IO_ERROR', `Could not ${action} ${file}: ${reason}`, { file });
}

async function fsyncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; the rename is still atomic there.
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export interface AtomicWriteOptions {
  /** Create missing parent folders first; otherwise a missing folder is an IO_ERROR. */
  makeDir?: boolean;
}

export async function writeFileAtomic(
  file: string,
  data: Uint8Array | string,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const dir = path.dirname(file);
  const temp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    if (options.makeDir) await fs.mkdir(dir, { recursive: true });
    const handle = await fs.open(temp, 'w');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
    await fsyncDirectory(dir);
  } catch (err) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    throw ioError('write', file, err);
  }
}
