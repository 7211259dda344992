/**
 * Walking an output folder, shared by the gallery's image scan and the recovery of interrupted
 * saves, so both see the same folders.
 *
 * Dot-folders are not entered: they are private to whoever made them (Emulsion's `.emulsion/`
 * trash and annotations, caches, version control). Links are not followed, so a link loop cannot
 * trap a scan and a link cannot pull a folder outside the output folder into it.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * Absolute paths of the files below `root` (sub-folders included) whose name `keep` accepts. A
 * missing `root` has no files; a `root` that cannot be read throws. A sub-folder that cannot be
 * read is skipped and passed to `onFolderError` (it may have been removed during the walk).
 */
export async function listFiles(
  root: string,
  keep: (name: string) => boolean,
  onFolderError?: (dir: string, err: Error) => void,
): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if (dir === root) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      onFolderError?.(dir, err as Error);
      return;
    }
    for (const entry of entries) {
      const abs = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.')) await walk(abs);
      } else if (entry.isFile() && keep(entry.name)) {
        out.push(abs);
      }
    }
  };
  await walk(root);
  return out;
}
