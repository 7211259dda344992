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
import type {
  EngineClient,
  GenerateInput,
  JobHandle,
  ModelInfo,
  WorkerSafetyOptions,
} from './types.ts';

export interface EngineClientOptions {
  logLevel?: LogLevel;
  /** Receives the worker's log records; defaults to this process's log sink. */
  onLog?: (record: LogRecord) => void;
  /** Overrides the worker entry (Electron builds pass their bundled file). */
  workerUrl?: URL;
  /** The safety filter's starting settings and resources (see WorkerSafetyOptions). */
  safety?: WorkerSafetyOptions;
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

/** How long close() waits for running jobs to reach a step boundary before terminating. */
const CLOSE_GRACE_MS = 10_000;
const delay = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

export function createEngineClient(options: EngineClientOptions = {}): EngineClient {
  const entry = options.workerUrl ? { url: options.workerUrl, execArgv: [] } : defaultWorker();
  const data: WorkerData = {
    logLevel: options.logLevel ?? getLogLevel(),
    ...(options.safety ? { safety: options.safety } : {}),
  };
  const worker = new Worker(entry.url, { workerData: data, execArgv: entry.execArgv });
  const listeners = new Set<(e: JobEvent) => void>();
  const jobs = new Map<
    string,
    { resolve: (r: GenerateResult) => void; reject: (e: Error) => void; settled: Promise<void> }
  >();
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextCall = 1;
  let closed = false;
  /** Set once the worker has crashed or exited: every later call rejects with it at once. */
  let dead: EmulsionError | undefined;
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
    dead ??= new EmulsionError('INTERNAL', `The engine worker crashed: ${err.message}`);
    failAll(dead);
  });
  worker.on('exit', (code) => {
    dead ??= new EmulsionError('INTERNAL', `The engine worker exited with code ${code}.`);
    if (!closed) failAll(dead);
  });

  const send = (message: ToWorker) => worker.postMessage(message);
  const call = <T>(message: CallMessage): Promise<T> => {
    if (closed)
      return Promise.reject(new EmulsionError('INTERNAL', 'The engine client is closed.'));
    if (dead) return Promise.reject(dead);
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
        if (dead) return reject(dead);
        let markSettled!: () => void;
        const settled = new Promise<void>((done) => (markSettled = done));
        jobs.set(jobId, {
          resolve: (r) => (markSettled(), resolve(r)),
          reject: (e) => (markSettled(), reject(e)),
          settled,
        });
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
    configureSafety: (settings) =>
      call<void>({ type: 'call', method: 'configureSafety', settings }),
    async close() {
      if (closed) return;
      closed = true;
      if (dead) {
        failAll(dead);
        return;
      }
      // Terminating a worker while session.run is inside native code aborts the whole process
      // (a Napi::Error thrown across the thread teardown), so let running jobs stop at their
      // next step boundary first, with a time limit.
      const pending = [...jobs.values()].map((j) => j.settled);
      for (const jobId of jobs.keys()) send({ type: 'cancel', jobId });
      await Promise.race([Promise.allSettled(pending), delay(CLOSE_GRACE_MS)]);
      failAll(new EmulsionError('CANCELLED', 'The engine was closed.'));
      await worker.terminate();
    },
  };
}
