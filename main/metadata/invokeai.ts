/**
 * InvokeAI settings. Since 3.0 Invoke writes a PNG text chunk `invokeai_metadata` holding the
 * JSON of its CoreMetadata node (invokeai/app/invocations/metadata.py, saved by
 * app/services/image_files/image_files_disk.py): positive_prompt, negative_prompt, width, height,
 * seed, cfg_scale, steps, scheduler, model {name|model_name, hash, base...}, strength, clip_skip,
 * refiner_*, hrf_*, controlnets [...], app_version. Invoke 2.x wrote `sd-metadata` instead, with
 * the settings under `image`.
 */
import {
  compact,
  emptySettings,
  isRecord,
  toNumber,
  toText,
  type ControlSettings,
  type ImageSettings,
} from './settings.ts';

const CORE_KEYS = new Set([
  'positive_prompt',
  'negative_prompt',
  'width',
  'height',
  'seed',
  'cfg_scale',
  'steps',
  'scheduler',
  'model',
  'strength',
  'clip_skip',
  'controlnets',
  'app_version',
  'hrf_enabled',
  'hrf_method',
  'hrf_strength',
  'refiner_model',
  'refiner_cfg_scale',
  'refiner_steps',
  'refiner_start',
]);

function modelName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value)) return undefined;
  // 4.x+: {key, hash, name, base, type}; 3.x: {model_name, base_model, model_type}.
  return toText(value.name) ?? toText(value.model_name);
}

function controlUnits(value: unknown): ControlSettings[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.filter(isRecord).map((u) =>
    compact({
      model: modelName(u.control_model),
      weight: toNumber(u.control_weight),
      start: toNumber(u.begin_step_percent),
      end: toNumber(u.end_step_percent),
    }),
  );
}

/** Settings from an `invokeai_metadata` JSON object. */
export function invokeCoreToSettings(meta: Record<string, unknown>): ImageSettings {
  const s = emptySettings();
  s.prompt = toText(meta.positive_prompt) ?? '';
  s.negativePrompt = toText(meta.negative_prompt) ?? '';
  s.width = toNumber(meta.width);
  s.height = toNumber(meta.height);
  s.seed = toNumber(meta.seed);
  s.cfg = toNumber(meta.cfg_scale);
  s.steps = toNumber(meta.steps);
  // Invoke's scheduler names fold the schedule in ("dpmpp_2m_k" = DPM++ 2M with Karras sigmas).
  s.sampler = toText(meta.scheduler);
  const model = meta.model;
  if (model !== undefined) {
    s.model = compact({
      name: modelName(model),
      hash: isRecord(model) ? toText(model.hash) : undefined,
    });
  }
  s.denoisingStrength = toNumber(meta.strength);
  s.clipSkip = toNumber(meta.clip_skip);
  s.control = controlUnits(meta.controlnets);
  if (meta.hrf_enabled === true) {
    s.hires = compact({ upscaler: toText(meta.hrf_method), strength: toNumber(meta.hrf_strength) });
  }
  if (meta.refiner_model !== undefined) {
    s.refiner = compact({
      model: modelName(meta.refiner_model),
      start: toNumber(meta.refiner_start),
      steps: toNumber(meta.refiner_steps),
      cfg: toNumber(meta.refiner_cfg_scale),
    });
  }
  const version = toText(meta.app_version);
  s.generator = version ? `InvokeAI ${version}` : 'InvokeAI';
  for (const [k, v] of Object.entries(meta)) if (!CORE_KEYS.has(k)) s.extra[k] = v;
  return compact(s);
}

/** Settings from an Invoke 2.x `sd-metadata` JSON object, or undefined if it lacks `image`. */
export function invokeLegacyToSettings(meta: Record<string, unknown>): ImageSettings | undefined {
  const image = meta.image;
  if (!isRecord(image)) return undefined;
  const s = emptySettings();
  const prompt = image.prompt;
  // 2.x stores the prompt as [{prompt, weight}] (or a plain string in early versions).
  if (typeof prompt === 'string') s.prompt = prompt;
  else if (Array.isArray(prompt)) {
    s.prompt = prompt
      .map((p) => (isRecord(p) ? (toText(p.prompt) ?? '') : ''))
      .filter((p) => p !== '')
      .join('\n');
  }
  s.steps = toNumber(image.steps);
  s.cfg = toNumber(image.cfg_scale);
  s.seed = toNumber(image.seed);
  s.width = toNumber(image.width);
  s.height = toNumber(image.height);
  s.sampler = toText(image.sampler);
  s.denoisingStrength = toNumber(image.strength);
  const name = toText(meta.model_weights);
  const hash = toText(meta.model_hash);
  if (name || hash) s.model = compact({ name, hash });
  const version = toText(meta.app_version);
  s.generator = version ? `InvokeAI ${version}` : 'InvokeAI';
  return compact(s);
}
