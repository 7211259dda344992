/**
 * The worker-thread side: owns an Engine, forwards its events and log records to the parent.
 * session.run blocks the thread that calls it, which is why inference lives here and not on the
 * Electron main thread (docs/onnx-contract.md §7).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { serializeError } from '../../../common/errors.ts';
import { Engine } from '../engine.ts';
import { setLogLevel, setLogSink } from '../log.ts';
import type { FromWorker, ToWorker, WorkerData } from './protocol.ts';

if (!parentPort) throw new Error('main/engine/worker/host.ts must run in a worker thread');
const port = parentPort;
const post = (message: FromWorker) => port.postMessage(message);

setLogLevel((workerData as WorkerData).logLevel);
setLogSink((record) => post({ type: 'log', record }));

const engine = new Engine();
engine.onEvent((event) => post({ type: 'event', event }));

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'generate':
      // Settlement is reported through the done/error/cancelled events.
      engine.submit(message.jobId, message.input).catch(() => undefined);
      break;
    case 'cancel':
      engine.cancel(message.jobId);
      break;
    case 'call':
      void answer(message);
      break;
  }
});

async function answer(message: Extract<ToWorker, { type: 'call' }>): Promise<void> {
  try {
    let value: unknown;
    if (message.method === 'listModels') value = await engine.listModels(message.directories);
    else if (message.method === 'unloadModels') value = await engine.unloadModels();
    else value = engine.providers();
    post({ type: 'reply', callId: message.callId, ok: true, value });
  } catch (err) {
    post({ type: 'reply', callId: message.callId, ok: false, error: serializeError(err) });
  }
}
