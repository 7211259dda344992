/**
 * The worker-thread side: owns an Engine, forwards its events and log records to the parent.
 * session.run blocks the thread that calls it, which is why inference lives here and not on the
 * Electron main thread (docs/onnx-contract.md §7).
 *
 * Safety settings. `configureSafety` gives the Engine its new safety settings once it is idle (no
 * job running or queued); the loaded models stay loaded. Jobs submitted while a
 * change is pending are held here and handed to the new Engine in order, so every job runs under
 * the settings in force when it was submitted, and never under a mix.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { EmulsionError, serializeError } from '../../../common/errors.ts';
import type { JobEvent } from '../../../common/generation.ts';
import type { SafetySettings } from '../../../common/safety.ts';
import { createSafetyFilter, validateSafetySettings } from '../../safety/index.ts';
import type { SafetyFilterConfig } from '../../safety/policy.ts';
import { Engine } from '../engine.ts';
import { setLogLevel, setLogSink } from '../log.ts';
import type { FromWorker, ToWorker, WorkerData } from './protocol.ts';
import { flagAllClassifier } from './test-classifier.ts';
import type { GenerateInput } from './types.ts';

if (!parentPort) throw new Error('main/engine/worker/host.ts must run in a worker thread');
const port = parentPort;
const post = (message: FromWorker) => port.postMessage(message);
const emit = (event: JobEvent) => post({ type: 'event', event });

const data = workerData as WorkerData;
setLogLevel(data.logLevel);
setLogSink((record) => post({ type: 'log', record }));

/** Everything but the settings stays the same across reconfigurations. */
const resources: SafetyFilterConfig = {
  ...(data.safety?.termsDir ? { termsDir: data.safety.termsDir } : {}),
  ...(data.safety?.classifierCacheDir
    ? { classifierCacheDir: data.safety.classifierCacheDir }
    : {}),
  ...(data.safety?.testClassifier === 'flag-all' ? { classifier: flagAllClassifier() } : {}),
};

function startEngine(settings: SafetySettings | undefined): { engine: Engine } {
  const engine = new Engine({ safety: { ...resources, ...(settings ? { settings } : {}) } });
  engine.onEvent(emit);
  return { engine };
}

const current = startEngine(data.safety?.settings);
/** Jobs handed to the current Engine that have not settled (running or queued there). */
let active = 0;
/** Settings waiting for the current Engine to become idle. */
let pending: SafetySettings | null = null;
let swapping = false;
/** Jobs submitted while a change is pending, in submission order. */
const held: { jobId: string; input: GenerateInput }[] = [];

function submit(jobId: string, input: GenerateInput): void {
  active++;
  current.engine
    .submit(jobId, input)
    // Settlement is reported through the done/error/cancelled events.
    .catch(() => undefined)
    .finally(() => {
      active--;
      if (active === 0 && pending) void swap();
    });
}

async function swap(): Promise<void> {
  if (swapping || !pending) return;
  swapping = true;
  const settings = pending;
  pending = null;
  // The models stay loaded: only the safety gate is rebuilt.
  await current.engine.configureSafety({ ...resources, settings });
  swapping = false;
  for (const job of held.splice(0)) submit(job.jobId, job.input);
  // Settings that arrived during the swap: apply them now (nothing has run in between).
  if (pending && active === 0) await swap();
}

/** Validates fully (term lists included) before anything changes; throws INVALID_ARGUMENT. */
async function configureSafety(settings: unknown): Promise<void> {
  const valid = validateSafetySettings(settings);
  // Loads the word lists now, so a broken user list is refused here rather than failing a job.
  await createSafetyFilter({ ...resources, settings: valid }).release();
  pending = valid;
  if (active === 0) await swap();
}

const isHolding = () => pending !== null || swapping;

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'generate':
      if (isHolding()) {
        held.push({ jobId: message.jobId, input: message.input });
        emit({ status: 'queued', jobId: message.jobId, position: active + held.length - 1 });
      } else submit(message.jobId, message.input);
      break;
    case 'cancel': {
      const index = held.findIndex((j) => j.jobId === message.jobId);
      if (index >= 0) {
        held.splice(index, 1);
        emit({ status: 'cancelled', jobId: message.jobId });
      } else current.engine.cancel(message.jobId);
      break;
    }
    case 'call':
      void answer(message);
      break;
  }
});

async function answer(message: Extract<ToWorker, { type: 'call' }>): Promise<void> {
  try {
    let value: unknown;
    const { engine } = current;
    if (message.method === 'listModels') value = await engine.listModels(message.directories);
    else if (message.method === 'unloadModels') value = await engine.unloadModels();
    else if (message.method === 'configureSafety') value = await configureSafety(message.settings);
    else if (message.method === 'providers') value = engine.providers();
    else throw new EmulsionError('INTERNAL', 'Unknown engine call.');
    post({ type: 'reply', callId: message.callId, ok: true, value });
  } catch (err) {
    post({ type: 'reply', callId: message.callId, ok: false, error: serializeError(err) });
  }
}
