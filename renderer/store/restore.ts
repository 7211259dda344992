/** "Use settings" on the form side: restored fields become a form patch, warnings a notice. */
import type { RestorableFields, StudioRestore } from '../../common/gallery.ts';
import type { Notice, StudioForm } from './types.ts';

/**
 * The form patch for restored fields. Fields the image does not carry keep their values, except
 * hires fix and the refiner: an image made without them is reproduced with them off.
 */
export function applyRestoreToForm(form: StudioForm, f: RestorableFields): Partial<StudioForm> {
  const patch: Partial<StudioForm> = {};
  if (f.prompt !== undefined) patch.prompt = f.prompt;
  if (f.negativePrompt !== undefined) patch.negativePrompt = f.negativePrompt;
  if (f.steps !== undefined) patch.steps = f.steps;
  if (f.cfg !== undefined) patch.cfg = f.cfg;
  if (f.scheduler !== undefined) patch.scheduler = f.scheduler;
  if (f.seedMode !== undefined) patch.seedMode = f.seedMode;
  if (f.width !== undefined) patch.width = f.width;
  if (f.height !== undefined) patch.height = f.height;
  if (f.seed !== undefined) {
    patch.seedChoice = 'fixed';
    patch.seed = f.seed;
  }
  patch.hires = f.hires ? { enabled: true, ...f.hires } : { ...form.hires, enabled: false };
  patch.refiner = f.refiner
    ? { enabled: true, model: f.refiner.model, start: f.refiner.start }
    : { ...form.refiner, enabled: false };
  return patch;
}

export function restoreNotice(restore: StudioRestore, from: string): Notice {
  return {
    kind: 'info',
    message: `Settings restored from ${from}.`,
    details: restore.warnings.length > 0 ? restore.warnings : undefined,
  };
}
