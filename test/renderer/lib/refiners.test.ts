import { describe, expect, it } from 'vitest';
import type { StudioModel } from '../../../common/ipc.ts';
import { refinerChoices } from '../../../renderer/lib/refiners.ts';

const model = (name: string, family: StudioModel['family'], inpaint = false): StudioModel => ({
  path: `/models/${name}`,
  name,
  family,
  defaults: { width: 512, height: 512, steps: 20, cfg: 7, scheduler: 'Euler a' },
  bundled: false,
  traits: { turbo: false, lcm: false, inpaint },
});

const MODELS = [
  model('emulsion-shapes', 'sd1'),
  model('emulsion-shapes-refiner', 'sd1'),
  model('sd21', 'sd2'),
  model('sd15-inpaint', 'sd1', true),
  model('sdxl-base', 'sdxl'),
  model('sdxl-refiner', 'sdxl-refiner'),
  model('cn-canny', 'unknown'),
];
const names = (list: StudioModel[]) => list.map((m) => m.name);

describe('refinerChoices()', () => {
  it('offers every other SD 1.x/2.x model for an SD 1.x base: same VAE latent space, no inpainting UNet', () => {
    const c = refinerChoices(MODELS, '/models/emulsion-shapes');
    expect(c.space).toBe('SD 1.x/2.x');
    expect(names(c.refiners)).toEqual([]);
    expect(names(c.others)).toEqual(['emulsion-shapes-refiner', 'sd21']);
  });

  it('puts the SDXL refiner first for an SDXL base and leaves SD 1.x models out', () => {
    const c = refinerChoices(MODELS, '/models/sdxl-base');
    expect(c.space).toBe('SDXL');
    expect(names(c.refiners)).toEqual(['sdxl-refiner']);
    expect(names(c.others)).toEqual([]);
  });

  it('offers nothing for an unknown base or a ControlNet', () => {
    expect(refinerChoices(MODELS, '/models/missing')).toEqual({
      space: null,
      refiners: [],
      others: [],
    });
    expect(refinerChoices(MODELS, '/models/cn-canny').others).toEqual([]);
  });
});
