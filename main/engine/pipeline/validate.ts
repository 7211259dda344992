/**
 * Step 0 of every job: validate the whole request once, at the edge, and fill defaults. Nothing
 * is clamped or guessed: a bad field is an INVALID_ARGUMENT naming the field, the value and what
 * is allowed.
 */
import { invalidArgument } from '../../../common/errors.ts';
import {
  DEFAULT_REQUEST,
  type GenerateRequest,
  type ImageSource,
  type InitImage,
  type PreviewMode,
  type ResizeMode,
  type SeedMode,
} from '../../../common/generation.ts';
import { validateProvider } from '../ort/providers.ts';
import { resolveSchedulerName } from '../schedulers/index.ts';
import { validatePolicy } from '../../safety/settings.ts';
import type { GenerateInput } from '../worker/types.ts';
import {
  checkCombinations,
  validateControl,
  validateHires,
  validateMask,
  validateRefiner,
} from './validate-passes.ts';

export const LIMITS = {
  maxSteps: 1000,
  maxCfg: 100,
  minSize: 64,
  maxSize: 4096,
  maxBatch: 64,
  maxSeed: 4294967295,
  maxPromptChars: 20000,
} as const;

const SEED_MODES: readonly SeedMode[] = ['emulsion', 'torch-cpu'];
const RESIZE_MODES: readonly ResizeMode[] = ['crop', 'fit', 'stretch'];
const PREVIEW_MODES: readonly PreviewMode[] = ['off', 'latent'];

function integer(field: string, value: unknown, min: number, max: number, hint?: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidArgument(field, value, `an integer from ${min} to ${max}`, hint);
  }
  return value;
}

function finite(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalidArgument(field, value, `a number from ${min} to ${max}`);
  }
  return value;
}

function text(field: string, value: unknown): string {
  if (typeof value !== 'string') throw invalidArgument(field, value, 'a string');
  if (value.length > LIMITS.maxPromptChars) {
    throw invalidArgument(
      field,
      `${value.length} characters`,
      `at most ${LIMITS.maxPromptChars} characters`,
    );
  }
  return value;
}

function size(field: string, value: unknown): number {
  const n = integer(field, value, LIMITS.minSize, LIMITS.maxSize);
  if (n % 8 !== 0) {
    const down = n - (n % 8);
    throw invalidArgument(
      field,
      value,
      'a multiple of 8',
      `The VAE works on 8×8 pixel cells; try ${down} or ${down + 8}.`,
    );
  }
  return n;
}

export function validateImageSource(field: string, value: unknown): ImageSource {
  if (typeof value === 'object' && value !== null) {
    const v = value as Record<string, unknown>;
    if (typeof v.path === 'string' && v.path.length > 0) return { path: v.path };
    if (v.data instanceof Uint8Array && v.data.length > 0) {
      return typeof v.name === 'string' ? { data: v.data, name: v.name } : { data: v.data };
    }
  }
  throw invalidArgument(field, value, '{ path: string } or { data: Uint8Array } with image bytes');
}

function validateInit(value: unknown): InitImage {
  if (typeof value !== 'object' || value === null) {
    throw invalidArgument('init', value, 'an object with image, strength and resize');
  }
  const v = value as Record<string, unknown>;
  const image = validateImageSource('init.image', v.image);
  const strength = finite('init.strength', v.strength, 0, 1);
  const resize = v.resize ?? 'crop';
  if (!RESIZE_MODES.includes(resize as ResizeMode)) {
    throw invalidArgument('init.resize', resize, RESIZE_MODES);
  }
  return { image, strength, resize: resize as ResizeMode };
}

/**
 * Returns a complete request; `model` is left as given (resolved later to the demo model).
 * `defaults` are the model family's (model/family.ts), for fields the input leaves out.
 */
export function validateRequest(
  input: GenerateInput,
  defaults: Partial<GenerateRequest> = {},
): GenerateRequest {
  if (typeof input !== 'object' || input === null) {
    throw invalidArgument('request', input, 'an object with at least a prompt');
  }
  const merged = { ...DEFAULT_REQUEST, ...defaults, ...stripUndefined(input) } as GenerateRequest;
  const request: GenerateRequest = {
    prompt: text('prompt', merged.prompt),
    negativePrompt: text('negativePrompt', merged.negativePrompt),
    steps: integer('steps', merged.steps, 1, LIMITS.maxSteps),
    cfg: finite('cfg', merged.cfg, 0, LIMITS.maxCfg),
    scheduler: typeof merged.scheduler === 'string' && merged.scheduler ? merged.scheduler : '',
    seed: integer('seed', merged.seed, 0, LIMITS.maxSeed),
    seedMode: merged.seedMode,
    width: size('width', merged.width),
    height: size('height', merged.height),
    batch: integer('batch', merged.batch, 1, LIMITS.maxBatch),
    provider: validateProvider(merged.provider),
    preview: merged.preview,
  };
  if (!PREVIEW_MODES.includes(request.preview)) {
    throw invalidArgument('preview', merged.preview, PREVIEW_MODES);
  }
  if (!request.scheduler) throw invalidArgument('scheduler', merged.scheduler, 'a scheduler name');
  // Resolve now so a typo fails before any model loads; the error lists every known name.
  resolveSchedulerName(request.scheduler, 'scheduler');
  if (!SEED_MODES.includes(request.seedMode)) {
    throw invalidArgument('seedMode', merged.seedMode, SEED_MODES);
  }
  if (merged.model !== undefined) {
    if (typeof merged.model !== 'string' || merged.model.length === 0) {
      throw invalidArgument('model', merged.model, 'the path of a model folder');
    }
    request.model = merged.model;
  }
  if (merged.init !== undefined) request.init = validateInit(merged.init);
  if (merged.safety !== undefined) request.safety = validatePolicy(merged.safety, 'safety');
  if (merged.mask !== undefined) request.mask = validateMask(merged.mask, validateImageSource);
  if (merged.control !== undefined) {
    request.control = validateControl(merged.control, validateImageSource);
  }
  if (merged.refiner !== undefined) request.refiner = validateRefiner(merged.refiner);
  if (merged.hires !== undefined) {
    request.hires = validateHires(merged.hires, request, LIMITS.maxSize);
  }
  checkCombinations(request);
  return request;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
