import { describe, expect, it } from 'vitest';
import { CALL_NAMES, callChannel, eventChannel } from '../../common/ipc.ts';
import { createBridge } from '../../preload/bridge.ts';

type Listener = (event: unknown, payload: unknown) => void;

function fakeIpc() {
  const invoked: [string, unknown][] = [];
  const listeners = new Map<string, Set<Listener>>();
  return {
    invoked,
    listeners,
    invoke: async (channel: string, payload: unknown) => {
      invoked.push([channel, payload]);
      return { ok: true, value: channel };
    },
    on(channel: string, listener: Listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(listener);
      return this;
    },
    removeListener(channel: string, listener: Listener) {
      listeners.get(channel)?.delete(listener);
      return this;
    },
    emit(channel: string, payload: unknown) {
      for (const l of listeners.get(channel) ?? []) l({ sender: 'secret ipcRenderer' }, payload);
    },
  };
}

describe('createBridge()', () => {
  it('exposes exactly one function per call plus onJobEvent and onEvalJobEvent, and is frozen', () => {
    const bridge = createBridge(fakeIpc() as never);
    expect(Object.keys(bridge).sort()).toEqual(
      [...CALL_NAMES, 'onJobEvent', 'onEvalJobEvent'].sort(),
    );
    expect(Object.isFrozen(bridge)).toBe(true);
    expect(Object.values(bridge).every((v) => typeof v === 'function')).toBe(true);
  });

  it('invokes the namespaced channel of each call with the payload', async () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc as never);
    expect(await bridge.cancel({ jobId: 'j1' })).toEqual({
      ok: true,
      value: callChannel('cancel'),
    });
    await bridge.listModels();
    expect(ipc.invoked).toEqual([
      [callChannel('cancel'), { jobId: 'j1' }],
      [callChannel('listModels'), undefined],
    ]);
  });

  it('delivers event payloads without the IPC event, and unsubscribes', () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc as never);
    const got: unknown[][] = [];
    const off = bridge.onJobEvent((...args: unknown[]) => got.push(args));
    ipc.emit(eventChannel('jobEvent'), { status: 'queued', jobId: 'j1', position: 0 });
    off();
    ipc.emit(eventChannel('jobEvent'), { status: 'cancelled', jobId: 'j1' });
    expect(got).toEqual([[{ status: 'queued', jobId: 'j1', position: 0 }]]);
    expect(ipc.listeners.get(eventChannel('jobEvent'))?.size).toBe(0);
  });

  it('delivers evaluation job events on their own channel', () => {
    const ipc = fakeIpc();
    const bridge = createBridge(ipc as never);
    const got: unknown[] = [];
    const off = bridge.onEvalJobEvent((e) => got.push(e));
    ipc.emit(eventChannel('jobEvent'), { status: 'cancelled', jobId: 'j1' });
    ipc.emit(eventChannel('evalJobEvent'), { status: 'running', jobId: 'xyz-1' });
    off();
    expect(got).toEqual([{ status: 'running', jobId: 'xyz-1' }]);
    expect(eventChannel('evalJobEvent')).toBe('emulsion:event:evalJobEvent');
  });

  it('refuses a listener that is not a function', () => {
    const bridge = createBridge(fakeIpc() as never);
    expect(() => bridge.onJobEvent('alert(1)' as never)).toThrow(TypeError);
  });
});
