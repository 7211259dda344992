import { describe, expect, it } from 'vitest';
import { contentSecurityPolicy } from '../../../main/app/csp.ts';
import {
  createAppUrlCheck,
  hardenContents,
  hardenSession,
  isTrustedFrame,
  secureWebPreferences,
} from '../../../main/app/security.ts';
import { FakeSession, FakeWebContents } from './fakes/electron.ts';

const APP_FILE = '/opt/Emulsion/resources/app/out/renderer/index.html';
const isApp = createAppUrlCheck({ file: APP_FILE });

describe('secureWebPreferences()', () => {
  it('isolates and sandboxes the renderer with no Node and no webviews', () => {
    expect(secureWebPreferences('/p/preload.cjs')).toMatchObject({
      preload: '/p/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });
});

describe('createAppUrlCheck()', () => {
  it('accepts only the built index.html, whatever its hash or query', () => {
    expect(isApp(`file://${APP_FILE}`)).toBe(true);
    expect(isApp(`file://${APP_FILE}#/settings`)).toBe(true);
    expect(isApp('file:///etc/passwd')).toBe(false);
    expect(isApp('https://example.com/')).toBe(false);
    expect(isApp('not a url')).toBe(false);
  });
  it('accepts only the dev server origin in development', () => {
    const dev = createAppUrlCheck({ devUrl: 'http://localhost:5173/' });
    expect(dev('http://localhost:5173/index.html')).toBe(true);
    expect(dev('http://localhost:5174/')).toBe(false);
    expect(dev(`file://${APP_FILE}`)).toBe(false);
  });
});

describe('hardenContents()', () => {
  it('blocks navigation and redirects away from the app, and every new window or webview', () => {
    const contents = new FakeWebContents();
    hardenContents(contents as never, isApp);
    expect(contents.fire('will-navigate', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///home/ana/Pictures/cat.png')).toBe(true);
    expect(contents.fire('will-redirect', 'https://evil.example/')).toBe(true);
    expect(contents.fire('will-navigate', `file://${APP_FILE}`)).toBe(false);
    expect(contents.fire('will-attach-webview')).toBe(true);
    expect(contents.windowOpenHandler?.({ url: `file://${APP_FILE}` })).toEqual({ action: 'deny' });
  });
});

describe('hardenSession()', () => {
  it('adds the CSP to every response and keeps the other headers', () => {
    const session = new FakeSession();
    hardenSession(session as never, 'production');
    let reply: unknown;
    session.headersListener?.({ responseHeaders: { 'X-A': ['1'] } }, (r) => (reply = r));
    expect(reply).toEqual({
      responseHeaders: {
        'X-A': ['1'],
        'Content-Security-Policy': [contentSecurityPolicy('production')],
      },
    });
  });
  it('denies every permission request and check but writing text to the clipboard', () => {
    const session = new FakeSession();
    hardenSession(session as never, 'production');
    const answers: boolean[] = [];
    session.permissionRequest?.({}, 'media', (g) => answers.push(g));
    session.permissionRequest?.({}, 'notifications', (g) => answers.push(g));
    session.permissionRequest?.({}, 'clipboard-sanitized-write', (g) => answers.push(g));
    expect(answers).toEqual([false, false, true]);
    expect(session.permissionCheck?.({}, 'clipboard-read')).toBe(false);
    expect(session.permissionCheck?.({}, 'clipboard-sanitized-write')).toBe(true);
  });
});

describe('contentSecurityPolicy()', () => {
  it('allows no inline script, no eval and no foreign origin in production', () => {
    const csp = contentSecurityPolicy('production');
    const directives = Object.fromEntries(
      csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]),
    );
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['connect-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['img-src']).toEqual(["'self'", 'blob:', 'data:', 'emulsion-image:']);
    expect(csp).not.toMatch(/unsafe-eval|unsafe-inline|\*/);
  });
});

describe('isTrustedFrame()', () => {
  it('trusts only the top frame of an app page', () => {
    expect(isTrustedFrame({ url: `file://${APP_FILE}`, parent: null }, isApp)).toBe(true);
    expect(isTrustedFrame({ url: `file://${APP_FILE}`, parent: {} as never }, isApp)).toBe(false);
    expect(isTrustedFrame({ url: 'https://evil.example/', parent: null }, isApp)).toBe(false);
    expect(isTrustedFrame(null, isApp)).toBe(false);
  });
});
