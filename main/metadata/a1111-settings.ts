/**
 * A1111 infotext -> normalised settings. Known keys are mapped; everything else is kept verbatim
 * in `extra`, so nothing a Forge or Fooocus extension wrote is lost on the way to the gallery.
 */
import { findPairs, parseInfotext, unquoteValue } from './a1111.ts';
import {
  compact,
  emptySettings,
  toNumber,
  type ControlSettings,
  type ImageSettings,
} from './settings.ts';

const SIZE = /^(\d+)x(\d+)$/;
const NAME_WITH_HASH = /^(.*?)\s*\[([0-9a-fA-F]+)\]$/;

/** Keys this module maps; the rest go to `extra`. */
const MAPPED = new Set([
  'Steps',
  'Sampler',
  'Schedule type',
  // Fooocus's A1111 scheme (modules/meta_parser.py) names the schedule "Scheduler".
  'Scheduler',
  'CFG scale',
  'Seed',
  'Size',
  'Model hash',
  'Model',
  'Denoising strength',
  'Clip skip',
  'RNG',
  'Hires upscale',
  'Hires steps',
  'Hires upscaler',
  'Refiner',
  'Refiner switch at',
  'Refiner hash',
  'Version',
]);

function controlUnit(text: string): ControlSettings {
  const fields: Record<string, string> = {};
  for (const [k, v] of findPairs(text)) fields[k] = unquoteValue(v).trim();
  return compact({
    module: fields['Module'],
    model: fields['Model'],
    weight: toNumber(fields['Weight']),
    start: toNumber(fields['Guidance Start']),
    end: toNumber(fields['Guidance End']),
  });
}

export interface A1111Read {
  settings: ImageSettings;
  /** Number of `Key: value` pairs found on the last line (0: plain text, not an infotext). */
  pairCount: number;
}

export function a1111ToSettings(text: string): A1111Read {
  const parsed = parseInfotext(text);
  const p = parsed.params;
  const s = emptySettings();
  s.prompt = parsed.prompt;
  s.negativePrompt = parsed.negativePrompt;
  s.steps = toNumber(p['Steps']);
  s.sampler = p['Sampler']?.trim();
  s.scheduleType = (p['Schedule type'] ?? p['Scheduler'])?.trim();
  s.cfg = toNumber(p['CFG scale']);
  s.seed = toNumber(p['Seed']);
  const size = SIZE.exec(p['Size']?.trim() ?? '');
  if (size) {
    s.width = Number(size[1]);
    s.height = Number(size[2]);
  }
  if (p['Model'] !== undefined || p['Model hash'] !== undefined) {
    s.model = compact({ name: p['Model']?.trim(), hash: p['Model hash']?.trim() });
  }
  s.clipSkip = toNumber(p['Clip skip']);
  // A1111 writes RNG only when it is not the default GPU noise; "CPU" is torch's CPU generator.
  if (p['RNG']?.trim() === 'CPU') s.seedMode = 'torch-cpu';
  const denoise = toNumber(p['Denoising strength']);
  const hasHires = ['Hires upscale', 'Hires steps', 'Hires upscaler'].some((k) => k in p);
  if (hasHires) {
    // In txt2img with hires fix, "Denoising strength" is the second pass's strength.
    s.hires = compact({
      scale: toNumber(p['Hires upscale']),
      steps: toNumber(p['Hires steps']),
      upscaler: p['Hires upscaler']?.trim(),
      strength: denoise,
    });
  } else {
    s.denoisingStrength = denoise;
  }
  if (p['Refiner'] !== undefined) {
    const m = NAME_WITH_HASH.exec(p['Refiner'].trim());
    s.refiner = compact({
      model: m ? m[1] : p['Refiner'].trim(),
      hash: m ? m[2] : p['Refiner hash']?.trim(),
      start: toNumber(p['Refiner switch at']),
    });
  }
  const control: ControlSettings[] = [];
  for (const [key, value] of parsed.pairs) {
    const unit = /^ControlNet (\d+)$/.exec(key);
    if (unit) control[Number(unit[1])] = controlUnit(value);
    else if (!MAPPED.has(key)) s.extra[key] = value;
  }
  const units = control.filter((u) => u !== undefined);
  if (units.length > 0) s.control = units;
  s.generator = p['Version']?.trim();
  return { settings: compact(s), pairCount: parsed.pairs.length };
}
