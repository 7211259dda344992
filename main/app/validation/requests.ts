/**
 * One validator per call in the contract. The mapped type makes the compiler insist that every
 * call in `CALLS` has one. These checks guard the process boundary (types, sizes, paths); the
 * engine still validates the generation request in full (main/engine/pipeline/validate.ts).
 */
import { invalidArgument } from '../../../common/errors.ts';
import type { CallName, CallRequest, StudioGenerateRequest } from '../../../common/ipc.ts';
import {
  absolutePath,
  arrayOf,
  bytes,
  fileName,
  integer,
  nothing,
  number,
  object,
  oneOf,
  recordOf,
  string,
  type Check,
} from './schema.ts';

/**
 * Edge limits. They match the engine's own limits (main/engine/pipeline/validate.ts) so a request
 * the UI can build is never refused here for a reason the engine would accept, and they keep
 * absurd payloads (a 1e9-step job, a 2 GB "image") from ever reaching the worker.
 */
export const EDGE_LIMITS = {
  maxPromptChars: 20000,
  maxSteps: 1000,
  maxCfg: 100,
  minSize: 64,
  maxSize: 4096,
  maxBatch: 64,
  maxSeed: 4294967295,
  /** 64 MiB: a 8192×8192 RGBA PNG without compression is 256 MiB, real photos are far smaller. */
  maxImageBytes: 64 * 1024 * 1024,
  maxControlUnits: 4,
} as const;

export const PROVIDERS = ['auto', 'cpu', 'cuda', 'dml', 'coreml', 'webgpu'] as const;
export const PREPROCESSORS = [
  'none',
  'canny',
  'scribble',
  'threshold',
  'invert',
  'depth',
  'pose',
] as const;

const text = string({ max: EDGE_LIMITS.maxPromptChars });
const modelPath = absolutePath();
const image = object({ data: bytes(EDGE_LIMITS.maxImageBytes), name: fileName() }, ['name']);
const fraction = number(0, 1);
const size = integer(EDGE_LIMITS.minSize, EDGE_LIMITS.maxSize, 8);

const controlUnit = object(
  {
    image,
    model: modelPath,
    preprocessor: oneOf(PREPROCESSORS),
    params: recordOf(number(-1e6, 1e6), 16, /^[A-Za-z][A-Za-z0-9_]{0,31}$/),
    scale: number(0, 2),
    start: fraction,
    end: fraction,
  },
  ['params'],
);

const generateShape = object(
  {
    model: modelPath,
    prompt: text,
    negativePrompt: text,
    steps: integer(1, EDGE_LIMITS.maxSteps),
    cfg: number(0, EDGE_LIMITS.maxCfg),
    scheduler: string({ min: 1, max: 64 }),
    seed: integer(0, EDGE_LIMITS.maxSeed),
    seedMode: oneOf(['emulsion', 'torch-cpu'] as const),
    width: size,
    height: size,
    batch: integer(1, EDGE_LIMITS.maxBatch),
    provider: oneOf(PROVIDERS),
    preview: oneOf(['off', 'latent'] as const),
    init: object({ image, strength: fraction, resize: oneOf(['crop', 'fit', 'stretch'] as const) }),
    control: arrayOf(controlUnit, EDGE_LIMITS.maxControlUnits),
    refiner: object({ model: modelPath, start: fraction }),
    hires: object({
      scale: number(1, 4),
      strength: fraction,
      steps: integer(1, EDGE_LIMITS.maxSteps),
      upscaler: oneOf(['latent', 'image'] as const),
    }),
  },
  ['model', 'init', 'control', 'refiner', 'hires'],
);

const generate: Check<StudioGenerateRequest> = (value, field) => {
  const request = generateShape(value, field);
  request.control?.forEach((unit, i) => {
    if (unit.start > unit.end) {
      throw invalidRange(`control[${i}].end`, unit.end, unit.start);
    }
  });
  return request;
};

function invalidRange(field: string, received: number, start: number) {
  return invalidArgument(field, received, `a number from ${start} (the unit's start) to 1`);
}

const jobId = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });

export const REQUEST_VALIDATORS: { [K in CallName]: Check<CallRequest<K>> } = {
  generate,
  cancel: object({ jobId }),
  listModels: nothing(),
  reloadModels: nothing(),
  chooseModelsFolder: nothing(),
  chooseOutputFolder: nothing(),
  listOutputs: nothing(),
  getSettings: nothing(),
  setSettings: object(
    { modelsFolder: absolutePath(), outputFolder: absolutePath(), provider: oneOf(PROVIDERS) },
    ['modelsFolder', 'outputFolder', 'provider'],
  ),
  openPath: object({ path: absolutePath() }),
  listSchedulers: nothing(),
  getProviders: nothing(),
};

/** Validates `payload` for `name`; the field path starts empty so errors name `steps`, not `request.steps`. */
export function validateRequest<K extends CallName>(name: K, payload: unknown): CallRequest<K> {
  return REQUEST_VALIDATORS[name](payload, '');
}
