/**
 * The renderer's Content-Security-Policy, in one place for the Electron window (meta tag in the
 * built index.html plus a response header) and the local server (response header).
 *
 * - scripts and styles only from the app's own files: no inline script, no eval;
 * - images also from `blob:` (results arrive as PNG bytes), `data:` (tiny inline icons) and the
 *   `emulsion-image:` protocol (files in the output folder);
 * - network only back to the app's own origin (`'self'` covers same-origin `ws:` in CSP 3).
 */
import { IMAGE_SCHEME } from '../../common/ipc.ts';

export type CspMode = 'production' | 'development';

export function contentSecurityPolicy(mode: CspMode = 'production'): string {
  const dev = mode === 'development';
  const directives: Record<string, string[]> = {
    'default-src': ["'none'"],
    // Vite's dev server injects the React Refresh preamble inline and talks HMR over a socket.
    'script-src': dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    'style-src': dev ? ["'self'", "'unsafe-inline'"] : ["'self'"],
    'img-src': ["'self'", 'blob:', 'data:', `${IMAGE_SCHEME}:`],
    'font-src': ["'self'"],
    'connect-src': dev ? ["'self'", 'ws://localhost:*', 'http://localhost:*'] : ["'self'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'object-src': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}
