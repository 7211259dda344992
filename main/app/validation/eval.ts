/**
 * Checks for the evaluation calls. Generation settings that reach the engine through an audit or
 * an XY/Z plot are limited to plain values (model, prompts, steps, CFG, sampler, size, seed
 * mode): no init, mask or ControlNet images, which the engine would read from a path. Models are
 * checked against the models list by the handlers; folders are confined there too.
 */
import { invalidArgument } from '../../../common/errors.ts';
import {
  AXIS_KIND_OPTIONS,
  type AbBenchmarkRequestDto,
  type AuditDefinitionDto,
  type XyzRequestDto,
} from '../../../common/ipc.ts';
import { EDGE_LIMITS } from './limits.ts';
import {
  absolutePath,
  arrayOf,
  integer,
  nullable,
  number,
  object,
  oneOf,
  recordOf,
  string,
  type Check,
} from './schema.ts';

/** Enough for the largest audits evaluation.md describes (153 occupations × 50 seeds × models). */
export const MAX_AUDIT_IMAGES = 1_000_000;

const text = string({ max: EDGE_LIMITS.maxPromptChars });
const size = integer(EDGE_LIMITS.minSize, EDGE_LIMITS.maxSize, 8);
const name = string({ min: 1, max: 200 });
const value = string({ min: 1, max: 200 });

/** Settings an audit or its variants may fix; prompt, seed and batch come from the audit. */
const settingsFields = {
  model: absolutePath(),
  negativePrompt: text,
  steps: integer(1, EDGE_LIMITS.maxSteps),
  cfg: number(0, EDGE_LIMITS.maxCfg),
  scheduler: string({ min: 1, max: 64 }),
  seedMode: oneOf(['emulsion', 'torch-cpu'] as const),
  width: size,
  height: size,
};
const optionalSettings = Object.keys(settingsFields) as (keyof typeof settingsFields)[];
export const evalSettings = object(settingsFields, optionalSettings);

const attribute = object(
  { name, values: arrayOf(value, 10), swatches: arrayOf(string({ min: 1, max: 64 }), 10) },
  ['swatches'],
);
const variant = object({
  id: string({ min: 1, max: 40, pattern: /^[A-Za-z0-9_-]+$/ }),
  label: name,
  settings: evalSettings,
});

const definitionShape = object({
  version: integer(1, 1),
  name,
  template: string({ min: 1, max: 2000 }),
  slots: recordOf(arrayOf(value, 1000), 8, /^[A-Za-z_][A-Za-z0-9_ -]{0,39}$/),
  seeds: arrayOf(integer(0, EDGE_LIMITS.maxSeed), 10_000),
  settings: evalSettings,
  variants: arrayOf(variant, 16),
  attributes: arrayOf(attribute, 16),
});

/** The shape, and a size the main process can plan without running out of memory. */
export const auditDefinition: Check<AuditDefinitionDto> = (input, field) => {
  const def = definitionShape(input, field) as AuditDefinitionDto;
  const cells = Object.values(def.slots).reduce((n, values) => n * Math.max(1, values.length), 1);
  const images = cells * def.seeds.length * Math.max(1, def.variants.length);
  if (images > MAX_AUDIT_IMAGES) {
    throw invalidArgument(
      'seeds',
      `${images} images`,
      `an audit of at most ${MAX_AUDIT_IMAGES} images (cells × seeds × models)`,
    );
  }
  return def;
};

const axis = object({ kind: oneOf(AXIS_KIND_OPTIONS), values: string({ min: 1, max: 2000 }) });
const xyzBase = object({ prompt: text, ...settingsFields, seed: integer(0, EDGE_LIMITS.maxSeed) }, [
  ...optionalSettings,
  'seed',
]);

export const xyzRequest: Check<XyzRequestDto> = object(
  { base: xyzBase, x: axis, y: axis, z: axis, out: absolutePath() },
  ['y', 'z'],
);

export const dir = absolutePath();
export const annotator = string({ min: 1, max: 40, pattern: /^(?!\.)[A-Za-z0-9._-]+$/ });
export const label = object({
  image: string({ min: 1, max: 300 }),
  attribute: name,
  value: nullable(value),
});
export const evalJobId = string({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
export const pairId = string({ min: 1, max: 200 });

/** PartiPrompts has 1,632 prompts; a benchmark of them all is the largest useful subset. */
export const MAX_BENCHMARK_PROMPTS = 1632;
/** Enough for every prompt × 4 seeds × 8 variants; more is a week of GPU time, not a session. */
export const MAX_BENCHMARK_IMAGES = 60_000;

const promptSubset = object(
  {
    categories: arrayOf(value, 32),
    challenges: arrayOf(value, 32),
    count: integer(1, MAX_BENCHMARK_PROMPTS),
    sampleSeed: integer(0, EDGE_LIMITS.maxSeed),
  },
  ['categories', 'challenges', 'sampleSeed'],
);

const benchmarkShape = object(
  {
    dir: absolutePath(),
    name,
    prompts: promptSubset,
    seeds: arrayOf(integer(0, EDGE_LIMITS.maxSeed), 100),
    settings: evalSettings,
    variants: arrayOf(variant, 8),
    annotator,
  },
  ['annotator'],
);

export const abBenchmarkRequest: Check<AbBenchmarkRequestDto> = (input, field) => {
  const request = benchmarkShape(input, field) as AbBenchmarkRequestDto;
  if (request.variants.length < 2) {
    throw invalidArgument(
      'variants',
      request.variants.map((v) => v.id),
      'two or more variants to compare',
    );
  }
  const images = request.prompts.count * request.seeds.length * request.variants.length;
  if (images > MAX_BENCHMARK_IMAGES) {
    throw invalidArgument(
      'prompts.count',
      `${images} images`,
      `a benchmark of at most ${MAX_BENCHMARK_IMAGES} images (prompts × seeds × variants)`,
    );
  }
  return request;
};
