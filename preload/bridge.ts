/**
 * Builds the `window.emulsion` API from the contract: one function per call, one `on<Event>`
 * subscription per event. The renderer never sees `ipcRenderer`, channel names or Electron's
 * event objects, and can only reach the channels the contract names.
 */
import type { IpcRenderer, IpcRendererEvent } from 'electron';
import {
  CALL_NAMES,
  EVENT_NAMES,
  callChannel,
  eventChannel,
  listenerName,
  type EmulsionBridge,
} from '../common/ipc.ts';

export type IpcRendererLike = Pick<IpcRenderer, 'invoke' | 'on' | 'removeListener'>;

export function createBridge(ipc: IpcRendererLike): EmulsionBridge {
  const api: Record<string, unknown> = {};
  for (const name of CALL_NAMES) {
    api[name] = (request?: unknown) => ipc.invoke(callChannel(name), request);
  }
  for (const name of EVENT_NAMES) {
    api[listenerName(name)] = (listener: unknown) => {
      if (typeof listener !== 'function')
        throw new TypeError(`${listenerName(name)} needs a function`);
      const channel = eventChannel(name);
      // Wrapped so the renderer gets the payload only, never the IpcRendererEvent (and its sender).
      const wrapped = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
      ipc.on(channel, wrapped);
      return () => {
        ipc.removeListener(channel, wrapped);
      };
    };
  }
  return Object.freeze(api) as EmulsionBridge;
}
