/**
 * The WebSocket side of server mode: the same calls as Electron IPC, as JSON messages
 * (`encodeWire`/`decodeWire` keep byte arrays), and job events broadcast to every client.
 */
import type { WebSocket } from 'ws';
import { serializeError } from '../../common/errors.ts';
import {
  decodeWire,
  encodeWire,
  type ClientMessage,
  type ServerMessage,
} from '../../common/ipc.ts';
import type { Dispatch } from '../app/dispatch.ts';
import { isPlainObject } from '../app/validation/schema.ts';
import { createLogger } from '../engine/log.ts';

const log = createLogger('server');

/** Close code 1008 "policy violation" (RFC 6455 §7.4.1) for messages outside the protocol. */
export const POLICY_VIOLATION = 1008;

function parseMessage(text: string): ClientMessage | null {
  let value: unknown;
  try {
    value = decodeWire(text);
  } catch {
    return null;
  }
  if (!isPlainObject(value) || value.type !== 'call') return null;
  if (typeof value.id !== 'number' || !Number.isSafeInteger(value.id)) return null;
  if (typeof value.method !== 'string') return null;
  return { type: 'call', id: value.id, method: value.method, request: value.request };
}

export function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(encodeWire(message));
}

export function handleSocket(socket: WebSocket, dispatch: Dispatch): void {
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      socket.close(POLICY_VIOLATION, 'text messages only');
      return;
    }
    const message = parseMessage(data.toString());
    if (!message) {
      log.warn('Closing a WebSocket that sent a malformed message');
      socket.close(POLICY_VIOLATION, 'malformed message');
      return;
    }
    dispatch(message.method, message.request).then(
      (envelope) => send(socket, { type: 'reply', id: message.id, envelope }),
      (err) =>
        send(socket, {
          type: 'reply',
          id: message.id,
          envelope: { ok: false, error: serializeError(err) },
        }),
    );
  });
}
