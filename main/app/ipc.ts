/**
 * Electron IPC wiring: one `ipcMain.handle` per call in the contract, each checking the sender
 * frame before the payload reaches the dispatcher; job events pushed to the window.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import {
  CALL_NAMES,
  callChannel,
  eventChannel,
  type Envelope,
  type EventName,
  type EventPayload,
  type StudioJobEvent,
} from '../../common/ipc.ts';
import { createLogger } from '../engine/log.ts';
import type { Dispatch } from './dispatch.ts';

const log = createLogger('ipc');

type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler'>;
type SenderCheck = (event: Pick<IpcMainInvokeEvent, 'senderFrame'>) => boolean;

const UNTRUSTED: Envelope<never> = {
  ok: false,
  error: {
    code: 'INVALID_ARGUMENT',
    message: 'This call came from a frame that is not the app.',
    field: 'sender',
  },
};

/** Registers every call; returns a function that removes them again. */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  dispatch: Dispatch,
  isTrusted: SenderCheck,
): () => void {
  for (const name of CALL_NAMES) {
    ipcMain.handle(callChannel(name), async (event, payload: unknown) => {
      if (!isTrusted(event)) {
        log.warn(`Refused ${name} from an unknown frame: ${event.senderFrame?.url ?? 'none'}`);
        return UNTRUSTED;
      }
      return dispatch(name, payload);
    });
  }
  return () => {
    for (const name of CALL_NAMES) ipcMain.removeHandler(callChannel(name));
  };
}

type EventTarget = () => {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
} | null;

/** Sends one kind of event to a window while it exists. */
export function eventSender<K extends EventName>(
  name: K,
  target: EventTarget,
): (payload: EventPayload<K>) => void {
  return (payload) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(eventChannel(name), payload);
  };
}

/** Sends job events to a window while it exists. */
export function jobEventSender(target: EventTarget): (event: StudioJobEvent) => void {
  return eventSender('jobEvent', target);
}
