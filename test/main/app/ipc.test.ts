import { describe, expect, it } from 'vitest';
import { CALL_NAMES, callChannel, eventChannel } from '../../../common/ipc.ts';
import { jobEventSender, registerIpcHandlers } from '../../../main/app/ipc.ts';
import { createAppUrlCheck, isTrustedFrame } from '../../../main/app/security.ts';
import { FakeIpcMain, FakeWebContents } from './fakes/electron.ts';

const APP = 'file:///app/out/renderer/index.html';
const isApp = createAppUrlCheck({ file: '/app/out/renderer/index.html' });
const trusted = (e: { senderFrame: unknown }) => isTrustedFrame(e.senderFrame as never, isApp);

function setup() {
  const ipc = new FakeIpcMain();
  const calls: [string, unknown][] = [];
  const dispose = registerIpcHandlers(
    ipc as unknown as Parameters<typeof registerIpcHandlers>[0],
    async (name, payload) => {
      calls.push([name, payload]);
      return { ok: true, value: 'ran' };
    },
    trusted,
  );
  return { ipc, calls, dispose };
}

describe('registerIpcHandlers()', () => {
  it('registers exactly one namespaced channel per call', () => {
    const { ipc } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(CALL_NAMES.map(callChannel).sort());
  });

  it('passes payloads from the app frame to the dispatcher', async () => {
    const { ipc, calls } = setup();
    const reply = await ipc.invoke(
      callChannel('cancel'),
      { url: APP, parent: null },
      { jobId: 'j1' },
    );
    expect(reply).toEqual({ ok: true, value: 'ran' });
    expect(calls).toEqual([['cancel', { jobId: 'j1' }]]);
  });

  it('refuses calls from an iframe, a foreign page or a missing frame without dispatching', async () => {
    const { ipc, calls } = setup();
    for (const frame of [
      { url: APP, parent: {} },
      { url: 'https://evil.example/', parent: null },
      null,
    ]) {
      const reply = await ipc.invoke(callChannel('getSettings'), frame);
      expect(reply).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT', field: 'sender' },
      });
    }
    expect(calls).toEqual([]);
  });

  it('removes every handler on dispose', () => {
    const { ipc, dispose } = setup();
    dispose();
    expect(ipc.handlers.size).toBe(0);
  });
});

describe('jobEventSender()', () => {
  it('sends job events on the event channel and skips a destroyed window', () => {
    const contents = new FakeWebContents();
    const send = jobEventSender(() => contents);
    send({ status: 'queued', jobId: 'j1', position: 0 });
    contents.destroyed = true;
    send({ status: 'cancelled', jobId: 'j1' });
    expect(contents.sent).toEqual([
      {
        channel: eventChannel('jobEvent'),
        payload: { status: 'queued', jobId: 'j1', position: 0 },
      },
    ]);
  });
});
