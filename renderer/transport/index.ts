import { createIpcTransport } from './ipc.ts';
import type { Transport } from './types.ts';
import { wsTransportFromLocation } from './ws.ts';

/** Electron when the preload bridge is there, the local server's WebSocket otherwise. */
export function pickTransport(win: Window): Transport {
  return win.emulsion
    ? createIpcTransport(win.emulsion)
    : wsTransportFromLocation(win.location, win.history);
}

export type { ConnectionState, Transport } from './types.ts';
