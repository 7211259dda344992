/**
 * Path confinement for anything the renderer names: a path is accepted only when its real
 * location (symlinks resolved) lies inside one of the app's own folders.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { invalidArgument } from '../../common/errors.ts';

/** True when `child` is `parent` or lies below it. Both must be absolute and normalised. */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Resolves `target` and every root through `realpath`, so a symlink inside the output folder that
 * points at /etc is refused. Returns the real path. A missing file is refused with the same
 * error as an outside one: the renderer learns nothing about the disk outside the roots.
 */
export async function resolveInside(
  field: string,
  target: string,
  roots: readonly string[],
): Promise<string> {
  const allowed = 'an existing path inside the output, models or logs folder';
  let real: string;
  try {
    real = await fs.realpath(target);
  } catch {
    throw invalidArgument(field, target, allowed);
  }
  for (const root of roots) {
    const realRoot = await fs.realpath(root).catch(() => null);
    if (realRoot && isInside(real, realRoot)) return real;
  }
  throw invalidArgument(field, target, allowed);
}
