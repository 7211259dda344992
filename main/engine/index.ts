/**
 * Emulsion's inference engine. Plain Node, no Electron: it runs in a worker thread of the Electron
 * main process, and in plain Node for the command line, the local server and the tests.
 */
export { Engine } from './engine.ts';
export { createEngineClient, type EngineClientOptions } from './worker/client.ts';
export type { EngineClient, GenerateInput, JobHandle, ModelInfo } from './worker/types.ts';
export { validateRequest, LIMITS } from './pipeline/validate.ts';
export { loadTokenizer } from './text/index.ts';
export {
  createScheduler,
  createSchedulerForModel,
  resolveSchedulerName,
  SCHEDULER_CATALOG,
  swapScheduler,
  swapSchedulerConfig,
} from './schedulers/index.ts';
export { createNoiseSource } from './random/index.ts';
export { createLogger, setLogLevel, setLogSink, type LogLevel, type LogRecord } from './log.ts';
export { describeModel, listModels } from './model/list.ts';
export { platformProviders, PROVIDER_NAMES } from './ort/providers.ts';
