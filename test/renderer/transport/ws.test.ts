import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EmulsionError } from '../../../common/errors.ts';
import { decodeWire, encodeWire, type StudioJobEvent } from '../../../common/ipc.ts';
import { startServer, type RunningServer } from '../../../main/server/index.ts';
import { createWsTransport } from '../../../renderer/transport/ws.ts';
import { createFakeEngine } from '../../main/app/fakes/engine.ts';
import { BASE_REQUEST, waitFor } from '../../main/app/fakes/host.ts';

/** A WebSocket stand-in that the test drives by hand. */
class FakeSocket {
  static last: FakeSocket;
  static count = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((e: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  constructor(public url: string) {
    FakeSocket.last = this;
    FakeSocket.count++;
  }
  send(text: string) {
    this.sent.push(decodeWire(text));
  }
  close() {
    this.onclose?.();
  }
  reply(message: unknown) {
    this.onmessage?.({ data: encodeWire(message) });
  }
}

const open = () =>
  createWsTransport({
    url: 'ws://h/ws?token=t',
    httpBase: 'http://h',
    WebSocketImpl: FakeSocket as never,
    backoff: [10],
  });

describe('createWsTransport()', () => {
  it('holds calls until the socket opens, then sends them in order', async () => {
    const t = open();
    const a = t.call('getSettings');
    const b = t.call('cancel', { jobId: 'j1' });
    expect(FakeSocket.last.sent).toEqual([]);
    FakeSocket.last.onopen?.();
    expect(FakeSocket.last.sent).toEqual([
      { type: 'call', id: 1, method: 'getSettings' },
      { type: 'call', id: 2, method: 'cancel', request: { jobId: 'j1' } },
    ]);
    FakeSocket.last.reply({ type: 'reply', id: 2, envelope: { ok: true, value: null } });
    FakeSocket.last.reply({
      type: 'reply',
      id: 1,
      envelope: { ok: true, value: { provider: 'cpu' } },
    });
    expect(await a).toEqual({ provider: 'cpu' });
    expect(await b).toBeNull();
    t.close();
  });

  it('rebuilds an EmulsionError with its code and field from an error envelope', async () => {
    const t = open();
    FakeSocket.last.onopen?.();
    const p = t.call('generate', BASE_REQUEST);
    FakeSocket.last.reply({
      type: 'reply',
      id: 1,
      envelope: {
        ok: false,
        error: { code: 'INVALID_ARGUMENT', message: 'bad steps', field: 'steps', received: 0 },
      },
    });
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EmulsionError);
    expect(err).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: 'bad steps',
      details: { field: 'steps', received: 0 },
    });
    t.close();
  });

  it('delivers evaluation job events to their own listeners only', () => {
    const t = open();
    const jobs: unknown[] = [];
    const evals: unknown[] = [];
    t.onJobEvent((e) => jobs.push(e));
    const off = t.onEvalJobEvent((e) => evals.push(e));
    FakeSocket.last.onopen?.();
    FakeSocket.last.reply({
      type: 'event',
      name: 'evalJobEvent',
      payload: { status: 'progress', jobId: 'xyz-1', done: 1, total: 4 },
    });
    off();
    FakeSocket.last.reply({
      type: 'event',
      name: 'evalJobEvent',
      payload: { status: 'done', jobId: 'xyz-1' },
    });
    expect(evals).toEqual([{ status: 'progress', jobId: 'xyz-1', done: 1, total: 4 }]);
    expect(jobs).toEqual([]);
    t.close();
  });

  it('delivers job events with their bytes, and fails pending calls when the socket closes', async () => {
    const t = open();
    const events: StudioJobEvent[] = [];
    t.onJobEvent((e) => events.push(e));
    FakeSocket.last.onopen?.();
    FakeSocket.last.reply({
      type: 'event',
      name: 'jobEvent',
      payload: {
        status: 'step',
        jobId: 'j',
        step: 1,
        totalSteps: 2,
        elapsedMs: 1,
        msPerStep: 1,
        preview: new Uint8Array([1, 2]),
      },
    });
    expect(events[0]).toMatchObject({ status: 'step', preview: new Uint8Array([1, 2]) });
    const pending = t.call('listModels');
    const states: string[] = [];
    t.onConnection((s) => states.push(s));
    FakeSocket.last.close();
    await expect(pending).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringMatching(/Lost the connection/),
    });
    await expect(t.call('listModels')).rejects.toBeInstanceOf(EmulsionError);
    expect(states).toEqual(['open', 'closed']);
    const before = FakeSocket.count;
    await waitFor(() => (FakeSocket.count > before ? true : undefined));
    expect(states.at(-1)).toBe('connecting');
    t.close();
  });

  it('addresses images through the server’s /image/ route', () => {
    const t = open();
    expect(t.imageUrl('/out/a b.png')).toBe('http://h/image/%2Fout%2Fa%20b.png');
    t.close();
  });
});

describe('createWsTransport() against the real server', () => {
  let server: RunningServer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await server?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('runs a job end to end through the contract, token in the URL', async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-wsi-'));
    await fs.mkdir(path.join(dir, 'r'));
    await fs.writeFile(path.join(dir, 'r', 'index.html'), '<!doctype html>');
    server = await startServer({
      engine: createFakeEngine(),
      rendererDir: path.join(dir, 'r'),
      dataDir: path.join(dir, 'd'),
    });
    const t = createWsTransport({
      url: `ws://127.0.0.1:${server.port}/ws?token=${server.token}`,
      httpBase: `http://127.0.0.1:${server.port}`,
      WebSocketImpl: WebSocket as never,
    });
    const events: StudioJobEvent[] = [];
    t.onJobEvent((e) => events.push(e));
    const { jobId } = await t.call('generate', BASE_REQUEST);
    const done = await waitFor(() => events.find((e) => e.status === 'done'));
    expect(done.jobId).toBe(jobId);
    expect(done.status === 'done' && done.result.images[0].png[0]).toBe(0x89);
    t.close();
  });
});
