/**
 * "Use settings": normalised settings from any source -> the request fields the studio can fill
 * in, with a warning for everything that cannot be carried over. Sampler names are matched against
 * the scheduler catalog in each tool's spelling: A1111 before 1.9 ("DPM++ 2M Karras"), A1111 1.9+
 * (Sampler "DPM++ 2M" + Schedule type "Karras"), ComfyUI ("dpmpp_2m" + "karras") and InvokeAI
 * ("dpmpp_2m_k", where "_k" means Karras sigmas).
 */
import type { GenerateRequest, HiresFix } from '../../common/generation.ts';
import { SCHEDULER_CATALOG, type CatalogEntry } from '../engine/schedulers/catalog.ts';
import type { ImageSettings, ModelIdentity, SettingsSource } from './settings.ts';

export interface RestoredSettings {
  /** Fields to apply to the studio's form; fields left out keep their current values. */
  request: Partial<GenerateRequest>;
  /** The model to look for among installed models (by hash first, then by name). */
  model?: ModelIdentity;
  warnings: string[];
}

/** InvokeAI scheduler names that differ from the catalog's aliases (after removing "_k"). */
const INVOKE_NAMES: Record<string, string> = {
  euler_a: 'Euler a',
  kdpm_2: 'DPM2',
  kdpm_2_a: 'DPM2 a',
  unipc: 'UniPC',
};

/** Schedules that mean "the sampler's own default": A1111 Automatic, ComfyUI normal. */
const DEFAULT_SCHEDULES = new Set(['automatic', 'normal', 'default']);

const lower = (s: string) => s.trim().toLowerCase();

function byName(name: string): CatalogEntry | undefined {
  const n = lower(name);
  return (
    SCHEDULER_CATALOG.find((e) => lower(e.label) === n) ??
    SCHEDULER_CATALOG.find((e) => e.aliases?.some((a) => lower(a) === n))
  );
}

function withSchedule(entry: CatalogEntry, schedule: string): CatalogEntry | undefined {
  return SCHEDULER_CATALOG.find(
    (e) => e.a1111.sampler === entry.a1111.sampler && lower(e.a1111.scheduleType) === schedule,
  );
}

/** The catalog label for a source's sampler and schedule names, or a reason it has none. */
export function matchScheduler(
  sampler: string,
  scheduleType?: string,
): string | { reason: string } {
  const schedule = scheduleType === undefined ? 'automatic' : lower(scheduleType);
  let name = sampler;
  let karras = false;
  const invoke = /^(.*)_k$/.exec(lower(sampler));
  if (invoke && !byName(sampler)) {
    name = invoke[1];
    karras = true;
  }
  name = INVOKE_NAMES[lower(name)] ?? name;
  // A1111 1.9+: the pair (Sampler, Schedule type) names the entry directly.
  const pair = SCHEDULER_CATALOG.find(
    (e) => lower(e.a1111.sampler) === lower(name) && lower(e.a1111.scheduleType) === schedule,
  );
  if (pair && !karras) return pair.label;
  const entry = byName(name);
  if (!entry) return { reason: `Sampler "${sampler}" has no equivalent in Emulsion.` };
  const wanted = karras ? 'karras' : schedule;
  if (DEFAULT_SCHEDULES.has(wanted)) return entry.label;
  const scheduled = withSchedule(entry, wanted);
  if (scheduled) return scheduled.label;
  return { reason: `Schedule "${scheduleType ?? 'Karras'}" is not available for ${entry.label}.` };
}

function hiresFrom(s: ImageSettings, warnings: string[]): HiresFix | undefined {
  const h = s.hires;
  if (!h) return undefined;
  if (h.scale === undefined || h.strength === undefined) {
    warnings.push(
      'Hires fix settings are incomplete (scale or strength missing); hires fix was left off.',
    );
    return undefined;
  }
  // A1111 writes no "Hires steps" when the second pass uses the same count as the first.
  const steps = h.steps ?? s.steps;
  if (steps === undefined) return undefined;
  const upscaler = /^latent/i.test(h.upscaler ?? 'latent') ? 'latent' : 'image';
  if (upscaler === 'image' && h.upscaler && h.upscaler !== 'image') {
    warnings.push(
      `Hires upscaler "${h.upscaler}" is not available; Emulsion's image upscaler is used.`,
    );
  }
  return { scale: h.scale, strength: h.strength, steps, upscaler };
}

/** The request fields to restore from an image's settings, with warnings for what is left out. */
export function settingsToRequest(
  settings: ImageSettings,
  source: SettingsSource,
): RestoredSettings {
  const warnings: string[] = [];
  if (source === 'emulsion' && settings.request) {
    const { init, mask, control, ...rest } = settings.request;
    const request: Partial<GenerateRequest> = { ...rest };
    if (init && 'path' in init.image) request.init = { ...init, image: init.image };
    else if (init)
      warnings.push('The init image was given as pasted bytes; drop it again to reuse it.');
    if (mask && 'path' in mask.image) request.mask = { ...mask, image: mask.image };
    else if (mask) warnings.push('The mask was given as pasted bytes; draw or drop it again.');
    const units = control?.filter((u) => 'path' in u.image);
    if (units && units.length > 0)
      request.control = units.map((u) => ({ ...u, image: u.image as { path: string } }));
    if (control && units && units.length < control.length) {
      warnings.push(
        'Some control images were given as pasted bytes; drop them again to reuse them.',
      );
    }
    return { request, model: settings.model, warnings };
  }
  const request: Partial<GenerateRequest> = {
    prompt: settings.prompt,
    negativePrompt: settings.negativePrompt,
  };
  if (settings.steps !== undefined) request.steps = settings.steps;
  if (settings.cfg !== undefined) request.cfg = settings.cfg;
  if (settings.seed !== undefined) request.seed = settings.seed;
  if (settings.width !== undefined) request.width = settings.width;
  if (settings.height !== undefined) request.height = settings.height;
  if (settings.sampler) {
    const match = matchScheduler(settings.sampler, settings.scheduleType);
    if (typeof match === 'string') request.scheduler = match;
    else warnings.push(`${match.reason} The current scheduler was kept.`);
  }
  if (settings.seedMode) request.seedMode = settings.seedMode;
  else if (source === 'a1111' && settings.seed !== undefined) {
    warnings.push(
      'The image used GPU noise; Emulsion reproduces torch CPU noise only, so the same seed gives a different image.',
    );
  }
  const hires = hiresFrom(settings, warnings);
  if (hires) request.hires = hires;
  if (settings.denoisingStrength !== undefined) {
    warnings.push(
      `It was an img2img image (strength ${settings.denoisingStrength}); give an init image to reuse that.`,
    );
  }
  if (settings.clipSkip !== undefined && settings.clipSkip > 1) {
    warnings.push(`Clip skip ${settings.clipSkip} is not supported; it was ignored.`);
  }
  if (settings.control?.length)
    warnings.push('ControlNet units are not restored from other tools; add them again.');
  if (settings.refiner?.model && settings.refiner.model !== 'None') {
    warnings.push(
      `The refiner "${settings.refiner.model}" is not restored from other tools; pick it again.`,
    );
  }
  return { request, model: settings.model, warnings };
}
