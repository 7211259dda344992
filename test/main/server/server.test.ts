import fs from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  decodeWire,
  encodeWire,
  type ServerMessage,
  type StudioDoneEvent,
  type StudioJobEvent,
} from '../../../common/ipc.ts';
import { startServer, type RunningServer } from '../../../main/server/index.ts';
import { createFakeEngine } from '../app/fakes/engine.ts';
import { BASE_REQUEST, waitFor } from '../app/fakes/host.ts';
import { makePng, pngChunks } from '../app/fakes/png.ts';

const TOKEN = 'test-token-0123456789abcdefghijklmnopqrstuv';
let dir: string;
let server: RunningServer;

async function start(extra: Partial<Parameters<typeof startServer>[0]> = {}) {
  server = await startServer({
    engine: createFakeEngine(),
    rendererDir: path.join(dir, 'renderer'),
    dataDir: path.join(dir, 'data'),
    token: TOKEN,
    schedulers: () => [{ name: 'Euler a' }],
    ...extra,
  });
  return server;
}

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-server-'));
  await fs.mkdir(path.join(dir, 'renderer', 'assets'), { recursive: true });
  await fs.writeFile(
    path.join(dir, 'renderer', 'index.html'),
    '<!doctype html><title>Emulsion</title>',
  );
  await fs.writeFile(path.join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  await fs.writeFile(path.join(dir, 'secret.txt'), 'secret');
});
afterEach(async () => {
  await server?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

/** A raw GET, so the test controls the path and headers exactly. */
function get(pathAndQuery: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: server.port,
          path: pathAndQuery,
          headers: { host: `127.0.0.1:${server.port}`, ...headers },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

function connect(query = `?token=${TOKEN}`, headers: Record<string, string> = {}) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers });
  const messages: ServerMessage[] = [];
  ws.on('message', (data) => messages.push(decodeWire(data.toString()) as ServerMessage));
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  let id = 0;
  const call = async (method: string, request?: unknown) => {
    const myId = ++id;
    ws.send(encodeWire({ type: 'call', id: myId, method, request }));
    const reply = await waitFor(() => messages.find((m) => m.type === 'reply' && m.id === myId));
    return (reply as Extract<ServerMessage, { type: 'reply' }>).envelope;
  };
  const events = () =>
    messages
      .filter((m) => m.type === 'event')
      .map((m) => (m as { payload: StudioJobEvent }).payload);
  return { ws, opened, call, events, messages };
}

/** The event messages a connection received so far, with their names. */
function messages(c: { messages: ServerMessage[] }) {
  return c.messages
    .filter((m): m is Extract<ServerMessage, { type: 'event' }> => m.type === 'event')
    .map((m) => ({ name: m.name, payload: m.payload }));
}

