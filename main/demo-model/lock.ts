/**
 * A cross-process build lock: a file created with O_EXCL holding the builder's pid. Test workers,
 * the CLI and the app may all call ensureDemoModels at once; only one builds, the others wait and
 * then find the folders current. A lock whose process is gone is taken over.
 */
import { open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError } from '../../common/errors.ts';

export const LOCK_FILE = '.emulsion-build.lock';
const POLL_MS = 100;

export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (cause) {
    return (cause as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` while holding `<dir>/.emulsion-build.lock`. */
export async function withBuildLock<T>(
  dir: string,
  fn: () => Promise<T>,
  timeoutMs = 120_000,
): Promise<T> {
  const file = path.join(dir, LOCK_FILE);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code !== 'EEXIST') throw cause;
      const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
      // An empty file is a lock being written right now; only a named dead pid is stale.
      if (holder > 0 && !pidAlive(holder)) {
        await rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new EmulsionError(
          'IO_ERROR',
          `Another process (pid ${holder || 'unknown'}) has been building the demo models for over ${timeoutMs / 1000} s; remove ${file} if it is stuck.`,
          { file },
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(file, { force: true });
  }
}
