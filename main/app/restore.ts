/**
 * "Use settings" for the studio: an image's settings (any source) become Create view fields.
 * main/metadata/restore.ts maps the settings onto request fields; this module checks them against
 * what this studio has (its models and schedulers) and says what could not be carried over.
 *
 * The model is found by hash first (an A1111 short or legacy hash, or a full SHA-256, compared
 * with each installed model's hashes from the cache) and by name second, because two fine-tunes
 * often share a name while a hash names one file.
 */
import path from 'node:path';
import type { RestorableFields, StudioRestore } from '../../common/gallery.ts';
import type { ImageSettings, ModelIdentity, SettingsSource } from '../../common/image-settings.ts';
import type { SchedulerInfo, StudioModel } from '../../common/ipc.ts';
import { settingsToRequest } from '../metadata/restore.ts';
import type { HashLookup } from './gallery-service.ts';

export interface RestoreContext {
  models: () => Promise<StudioModel[]>;
  schedulers: () => SchedulerInfo[];
  hashes: HashLookup;
}

const FIELD_KEYS = [
  'prompt',
  'negativePrompt',
  'steps',
  'cfg',
  'scheduler',
  'seed',
  'seedMode',
  'width',
  'height',
  'hires',
  'refiner',
] as const satisfies readonly (keyof RestorableFields)[];

const lower = (s: string) => s.trim().toLowerCase();
/** "v1-5-pruned-emaonly.safetensors" and "v1-5-pruned-emaonly" name the same model. */
const stem = (name: string) =>
  lower(path.basename(name).replace(/\.(safetensors|ckpt|onnx)$/i, ''));

async function matchModel(
  identity: ModelIdentity | undefined,
  models: StudioModel[],
  hashes: HashLookup,
): Promise<StudioModel | undefined> {
  if (!identity) return undefined;
  const wanted = [identity.hash, identity.sha256, identity.legacyHash]
    .filter((h): h is string => typeof h === 'string' && h.length > 0)
    .map(lower);
  if (wanted.length > 0) {
    for (const model of models) {
      const h = await hashes(model.path);
      if (h && wanted.some((w) => w === h.short || w === h.sha256 || w === h.legacy)) return model;
    }
  }
  if (identity.name) return models.find((m) => stem(m.name) === stem(identity.name!));
  return undefined;
}

function describeModel(identity: ModelIdentity | undefined): string | null {
  if (!identity?.name && !identity?.hash) return null;
  return identity.name ?? `hash ${identity.hash}`;
}

export async function restoreForStudio(
  settings: ImageSettings,
  source: SettingsSource,
  ctx: RestoreContext,
): Promise<StudioRestore> {
  const restored = settingsToRequest(settings, source);
  const warnings = [...restored.warnings];
  const request = restored.request;
  const models = await ctx.models();
  const fields: RestorableFields = {};
  for (const key of FIELD_KEYS) {
    if (request[key] !== undefined) Object.assign(fields, { [key]: request[key] });
  }

  const schedulers = ctx.schedulers().map((s) => s.name);
  if (fields.scheduler !== undefined && !schedulers.includes(fields.scheduler)) {
    warnings.push(
      `The scheduler "${fields.scheduler}" is not available; the current one was kept.`,
    );
    delete fields.scheduler;
  }
  if (fields.refiner && !models.some((m) => m.path === fields.refiner!.model)) {
    warnings.push(
      `The refiner model ${fields.refiner.model} is not in the models list; the refiner was left off.`,
    );
    delete fields.refiner;
  }
  if (request.init && 'path' in request.init.image) {
    warnings.push(
      `The init image (${request.init.image.path}) is not restored; drop it again or use "Use as init image" on it.`,
    );
  }
  if (request.control?.length) {
    warnings.push('ControlNet units are not restored; add them again with their control images.');
  }

  // Emulsion's own images name the model folder they were made with.
  const byPath =
    source === 'emulsion' && settings.request
      ? models.find((m) => m.path === settings.request!.model)
      : undefined;
  const model = byPath ?? (await matchModel(restored.model, models, ctx.hashes));
  const modelName = describeModel(restored.model);
  if (!model && modelName) {
    warnings.push(`The model ${modelName} is not installed; the current model was kept.`);
  }
  return { fields, model: model?.path ?? null, modelName, warnings };
}
