/**
 * Local server mode (`npx emulsion serve`): the studio's renderer over HTTP and its contract over a
 * WebSocket, on 127.0.0.1 by default. Every request needs the random access token printed in the
 * URL; binding any other interface needs `allowRemote` and still needs the token.
 */
import fs from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { invalidArgument } from '../../common/errors.ts';
import type { SchedulerInfo } from '../../common/ipc.ts';
import { contentSecurityPolicy } from '../app/csp.ts';
import { createDispatch } from '../app/dispatch.ts';
import { openStudioGallery } from '../app/gallery-service.ts';
import { IMAGE_HEADERS, loadAppImage, parseThumbWidth } from '../app/protocol.ts';
import { openSettingsStore } from '../app/settings.ts';
import { createStudio, type Studio } from '../app/studio.ts';
import { defaultModelsDir } from '../demo-model/index.ts';
import { createLogger } from '../engine/log.ts';
import type { EngineClient } from '../engine/worker/types.ts';
import {
  cookieName,
  createToken,
  hostAllowed,
  isLoopback,
  originAllowed,
  requestToken,
  tokensEqual,
} from './auth.ts';
import { readStatic } from './static.ts';
import { handleSocket, send } from './socket.ts';

const log = createLogger('server');

export interface ServerOptions {
  engine: EngineClient;
  /** Folder holding the built renderer (index.html + assets). */
  rendererDir: string;
  /**
   * Folder for settings.json, the gallery index and caches; the default models and outputs
   * folders are created inside.
   */
  dataDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. Anything that is not loopback needs `allowRemote`. */
  host?: string;
  allowRemote?: boolean;
  /** Default: 32 random bytes. Tests may pass their own. */
  token?: string;
  schedulers?: () => SchedulerInfo[];
  /** Where safety-eval caches the converted classifier; default resources/models/safety. */
  classifierCacheDir?: string;
}

export interface RunningServer {
  /** The URL to open, token included. */
  url: string;
  token: string;
  host: string;
  port: number;
  studio: Studio;
  close(): Promise<void>;
}

/** Base64 JSON inflates by 4/3: 96 MiB leaves room for the 64 MiB image limit plus overhead. */
const MAX_MESSAGE_BYTES = 96 * 1024 * 1024;

const SECURITY_HEADERS = {
  'content-security-policy': contentSecurityPolicy('production') + "; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The token is in the page URL: never send it anywhere as a Referer.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function refuse(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS });
  res.end(text + '\n');
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1';
  if (!isLoopback(host) && !options.allowRemote) {
    throw invalidArgument(
      'host',
      host,
      'a loopback address (127.0.0.1, ::1, localhost)',
      'Listening on another interface exposes the studio to your network; pass --allow-remote to do it anyway (the token is still required).',
    );
  }
  const token = options.token ?? createToken();
  await fs.access(path.join(options.rendererDir, 'index.html')).catch(() => {
    throw invalidArgument('rendererDir', options.rendererDir, 'a folder with a built index.html');
  });

  const modelsFolder = path.join(options.dataDir, 'models');
  const outputFolder = path.join(options.dataDir, 'outputs');
  await fs.mkdir(modelsFolder, { recursive: true });
  await fs.mkdir(outputFolder, { recursive: true });
  const settings = await openSettingsStore(path.join(options.dataDir, 'settings.json'), {
    modelsFolder,
    outputFolder,
    provider: 'auto',
  });
  // Opening reconciles in the background: PNGs of a save interrupted by a crash get indexed.
  const studioGallery = await openStudioGallery({
    appDataDir: options.dataDir,
    outputFolder: settings.get().outputFolder,
  });
  const userTermsDir = path.join(options.dataDir, 'safety-terms');
  await fs.mkdir(userTermsDir, { recursive: true });
  const studio = createStudio({
    bundledModelsDir: defaultModelsDir(),
    userTermsDir,
    evalFolder: path.join(options.dataDir, 'eval'),
    classifierCacheDir: options.classifierCacheDir,
    engine: options.engine,
    settings,
    schedulers: options.schedulers ?? (() => []),
    gallery: studioGallery.gallery,
    hashes: studioGallery.hashes,
    galleryReady: studioGallery.ready,
  });
  const dispatch = createDispatch(studio.handlers);
  let port = options.port ?? 0;

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://placeholder');
      if (!hostAllowed(req.headers.host, host))
        return refuse(res, 403, 'Forbidden: unexpected Host header.');
      const given = requestToken(req, url, port);
      if (!tokensEqual(given, token)) {
        return refuse(
          res,
          401,
          'Unauthorized: open the URL printed by `emulsion serve`, token included.',
        );
      }
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return refuse(res, 405, 'Method not allowed.');
      const cookie = `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;

      if (url.pathname.startsWith('/image/')) {
        const width = parseThumbWidth(url.searchParams.get('w'));
        if (width === 'invalid') return refuse(res, 400, 'Bad thumbnail width.');
        const image = await loadAppImage(
          decodeURIComponent(url.pathname.slice(7)),
          studio.roots(),
          width ? { width, cache: studioGallery.thumbnails } : undefined,
        );
        if (image.status !== 200) return refuse(res, image.status, 'Image not available.');
        res.writeHead(200, { 'content-type': image.type, ...IMAGE_HEADERS, ...SECURITY_HEADERS });
        return res.end(req.method === 'HEAD' ? undefined : image.data);
      }
      const file = await readStatic(options.rendererDir, url.pathname);
      if (!file) return refuse(res, 404, 'Not found.');
      const html = file.type.startsWith('text/html');
      res.writeHead(200, {
        'content-type': file.type,
        'cache-control': html ? 'no-store' : 'no-cache',
        ...(html ? { 'set-cookie': cookie } : {}),
        ...SECURITY_HEADERS,
      });
      res.end(req.method === 'HEAD' ? undefined : file.data);
    } catch (err) {
      log.error(`HTTP handler failed: ${(err as Error).message}`);
      if (!res.headersSent) refuse(res, 500, 'Internal error.');
      else res.destroy();
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    const reject = (status: number, reason: string) => {
      log.warn(`Refused a WebSocket: ${reason}`);
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/ws') return reject(404, 'Not Found');
    if (!hostAllowed(req.headers.host, host)) return reject(403, 'Forbidden');
    if (!originAllowed(req.headers.origin, req.headers.host)) return reject(403, 'Forbidden');
    if (!tokensEqual(requestToken(req, url, port), token)) return reject(401, 'Unauthorized');
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      handleSocket(ws, dispatch);
    });
  });

  const stopJobEvents = studio.onEvent((payload) => {
    for (const ws of clients) send(ws, { type: 'event', name: 'jobEvent', payload });
  });
  const stopEvalEvents = studio.onEvalJobEvent((payload) => {
    for (const ws of clients) send(ws, { type: 'event', name: 'evalJobEvent', payload });
  });
  const stopEvents = () => {
    stopJobEvents();
    stopEvalEvents();
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch(async (err: unknown) => {
    stopEvents();
    studio.dispose();
    await studioGallery.close();
    throw err;
  });
  port = (server.address() as { port: number }).port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/?token=${token}`;
  log.info(`Serving the studio on http://${shownHost}:${port}/`);

  return {
    url,
    token,
    host,
    port,
    studio,
    async close() {
      stopEvents();
      studio.dispose();
      for (const ws of clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await studioGallery.close();
    },
  };
}
