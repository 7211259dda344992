/**
 * One validator per call in the contract. The mapped type makes the compiler insist that every
 * call in `CALLS` has one. These checks guard the process boundary (types, sizes, paths); the
 * engine still validates the generation request in full (main/engine/pipeline/validate.ts).
 */
import { invalidArgument } from '../../../common/errors.ts';
import type { GalleryQuery } from '../../../common/gallery.ts';
import type { CallName, CallRequest, StudioGenerateRequest } from '../../../common/ipc.ts';
import { SETTINGS_SOURCES } from '../../metadata/settings.ts';
import * as evalChecks from './eval.ts';
import { EDGE_LIMITS } from './limits.ts';
import { safetyEvalRequest, safetyImageRef, safetySettings } from './safety.ts';
import {
  absolutePath,
  arrayOf,
  boolean,
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

export { EDGE_LIMITS } from './limits.ts';

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
    estimator: modelPath,
    scale: number(0, 2),
    start: fraction,
    end: fraction,
  },
  ['params', 'estimator'],
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
      // 0 repeats the request's step count, as A1111 does (common/generation.ts HiresFix).
      steps: integer(0, EDGE_LIMITS.maxSteps),
      upscaler: oneOf(['latent', 'latent-nearest', 'image'] as const),
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

/** Gallery ids are SQLite rowids: positive integers. */
const id = integer(1, Number.MAX_SAFE_INTEGER);
/** One page of the grid at most: a larger selection is deleted in several calls. */
const MAX_IDS = 1000;
const ids = arrayOf(id, MAX_IDS);
/** The gallery keeps tags up to 100 characters; leading or trailing space is refused, not trimmed. */
const tag = string({ min: 1, max: 100, pattern: /^(?!\s)[^\0-\x1f]*(?<!\s)$/ });
/** Dates from year 0 to 9999 in ms since the epoch: anything a date input can produce. */
const time = integer(-62167219200000, 253402300799999);

const galleryQueryShape = object(
  {
    text: string({ max: 1000 }),
    includeNegative: boolean(),
    model: string({ min: 1, max: 512 }),
    from: time,
    to: time,
    favourite: boolean(),
    tag,
    source: oneOf(SETTINGS_SOURCES),
    order: oneOf(['newest', 'oldest', 'relevance'] as const),
    offset: integer(0, 1_000_000_000),
    limit: integer(1, 1000),
  },
  [
    'text',
    'includeNegative',
    'model',
    'from',
    'to',
    'favourite',
    'tag',
    'source',
    'order',
    'offset',
    'limit',
  ],
);

const galleryQuery: Check<GalleryQuery> = (value, field) => {
  const query = galleryQueryShape(value, field);
  if (query.from !== undefined && query.to !== undefined && query.from > query.to) {
    throw invalidArgument('to', query.to, `a time at or after \`from\` (${query.from})`);
  }
  if (query.order === 'relevance' && !query.text?.trim()) {
    throw invalidArgument(
      'order',
      query.order,
      ['newest', 'oldest'],
      'Relevance needs search text.',
    );
  }
  return query;
};

const hintRequest = object(
  {
    image,
    preprocessor: oneOf(PREPROCESSORS),
    params: recordOf(number(-1e6, 1e6), 16, /^[A-Za-z][A-Za-z0-9_]{0,31}$/),
    width: size,
    height: size,
  },
  ['params'],
);

export const REQUEST_VALIDATORS: { [K in CallName]: Check<CallRequest<K>> } = {
  generate,
  cancel: object({ jobId }),
  listModels: nothing(),
  reloadModels: nothing(),
  listControlNets: nothing(),
  chooseModelsFolder: nothing(),
  chooseOutputFolder: nothing(),
  listOutputs: nothing(),
  getSettings: nothing(),
  setSettings: object(
    {
      modelsFolder: absolutePath(),
      outputFolder: absolutePath(),
      provider: oneOf(PROVIDERS),
      safety: safetySettings,
    },
    ['modelsFolder', 'outputFolder', 'provider', 'safety'],
  ),
  openPath: object({ path: absolutePath() }),
  listSchedulers: nothing(),
  getProviders: nothing(),
  previewControlHint: hintRequest,
  galleryQuery,
  galleryGet: object({ id }),
  galleryModels: nothing(),
  galleryTags: nothing(),
  gallerySetFavourite: object({ id, favourite: boolean() }),
  gallerySetTags: object({ id, tags: arrayOf(tag, 64) }),
  galleryDelete: object({ ids }),
  galleryListTrash: nothing(),
  galleryRestore: object({ trashIds: ids }),
  galleryEmptyTrash: nothing(),
  galleryRescan: nothing(),
  galleryUseSettings: object({ id }),
  galleryImage: object({ id }),
  readImageSettings: image,
  revealInFolder: object({ path: absolutePath() }),
  safetyTerms: nothing(),
  safetyReloadTerms: nothing(),
  safetyReveal: safetyImageRef,
  safetyKeepOriginal: safetyImageRef,
  safetyEval: safetyEvalRequest,
  evalWorkspace: nothing(),
  evalCancelJob: object({ jobId: evalChecks.evalJobId }),
  evalPlanAudit: evalChecks.auditDefinition,
  evalStartAudit: object({ dir: evalChecks.dir, definition: evalChecks.auditDefinition }),
  evalLabellingQueue: object({ dir: evalChecks.dir, annotator: evalChecks.annotator }),
  evalSaveLabel: object({
    dir: evalChecks.dir,
    annotator: evalChecks.annotator,
    label: evalChecks.label,
  }),
  evalWriteAuditReport: object({ dir: evalChecks.dir }),
  evalStartXyz: evalChecks.xyzRequest,
  evalXyzResult: object({ out: evalChecks.dir }),
  evalBenchmarkOptions: nothing(),
  evalStartBenchmark: evalChecks.abBenchmarkRequest,
  evalAbState: object({ dir: evalChecks.dir }),
  evalVote: object({
    dir: evalChecks.dir,
    pairId: evalChecks.pairId,
    choice: oneOf(['left', 'right', 'tie', 'skip'] as const),
  }),
  evalAbRanking: object({ dir: evalChecks.dir }),
};

/** Validates `payload` for `name`; the field path starts empty so errors name `steps`, not `request.steps`. */
export function validateRequest<K extends CallName>(name: K, payload: unknown): CallRequest<K> {
  return REQUEST_VALIDATORS[name](payload, '');
}
