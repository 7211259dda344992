/**
 * The host side of the engine worker. Runs main/engine/worker/host.ts in a worker thread: the
 * bundled .js next to this file in a build, or the .ts source through tsx's loader in development,
 * tests and the CLI.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { EmulsionError } from '../../../common/errors.ts';
import type {
  ExecutionProviderName,
  GenerateResult,
  JobEvent,
} from '../../../common/generation.ts';
import { getLogLevel, type LogLevel, type LogRecord, writeRecord } from '../log.ts';
import type { FromWorker, ToWorker, WorkerData } from './protocol.ts';
import type { EngineClient, GenerateInput, JobHandle, ModelInfo } from './types.ts';

export interface EngineClientOptions {
  logLevel?: LogLevel;
  /** Receives the worker's log records; defaults to this process's log sink. */
  onLog?: (record: LogRecord) => void;
  /** Overrides the worker entry (Electron builds pass their bundled file). */
  workerUrl?: URL;
}

function defaultWorker(): { url: URL; execArgv: string[] } {
  const js = new URL('./host.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { url: js, execArgv: [] };
  return { url: new URL('./dev-entry.mjs', import.meta.url), execArgv: [] };
}

type CallMessage =
  Extract<ToWorker, { type: 'call' }> extends infer M
    ? M extends { callId: number }
      ? Omit<M, 'callId'>
      : never
    : never;

export function createEngineClient(options: EngineClientOptions = {}): EngineClient {
  const entry = options.workerUrl ? { url: options.workerUrl, execArgv: [] } : defaultWorker();
  const data: WorkerData = { logLevel: options.logLevel ?? getLogLevel() };
  const worker = new Worker(entry.url, { workerData: data, execArgv: entry.execArgv });
  const listeners = new Set<(e: JobEvent) => void>();
  const jobs = new Map<
    string,
    { resolve: (r: GenerateResult) => void; reject: (e: Error) => void }
  >();
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextCall = 1;
  let closed = false;
  const logSink = options.onLog ?? writeRecord;

  const failAll = (error: EmulsionError) => {
    for (const job of jobs.values()) job.reject(error);
    for (const call of calls.values()) call.reject(error);
    jobs.clear();
    calls.clear();
  };

  worker.on('message', (message: FromWorker) => {
    if (message.type === 'log') {
      logSink(message.record);
      return;
    }
    if (message.type === 'reply') {
      const call = calls.get(message.callId);
      calls.delete(message.callId);
      if (!call) return;
      if (message.ok) call.resolve(message.value);
      else call.reject(EmulsionError.fromJSON(message.error));
      return;
    }
    const event = message.event;
    for (const listener of listeners) listener(event);
    const job = jobs.get(event.jobId);
    if (!job) return;
    if (event.status === 'done') job.resolve(event.result);
    else if (event.status === 'error') job.reject(EmulsionError.fromJSON(event.error));
    else if (event.status === 'cancelled')
      job.reject(new EmulsionError('CANCELLED', 'The job was cancelled.'));
    else return;
    jobs.delete(event.jobId);
  });
  worker.on('error', (err) => {
    failAll(new EmulsionError('INTERNAL', `The engine worker crashed: ${err.message}`));
  });
  worker.on('exit', (code) => {
    if (!closed)
      failAll(new EmulsionError('INTERNAL', `The engine worker exited with code ${code}.`));
  });

  const send = (message: ToWorker) => worker.postMessage(message);
  const call = <T>(message: CallMessage): Promise<T> => {
    if (closed)
      return Promise.reject(new EmulsionError('INTERNAL', 'The engine client is closed.'));
    const callId = nextCall++;
    return new Promise<T>((resolve, reject) => {
      calls.set(callId, { resolve: resolve as (v: unknown) => void, reject });
      send({ ...message, callId } as ToWorker);
    });
  };

  return {
    generate(input: GenerateInput): JobHandle {
      const jobId = randomUUID();
      const result = new Promise<GenerateResult>((resolve, reject) => {
        if (closed) return reject(new EmulsionError('INTERNAL', 'The engine client is closed.'));
        jobs.set(jobId, { resolve, reject });
        send({ type: 'generate', jobId, input });
      });
      return { jobId, result };
    },
    cancel: (jobId) => send({ type: 'cancel', jobId }),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    listModels: (directories) =>
      call<ModelInfo[]>({ type: 'call', method: 'listModels', directories }),
    unloadModels: () => call<void>({ type: 'call', method: 'unloadModels' }),
    providers: () => call<ExecutionProviderName[]>({ type: 'call', method: 'providers' }),
    async close() {
      if (closed) return;
      closed = true;
      failAll(new EmulsionError('CANCELLED', 'The engine was closed.'));
      await worker.terminate();
    },
  };
}
