/**
 * The server-mode transport: the contract's calls as JSON messages over one WebSocket to the
 * local server (main/server/). Calls made while connecting wait for the socket; calls pending
 * when it closes fail with a readable error. The socket reconnects with a capped backoff.
 */
import { EmulsionError } from '../../common/errors.ts';
import {
  decodeWire,
  encodeWire,
  serverImageUrl,
  type CallName,
  type Envelope,
  type EvalJobEventDto,
  type ServerMessage,
  type StudioJobEvent,
} from '../../common/ipc.ts';
import type { ConnectionState, Transport } from './types.ts';

export interface WsTransportOptions {
  /** e.g. `ws://127.0.0.1:7860/ws?token=…` */
  url: string;
  /** Base for `/image/…` URLs, e.g. `http://127.0.0.1:7860`. */
  httpBase: string;
  /** Injected in tests. */
  WebSocketImpl?: typeof WebSocket;
  /** Reconnect delays in ms; the last one repeats. */
  backoff?: readonly number[];
}

const CLOSED_ERROR = () =>
  new EmulsionError(
    'INTERNAL',
    'Lost the connection to the Emulsion server. Is `emulsion serve` still running?',
  );

export function createWsTransport(options: WsTransportOptions): Transport & { close(): void } {
  const Impl = options.WebSocketImpl ?? WebSocket;
  const backoff = options.backoff ?? [500, 1000, 2000, 5000];
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const jobListeners = new Set<(event: StudioJobEvent) => void>();
  const evalListeners = new Set<(event: EvalJobEventDto) => void>();
  const stateListeners = new Set<(state: ConnectionState) => void>();
  const outbox: string[] = [];
  let state: ConnectionState = 'connecting';
  let socket: WebSocket;
  let nextId = 1;
  let attempts = 0;
  let stopped = false;

  const setState = (next: ConnectionState) => {
    state = next;
    for (const l of stateListeners) l(next);
  };

  function onMessage(text: string) {
    const message = decodeWire(text) as ServerMessage;
    if (message.type === 'reply') {
      const call = pending.get(message.id);
      pending.delete(message.id);
      if (!call) return;
      const envelope = message.envelope as Envelope<unknown>;
      if (envelope.ok) call.resolve(envelope.value);
      else call.reject(EmulsionError.fromJSON(envelope.error));
    } else if (message.type === 'event' && message.name === 'jobEvent') {
      for (const l of jobListeners) l(message.payload as StudioJobEvent);
    } else if (message.type === 'event' && message.name === 'evalJobEvent') {
      for (const l of evalListeners) l(message.payload as EvalJobEventDto);
    }
  }

  function open() {
    socket = new Impl(options.url);
    socket.onopen = () => {
      attempts = 0;
      setState('open');
      for (const text of outbox.splice(0)) socket.send(text);
    };
    socket.onmessage = (e) => onMessage(String(e.data));
    socket.onclose = () => {
      for (const call of pending.values()) call.reject(CLOSED_ERROR());
      pending.clear();
      outbox.length = 0;
      setState('closed');
      if (stopped) return;
      const delay = backoff[Math.min(attempts++, backoff.length - 1)];
      setTimeout(() => {
        if (stopped) return;
        setState('connecting');
        open();
      }, delay);
    };
  }
  open();

  const transport = {
    mode: 'server' as const,
    canUseOsDialogs: false,
    call(name: CallName, ...request: unknown[]) {
      const id = nextId++;
      const text = encodeWire({ type: 'call', id, method: name, request: request[0] });
      return new Promise((resolve, reject) => {
        if (state === 'closed') return reject(CLOSED_ERROR());
        pending.set(id, { resolve, reject });
        if (state === 'open') socket.send(text);
        else outbox.push(text);
      });
    },
    onJobEvent(listener: (event: StudioJobEvent) => void) {
      jobListeners.add(listener);
      return () => jobListeners.delete(listener);
    },
    onEvalJobEvent(listener: (event: EvalJobEventDto) => void) {
      evalListeners.add(listener);
      return () => evalListeners.delete(listener);
    },
    imageUrl: (path: string, width?: number) => serverImageUrl(options.httpBase, path, width),
    onConnection(listener: (state: ConnectionState) => void) {
      stateListeners.add(listener);
      listener(state);
      return () => stateListeners.delete(listener);
    },
    close() {
      stopped = true;
      socket.close();
    },
  };
  return transport as unknown as Transport & { close(): void };
}

/** Reads the token from `?token=` and removes it from the address bar (the cookie keeps access). */
export function wsTransportFromLocation(location: Location, history: History): Transport {
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  if (token) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(null, '', location.pathname + (rest ? `?${rest}` : '') + location.hash);
  }
  const wsBase = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  return createWsTransport({
    url: token ? `${wsBase}?token=${encodeURIComponent(token)}` : wsBase,
    httpBase: `${location.protocol}//${location.host}`,
  });
}
