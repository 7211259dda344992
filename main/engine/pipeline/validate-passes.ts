/**
 * Step 0 for the optional stages: ControlNet units, the refiner pass, hires fix and the inpainting
 * mask. Same rules as validate.ts: every bad field is an INVALID_ARGUMENT naming the field (as
 * `control[1].scale`, the path the studio's forms use), the value and what is allowed.
 */
import { invalidArgument } from '../../../common/errors.ts';
import type {
  ControlUnit,
  GenerateRequest,
  HiresFix,
  RefinerPass,
} from '../../../common/generation.ts';
import { PREPROCESSOR_PARAMS } from './control-preprocess.ts';

export const PASS_LIMITS = {
  maxControlUnits: 8,
  maxControlScale: 10,
  minHiresScale: 1,
  maxHiresScale: 4,
  maxHiresSteps: 1000,
  maxMaskBlur: 64,
  maxPadding: 1024,
} as const;

const PREPROCESSORS = Object.keys(PREPROCESSOR_PARAMS) as ControlUnit['preprocessor'][];
const UPSCALERS: readonly HiresFix['upscaler'][] = ['latent', 'latent-nearest', 'image'];

type ImageCheck = (field: string, value: unknown) => ControlUnit['image'];

function object(field: string, value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidArgument(field, value, what);
  }
  return value as Record<string, unknown>;
}

function fraction(field: string, value: unknown, min = 0, max = 1): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw invalidArgument(field, value, `a number from ${min} to ${max}`);
  }
  return value;
}

function location(field: string, value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw invalidArgument(field, value, what);
  return value;
}

function params(field: string, value: unknown, preprocessor: string): Record<string, number> {
  if (value === undefined) return {};
  const v = object(field, value, 'an object of numbers');
  const spec = PREPROCESSOR_PARAMS[preprocessor];
  const out: Record<string, number> = {};
  for (const [name, raw] of Object.entries(v)) {
    const range = spec[name];
    if (!range) {
      const known = Object.keys(spec);
      throw invalidArgument(
        `${field}.${name}`,
        raw,
        known.length ? `absent; ${preprocessor} takes ${known.join(', ')}` : 'absent',
      );
    }
    out[name] = fraction(`${field}.${name}`, raw, range[1], range[2]);
  }
  if (preprocessor === 'canny' && (out.low ?? spec.low[0]) > (out.high ?? spec.high[0])) {
    throw invalidArgument(
      `${field}.low`,
      out.low ?? spec.low[0],
      `at most high (${out.high ?? spec.high[0]})`,
    );
  }
  return out;
}

export function validateControl(value: unknown, image: ImageCheck): ControlUnit[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > PASS_LIMITS.maxControlUnits) {
    throw invalidArgument('control', value, `a list of 1 to ${PASS_LIMITS.maxControlUnits} units`);
  }
  return value.map((raw, i) => {
    const f = `control[${i}]`;
    const u = object(f, raw, 'an object with image, model, preprocessor, scale, start and end');
    const preprocessor = u.preprocessor ?? 'none';
    if (!PREPROCESSORS.includes(preprocessor as ControlUnit['preprocessor'])) {
      throw invalidArgument(`${f}.preprocessor`, preprocessor, PREPROCESSORS);
    }
    const unit: ControlUnit = {
      image: image(`${f}.image`, u.image),
      model: location(`${f}.model`, u.model, 'the folder of a ControlNet ONNX model'),
      preprocessor: preprocessor as ControlUnit['preprocessor'],
      scale: fraction(`${f}.scale`, u.scale ?? 1, 0, PASS_LIMITS.maxControlScale),
      start: fraction(`${f}.start`, u.start ?? 0),
      end: fraction(`${f}.end`, u.end ?? 1),
    };
    if (unit.start >= unit.end) {
      throw invalidArgument(`${f}.end`, unit.end, `greater than start (${unit.start})`);
    }
    const p = params(`${f}.params`, u.params, unit.preprocessor);
    if (Object.keys(p).length > 0) unit.params = p;
    if (u.estimator !== undefined) {
      unit.estimator = location(
        `${f}.estimator`,
        u.estimator,
        'the path of an estimator ONNX model',
      );
    }
    if ((unit.preprocessor === 'depth' || unit.preprocessor === 'pose') && !unit.estimator) {
      throw invalidArgument(
        `${f}.estimator`,
        undefined,
        'the path of an estimator ONNX model',
        `The ${unit.preprocessor} preprocessor runs an estimator you supply; or give a ready map ` +
          'with preprocessor "none".',
      );
    }
    return unit;
  });
}

