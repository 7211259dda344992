/**
 * Paths the renderer builds inside folders the host named (the evaluation workspace). The host
 * checks every one again; these only keep the names tidy and the separators consistent.
 */

/** Joins with the separator the root uses (a Windows root has only backslashes). */
export function joinPath(root: string, ...parts: string[]): string {
  const sep = root.includes('\\') && !root.includes('/') ? '\\' : '/';
  return [root.replace(/[\\/]+$/, ''), ...parts].join(sep);
}

/** A folder name from free text: letters, digits, '.', '-' and '_' only, never hidden or empty. */
export function folderName(text: string): string {
  const name = text
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[.-]+|-+$/g, '')
    .slice(0, 60);
  return name || 'untitled';
}

/** `20260312-141503`: sorts in time order, safe in a file name. */
export function timestamp(date = new Date()): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}${two(date.getMonth() + 1)}${two(date.getDate())}-` +
    `${two(date.getHours())}${two(date.getMinutes())}${two(date.getSeconds())}`
  );
}
