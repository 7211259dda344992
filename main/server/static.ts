/** Serves the built renderer (index.html and its hashed assets) from one folder, nothing else. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { isInside } from '../app/paths.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface StaticFile {
  data: Buffer;
  type: string;
}

/** `/` is index.html; any other path must resolve to a regular file inside `root`. */
export async function readStatic(root: string, pathname: string): Promise<StaticFile | null> {
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (rel.includes('\0')) return null;
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = path.resolve(root, '.' + rel);
  if (!isInside(file, path.resolve(root))) return null;
  const type = TYPES[path.extname(file).toLowerCase()];
  if (!type) return null;
  const stat = await fs.stat(file).catch(() => null);
  if (!stat?.isFile()) return null;
  return { data: await fs.readFile(file), type };
}
