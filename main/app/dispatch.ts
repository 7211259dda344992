/**
 * The single entry for every call, whatever the transport: look the call up, validate the payload,
 * run the handler, and wrap the outcome in an Envelope. Nothing thrown escapes as a native Error.
 */
import {
  formatValue,
  invalidArgument,
  serializeError,
  type SerializedError,
} from '../../common/errors.ts';
import { CALL_NAMES, type CallName, type Envelope } from '../../common/ipc.ts';
import { createLogger } from '../engine/log.ts';
import type { StudioHandlers } from './studio.ts';
import { validateRequest } from './validation/requests.ts';

const log = createLogger('dispatch');

export type Dispatch = (name: string, payload: unknown) => Promise<Envelope<unknown>>;

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && (CALL_NAMES as string[]).includes(name);
}

export function createDispatch(handlers: StudioHandlers): Dispatch {
  return async (name, payload) => {
    try {
      if (!isCallName(name)) throw invalidArgument('method', name, CALL_NAMES);
      const request = validateRequest(name, payload);
      const handler = handlers[name] as (request: unknown) => Promise<unknown>;
      return { ok: true, value: await handler(request) };
    } catch (err) {
      const error = compact(serializeError(err));
      const level = error.code === 'INTERNAL' || error.code === 'IO_ERROR' ? 'error' : 'info';
      log[level](`${String(name)} failed: ${error.code} ${error.message}`);
      return { ok: false, error };
    }
  };
}

/** Echoing a rejected 60 MB payload back to the renderer helps nobody: keep `received` short. */
function compact(error: SerializedError): SerializedError {
  const r = error.received;
  if (r === null || (typeof r !== 'object' && typeof r !== 'string')) return error;
  if (typeof r === 'string' && r.length <= 200) return error;
  return { ...error, received: formatValue(r) };
}
