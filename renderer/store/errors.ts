/**
 * Where an error shows. Errors whose field has a place in the UI show next to that field; the
 * rest (and errors without a field) show in the notice bar. Messages only: no stack traces.
 */
import { EmulsionError, isSerializedError, type SerializedError } from '../../common/errors.ts';

/** Field prefixes the create and settings views render next to a control. */
export const FIELD_PLACES = [
  'prompt',
  'negativePrompt',
  'model',
  'scheduler',
  'steps',
  'cfg',
  'seed',
  'seedMode',
  'width',
  'height',
  'batch',
  'init',
  'control',
  'refiner',
  'hires',
  'modelsFolder',
  'outputFolder',
  'provider',
  // The safety section of the settings view, and its safety-eval form.
  'safety',
  'imagesDir',
  'labelsFile',
  'targetRecall',
] as const;

export function hasPlace(field: string | undefined): boolean {
  if (!field) return false;
  return FIELD_PLACES.some(
    (p) => field === p || field.startsWith(`${p}.`) || field.startsWith(`${p}[`),
  );
}

export function toSerialized(err: unknown): SerializedError {
  if (err instanceof EmulsionError) return err.toJSON();
  if (isSerializedError(err)) return err;
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/** The first message for a field or any field below it (`init` finds `init.strength`). */
export function errorFor(
  errors: Record<string, string>,
  prefix: string,
  exact = false,
): string | null {
  if (errors[prefix]) return errors[prefix];
  if (exact) return null;
  const key = Object.keys(errors).find(
    (k) => k.startsWith(`${prefix}.`) || k.startsWith(`${prefix}[`),
  );
  return key ? errors[key] : null;
}
