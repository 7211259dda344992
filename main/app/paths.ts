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

/**
 * For a folder a call may create (a new audit or plot): an existing path goes through
 * `resolveInside`; a missing one is accepted when its nearest existing ancestor resolves inside a
 * root, so nothing is created through a symlink that leaves the roots. The caller has already
 * refused `..` and `.` segments (validation/schema.ts absolutePath). Returns the path to use.
 */
export async function resolveInsideOrNew(
  field: string,
  target: string,
  roots: readonly string[],
): Promise<string> {
  const exists = await fs.lstat(target).then(
    () => true,
    () => false,
  );
  if (exists) return resolveInside(field, target, roots);
  let ancestor = path.dirname(target);
  const rest = [path.basename(target)];
  while (
    !(await fs.lstat(ancestor).then(
      () => true,
      () => false,
    ))
  ) {
    const parent = path.dirname(ancestor);
    if (parent === ancestor) break;
    rest.unshift(path.basename(ancestor));
    ancestor = parent;
  }
  const real = await resolveInside(field, ancestor, roots).catch(() => {
    throw invalidArgument(field, target, 'a folder inside the evaluation folder');
  });
  return path.join(real, ...rest);
}