export function validateRefiner(value: unknown): RefinerPass {
  const v = object('refiner', value, 'an object with model and start');
  const start = fraction('refiner.start', v.start ?? 0.8);
  if (start <= 0 || start >= 1) {
    throw invalidArgument('refiner.start', start, 'a fraction between 0 and 1 (exclusive)');
  }
  return { model: location('refiner.model', v.model, 'the folder of the refiner model'), start };
}

export function validateHires(
  value: unknown,
  request: Pick<GenerateRequest, 'width' | 'height'>,
  maxSize: number,
): HiresFix {
  const v = object('hires', value, 'an object with scale, strength, steps and upscaler');
  const scale = fraction(
    'hires.scale',
    v.scale,
    PASS_LIMITS.minHiresScale,
    PASS_LIMITS.maxHiresScale,
  );
  const strength = fraction('hires.strength', v.strength ?? 0.5);
  const steps = v.steps ?? 0;
  if (
    typeof steps !== 'number' ||
    !Number.isInteger(steps) ||
    steps < 0 ||
    steps > PASS_LIMITS.maxHiresSteps
  ) {
    throw invalidArgument(
      'hires.steps',
      steps,
      `an integer from 0 to ${PASS_LIMITS.maxHiresSteps}`,
      '0 uses the same steps as the first pass.',
    );
  }
  const upscaler = v.upscaler ?? 'latent';
  if (!UPSCALERS.includes(upscaler as HiresFix['upscaler'])) {
    throw invalidArgument('hires.upscaler', upscaler, UPSCALERS);
  }
  const target = Math.max(request.width, request.height) * scale;
  if (Math.round(target / 8) * 8 > maxSize) {
    throw invalidArgument(
      'hires.scale',
      scale,
      `at most ${Math.floor((maxSize / Math.max(request.width, request.height)) * 100) / 100} at this size`,
      `The target size may not exceed ${maxSize} px.`,
    );
  }
  return { scale, strength, steps, upscaler: upscaler as HiresFix['upscaler'] };
}

export function validateMask(
  value: unknown,
  image: ImageCheck,
): NonNullable<GenerateRequest['mask']> {
  const v = object('mask', value, 'an object with image, blur, onlyMasked and padding');
  const blur = fraction('mask.blur', v.blur ?? 4, 0, PASS_LIMITS.maxMaskBlur);
  const padding = v.padding ?? 32;
  if (
    typeof padding !== 'number' ||
    !Number.isInteger(padding) ||
    padding < 0 ||
    padding > PASS_LIMITS.maxPadding
  ) {
    throw invalidArgument(
      'mask.padding',
      padding,
      `an integer from 0 to ${PASS_LIMITS.maxPadding}`,
    );
  }
  const onlyMasked = v.onlyMasked ?? false;
  if (typeof onlyMasked !== 'boolean')
    throw invalidArgument('mask.onlyMasked', onlyMasked, 'true or false');
  return { image: image('mask.image', v.image), blur, onlyMasked, padding };
}

/** Combinations the pipeline does not run, refused with the reason. */
export function checkCombinations(request: GenerateRequest): void {
  if (request.mask && !request.init) {
    throw invalidArgument(
      'mask',
      'a mask without an init image',
      'given together with init',
      'Inpainting repaints part of the init image.',
    );
  }
  if (request.mask && request.hires) {
    throw invalidArgument(
      'hires',
      request.hires,
      'absent when inpainting',
      'Inpaint at the final size instead (or with onlyMasked).',
    );
  }
  if (request.mask && request.refiner) {
    throw invalidArgument('refiner', request.refiner, 'absent when inpainting');
  }
}