describe('startServer() over HTTP', () => {
  it('prints a URL on 127.0.0.1 with the token in it', async () => {
    await start();
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
  });

  it('refuses every path without the token or with a wrong one (401)', async () => {
    await start();
    for (const p of ['/', '/index.html', '/assets/app.js', '/image/x.png', '/?token=wrong']) {
      expect((await get(p)).status, p).toBe(401);
    }
    expect((await get('/', { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('serves the page with the token, sets a strict cookie, and accepts the cookie for assets', async () => {
    await start();
    const page = await get(`/?token=${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Emulsion</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    const cookie = String(page.headers['set-cookie']);
    expect(cookie).toMatch(
      new RegExp(`^emulsion_token_${server.port}=${TOKEN}; HttpOnly; SameSite=Strict`),
    );
    const asset = await get('/assets/app.js', { cookie: cookie.split(';')[0] });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });

  it('refuses a foreign Host header on a loopback bind (DNS rebinding)', async () => {
    await start();
    expect((await get(`/?token=${TOKEN}`, { host: 'evil.example' })).status).toBe(403);
  });

  it('never serves files outside the renderer folder', async () => {
    await start();
    expect((await get(`/%2e%2e/secret.txt?token=${TOKEN}`)).status).toBe(404);
    expect((await get(`/..%2fsecret.txt?token=${TOKEN}`)).status).toBe(404);
  });

  it('serves output images through /image/ and refuses other paths', async () => {
    await start();
    const settings = server.studio.handlers;
    const output = (await settings.getSettings()).outputFolder;
    await fs.writeFile(path.join(output, 'a.png'), makePng(1, 1, [0, 0, 0]));
    await fs.writeFile(path.join(dir, 'b.png'), makePng(1, 1, [0, 0, 0]));
    expect(
      (await get(`/image/${encodeURIComponent(path.join(output, 'a.png'))}?token=${TOKEN}`)).status,
    ).toBe(200);
    expect(
      (await get(`/image/${encodeURIComponent(path.join(dir, 'b.png'))}?token=${TOKEN}`)).status,
    ).toBe(403);
    // Grid thumbnails: ?w= from the fixed set gives a WebP, anything else a 400.
    const a = encodeURIComponent(path.join(output, 'a.png'));
    const thumb = await get(`/image/${a}?token=${TOKEN}&w=128`);
    expect([thumb.status, thumb.headers['content-type']]).toEqual([200, 'image/webp']);
    expect((await get(`/image/${a}?token=${TOKEN}&w=129`)).status).toBe(400);
  });

  it('needs allowRemote to listen beyond loopback, and still needs the token then', async () => {
    await expect(start({ host: '0.0.0.0' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: 'host', received: '0.0.0.0' },
    });
    await start({ host: '0.0.0.0', allowRemote: true, port: 0 });
    expect((await get('/')).status).toBe(401);
    expect((await get(`/?token=${TOKEN}`)).status).toBe(200);
  });
});

describe('startServer() over WebSocket', () => {
  it('refuses a handshake without the token with HTTP 401', async () => {
    await start();
    await expect(connect('').opened).rejects.toThrow('HTTP 401');
    await expect(connect('?token=wrong').opened).rejects.toThrow('HTTP 401');
  });

  it('refuses a handshake from a page on another origin, even with the token', async () => {
    await start();
    await expect(
      connect(`?token=${TOKEN}`, { origin: 'https://evil.example' }).opened,
    ).rejects.toThrow('HTTP 403');
  });

  it('answers calls with the same envelopes as IPC, coded errors included', async () => {
    await start();
    const c = connect();
    await c.opened;
    expect(await c.call('getSettings')).toMatchObject({ ok: true, value: { provider: 'auto' } });
    expect(await c.call('generate', { ...BASE_REQUEST, steps: 'many' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'steps' },
    });
    c.ws.close();
  });

  it('streams job events and delivers the PNG bytes intact', async () => {
    await start();
    const c = connect();
    await c.opened;
    const reply = await c.call('generate', BASE_REQUEST);
    expect(reply.ok).toBe(true);
    const done = (await waitFor(() =>
      c.events().find((e) => e.status === 'done'),
    )) as StudioDoneEvent;
    expect(c.events().map((e) => e.status)).toEqual([
      'queued',
      'started',
      'step',
      'step',
      'step',
      'decoding',
      'done',
    ]);
    expect(done.result.images[0].png).toBeInstanceOf(Uint8Array);
    expect(done.result.images[0].png).toEqual(makePng(64, 64, [200, 40, 90]));
    // Saved through the gallery: the same pixels, with the metadata chunks added.
    const saved = new Uint8Array(await fs.readFile(done.files[0]!));
    expect(new Uint8Array(await sharp(saved).raw().toBuffer())).toEqual(
      new Uint8Array(await sharp(done.result.images[0].png).raw().toBuffer()),
    );
    expect(pngChunks(saved).map((c) => c.keyword ?? c.type)).toContain('emulsion');
    c.ws.close();
  });

  it('broadcasts evaluation job events under their own name and serves the plot from the workspace', async () => {
    await start();
    const c = connect();
    await c.opened;
    const workspace = await c.call('evalWorkspace');
    expect(workspace).toMatchObject({ ok: true, value: { root: path.join(dir, 'data', 'eval') } });
    const out = path.join(dir, 'data', 'eval', 'xyz', 'p');
    const reply = await c.call('evalStartXyz', {
      base: { prompt: 'a red circle', steps: 1, width: 64, height: 64 },
      x: { kind: 'seed', values: '1, 2' },
      out,
    });
    expect(reply.ok).toBe(true);
    const evalEvents = () =>
      messages(c)
        .filter((m) => m.name === 'evalJobEvent')
        .map((m) => m.payload);
    await waitFor(
      () => evalEvents().find((e) => (e as { status: string }).status === 'done'),
      10_000,
    );
    // Studio job events are not mixed with them: the eval images are not studio jobs.
    expect(messages(c).filter((m) => m.name === 'jobEvent')).toEqual([]);
    const grid = encodeURIComponent(path.join(out, 'grid.png'));
    const image = await get(`/image/${grid}?token=${TOKEN}`);
    expect([image.status, image.headers['content-type']]).toEqual([200, 'image/png']);
    c.ws.close();
  });

  it('closes the socket with 1008 on a message outside the protocol', async () => {
    await start();
    const c = connect();
    await c.opened;
    const closed = new Promise<number>((resolve) => c.ws.once('close', (code) => resolve(code)));
    c.ws.send('{"type":"shell","cmd":"rm -rf /"}');
    expect(await closed).toBe(1008);
  });
});
