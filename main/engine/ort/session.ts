/**
 * Loading ONNX sessions by path (so ORT finds external weights: model.onnx_data, weights.pb or
 * model.onnx.data) and running them with timing. Failures become coded errors that name the file,
 * never a raw onnxruntime stack trace.
 */
import { existsSync, statSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { EmulsionError } from '../../../common/errors.ts';
import type { ExecutionProviderName } from '../../../common/generation.ts';
import { createLogger, ortLogSeverity } from '../log.ts';
import { ortProviderName, providerCandidates } from './providers.ts';
import { tensorMetadata, type TensorMeta } from './tensors.ts';

const log = createLogger('ort');

export interface LoadedSession {
  file: string;
  /** Component name for messages, e.g. `unet`. */
  component: string;
  provider: string;
  inputs: TensorMeta[];
  outputs: TensorMeta[];
  loadMs: number;
  /** Why the requested provider could not start, when this session fell back to the CPU. */
  fallback?: string;
  run(
    feeds: Record<string, ort.Tensor>,
    outputNames?: string[],
  ): Promise<Record<string, ort.Tensor>>;
  release(): Promise<void>;
}

/** Accumulates time spent inside session.run, for `timings.sessionRunMs`. */
export interface RunClock {
  sessionRunMs: number;
}

function sessionOptions(provider: string): ort.InferenceSession.SessionOptions {
  const options: ort.InferenceSession.SessionOptions = {
    executionProviders: [provider],
    graphOptimizationLevel: 'all',
    logSeverityLevel: ortLogSeverity(),
  };
  // DirectML needs sequential execution without memory patterns (onnxruntime DirectML EP docs).
  if (provider === 'dml') {
    options.enableMemPattern = false;
    options.executionMode = 'sequential';
  }
  return options;
}

function describeLoadFailure(file: string, component: string, err: unknown): EmulsionError {
  const reason = oneLine(err);
  return new EmulsionError(
    'MODEL_INVALID',
    `${component}: ${file} is not a loadable ONNX model (${reason.trim()}). Re-export or re-download this component.`,
    { file },
  );
}

export async function loadSession(
  file: string,
  component: string,
  requested: ExecutionProviderName,
  clock: RunClock,
): Promise<LoadedSession> {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new EmulsionError('MODEL_INVALID', `${component}: ${file} is missing.`, { file });
  }
  const started = performance.now();
  let session: ort.InferenceSession | undefined;
  let used = '';
  let lastError: unknown;
  let fallback: string | undefined;
  // ORT's own C++ logger prints provider failures in red on stderr; we report them ourselves.
  ort.env.logLevel = ortLogSeverity() <= 1 ? 'warning' : 'fatal';
  for (const candidate of providerCandidates(requested)) {
    const name = ortProviderName(candidate);
    try {
      session = await ort.InferenceSession.create(file, sessionOptions(name));
      used = candidate;
      break;
    } catch (err) {
      lastError = err;
      if (candidate === 'cpu') break;
      const reason = oneLine(err);
      fallback = `${candidate} could not start (${reason}); running on CPU`;
      log.warn(`${candidate} provider failed to start for ${component}; falling back to CPU`, {
        reason,
      });
    }
  }
  if (!session) throw describeLoadFailure(file, component, lastError);
  const loadMs = performance.now() - started;
  log.info(`loaded ${component}`, { file, provider: used, ms: Math.round(loadMs) });
  const loaded = session;
  return {
    file,
    component,
    provider: used,
    inputs: tensorMetadata(loaded.inputMetadata),
    outputs: tensorMetadata(loaded.outputMetadata),
    loadMs,
    ...(fallback ? { fallback } : {}),
    async run(feeds, outputNames) {
      const t0 = performance.now();
      try {
        return outputNames ? await loaded.run(feeds, outputNames) : await loaded.run(feeds);
      } catch (err) {
        const reason = oneLine(err);
        log.error(`${component} run failed`, { reason });
        throw new EmulsionError('INTERNAL', `${component} failed while running: ${reason}`, {
          file,
        });
      } finally {
        clock.sessionRunMs += performance.now() - t0;
      }
    },
    release: () => loaded.release(),
  };
}

/** ORT messages span lines (e.g. "...for the following indices\n index: 2 Got: 16"); keep them whole. */
function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
