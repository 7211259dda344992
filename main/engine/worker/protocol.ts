/** Messages between an EngineClient and the engine worker thread. */
import type { SerializedError } from '../../../common/errors.ts';
import type { JobEvent } from '../../../common/generation.ts';
import type { SafetySettings } from '../../../common/safety.ts';
import type { LogLevel, LogRecord } from '../log.ts';
import type { GenerateInput, WorkerSafetyOptions } from './types.ts';

export type ToWorker =
  | { type: 'generate'; jobId: string; input: GenerateInput }
  | { type: 'cancel'; jobId: string }
  | { type: 'call'; callId: number; method: 'listModels'; directories: string[] }
  | { type: 'call'; callId: number; method: 'configureSafety'; settings: SafetySettings }
  | { type: 'call'; callId: number; method: 'unloadModels' | 'providers' };

export type FromWorker =
  | { type: 'event'; event: JobEvent }
  | { type: 'reply'; callId: number; ok: true; value: unknown }
  | { type: 'reply'; callId: number; ok: false; error: SerializedError }
  | { type: 'log'; record: LogRecord };

export interface WorkerData {
  logLevel: LogLevel;
  safety?: WorkerSafetyOptions;
}
