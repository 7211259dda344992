/** Where the command line keeps its caches (model hashes), following the XDG convention. */
import os from 'node:os';
import path from 'node:path';

export function cacheDir(): string {
  const base =
    process.env.XDG_CACHE_HOME ??
    (process.platform === 'win32'
      ? (process.env.LOCALAPPDATA ?? path.join(os.homedir(), 'AppData', 'Local'))
      : path.join(os.homedir(), '.cache'));
  return path.join(base, 'emulsion');
}
