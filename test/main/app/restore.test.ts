import { describe, expect, it } from 'vitest';
import type { ImageSettings } from '../../../common/image-settings.ts';
import type { StudioModel } from '../../../common/ipc.ts';
import { restoreForStudio, type RestoreContext } from '../../../main/app/restore.ts';

const BASE: StudioModel = {
  path: '/models/base',
  name: 'base',
  family: 'sd1',
  defaults: { width: 512, height: 512, steps: 20, cfg: 7, scheduler: 'Euler a' },
  bundled: false,
};
const REFINER: StudioModel = {
  ...BASE,
  path: '/models/refiner',
  name: 'refiner',
  family: 'sdxl-refiner',
};

function context(models: StudioModel[] = [BASE, REFINER]): RestoreContext {
  return {
    models: async () => models,
    schedulers: () => [{ name: 'Euler a' }, { name: 'DPM++ 2M Karras' }],
    hashes: async () => undefined,
  };
}

/** An Emulsion image's settings, as its own chunk stores them. */
function emulsion(request: Partial<NonNullable<ImageSettings['request']>>): ImageSettings {
  return {
    prompt: 'p',
    negativePrompt: 'n',
    extra: {},
    model: { name: 'base' },
    request: {
      model: '/models/base',
      prompt: 'p',
      negativePrompt: 'n',
      steps: 20,
      cfg: 7,
      scheduler: 'Euler a',
      seed: 5,
      seedMode: 'emulsion',
      width: 512,
      height: 512,
      batch: 1,
      provider: 'cpu',
      preview: 'off',
      ...request,
    },
  };
}

describe('restoreForStudio()', () => {
  it('restores an Emulsion image with its refiner, leaving batch, provider and previews alone', async () => {
    const r = await restoreForStudio(
      emulsion({ refiner: { model: '/models/refiner', start: 0.8 }, batch: 4 }),
      'emulsion',
      context(),
    );
    expect(r).toEqual({
      fields: {
        prompt: 'p',
        negativePrompt: 'n',
        steps: 20,
        cfg: 7,
        scheduler: 'Euler a',
        seed: 5,
        seedMode: 'emulsion',
        width: 512,
        height: 512,
        refiner: { model: '/models/refiner', start: 0.8 },
      },
      model: '/models/base',
      modelName: 'base',
      warnings: [],
    });
  });

  it('says what it leaves out: a scheduler this studio lacks, a refiner not installed, inputs by path', async () => {
    const r = await restoreForStudio(
      emulsion({
        scheduler: 'UniPC',
        refiner: { model: '/gone/refiner', start: 0.8 },
        init: { image: { path: '/pictures/in.png' }, strength: 0.5, resize: 'crop' },
        control: [
          {
            image: { path: '/pictures/edges.png' },
            model: '/models/cn',
            preprocessor: 'none',
            scale: 1,
            start: 0,
            end: 1,
          },
        ],
      }),
      'emulsion',
      context([BASE]),
    );
    expect(r.fields).not.toHaveProperty('scheduler');
    expect(r.fields).not.toHaveProperty('refiner');
    expect(r.warnings).toEqual([
      'The scheduler "UniPC" is not available; the current one was kept.',
      'The refiner model /gone/refiner is not in the models list; the refiner was left off.',
      'The init image (/pictures/in.png) is not restored; drop it again or use "Use as init image" on it.',
      'ControlNet units are not restored; add them again with their control images.',
    ]);
  });

  it('falls back to the model name when the folder an Emulsion image names is not there', async () => {
    const moved: StudioModel = { ...BASE, path: '/elsewhere/base' };
    const r = await restoreForStudio(emulsion({}), 'emulsion', context([moved]));
    expect(r.model).toBe('/elsewhere/base');
  });

  it('matches an A1111 model name to a folder name without its file extension', async () => {
    const settings: ImageSettings = {
      prompt: 'p',
      negativePrompt: '',
      extra: {},
      model: { name: 'Base.safetensors' },
    };
    const r = await restoreForStudio(settings, 'a1111', context());
    expect(r.model).toBe('/models/base');
  });
});
