/**
 * Window and session hardening (Electron security checklist,
 * https://www.electronjs.org/docs/latest/tutorial/security): isolated, sandboxed renderer with no
 * Node; a strict CSP; no navigation, no new windows, no webviews, no permissions; IPC accepted
 * only from the app's own top frame.
 */
import { fileURLToPath } from 'node:url';
import type { Session, WebContents, WebFrameMain, WebPreferences } from 'electron';
import { createLogger } from '../engine/log.ts';
import { contentSecurityPolicy, type CspMode } from './csp.ts';

const log = createLogger('security');

export function secureWebPreferences(preload: string): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    // Dropping a file on the window must reach the canvas, not navigate to file://.
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/**
 * Which URLs are the app: the built index.html (file://, compared by path) or, in development,
 * the Vite dev server's origin.
 */
export function createAppUrlCheck(source: {
  file?: string;
  devUrl?: string;
}): (url: string) => boolean {
  const devOrigin = source.devUrl ? new URL(source.devUrl).origin : null;
  return (raw) => {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return false;
    }
    if (devOrigin) return url.origin === devOrigin;
    if (!source.file || url.protocol !== 'file:') return false;
    try {
      return fileURLToPath(url) === source.file;
    } catch {
      return false;
    }
  };
}

type ContentsLike = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/** Blocks navigation away from the app, new windows and webviews on one WebContents. */
export function hardenContents(contents: ContentsLike, isAppUrl: (url: string) => boolean): void {
  const refuse = (kind: string) => (event: { preventDefault(): void }, url: string) => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    log.warn(`Blocked ${kind} to ${url}`);
  };
  contents.on('will-navigate', refuse('navigation'));
  contents.on('will-redirect', refuse('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('Blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log.warn(`Blocked window.open to ${url}`);
    return { action: 'deny' };
  });
}

type SessionLike = {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
} & Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>;

/**
 * The one permission the studio uses: writing plain text to the clipboard ("Copy prompt"). Reading
 * the clipboard stays denied; pasting an image arrives as a paste event, which needs no permission.
 */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Adds the CSP header to every response and denies every other permission (camera, …). */
export function hardenSession(session: SessionLike, mode: CspMode): void {
  const csp = contentSecurityPolicy(mode);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] },
    });
  });
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    if (ALLOWED_PERMISSIONS.has(permission)) return callback(true);
    log.warn(`Denied permission request: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission));
}

/** IPC is accepted only from the top frame of an app page; never from iframes or other pages. */
export function isTrustedFrame(
  frame: Pick<WebFrameMain, 'url' | 'parent'> | null | undefined,
  isAppUrl: (url: string) => boolean,
): boolean {
  if (!frame) return false;
  if (frame.parent !== null) return false;
  return isAppUrl(frame.url);
}
