/** The desktop transport: a thin layer over the preload's `window.emulsion` bridge. */
import { EmulsionError } from '../../common/errors.ts';
import { imageUrl, type CallName, type EmulsionBridge, type Envelope } from '../../common/ipc.ts';
import type { Transport } from './types.ts';

declare global {
  interface Window {
    /** Present in the Electron app only (preload/index.ts); typed from the contract map. */
    emulsion?: EmulsionBridge;
  }
}

export function unwrap<T>(envelope: Envelope<T>): T {
  if (envelope.ok) return envelope.value;
  throw EmulsionError.fromJSON(envelope.error);
}

export function createIpcTransport(bridge: EmulsionBridge): Transport {
  return {
    mode: 'desktop',
    canUseOsDialogs: true,
    async call(name: CallName, ...request: unknown[]) {
      const fn = bridge[name] as (request: unknown) => Promise<Envelope<never>>;
      return unwrap(await fn(request[0]));
    },
    onJobEvent: (listener) => bridge.onJobEvent(listener),
    onEvalJobEvent: (listener) => bridge.onEvalJobEvent(listener),
    imageUrl,
    onConnection(listener) {
      listener('open');
      return () => undefined;
    },
  } as Transport;
}
