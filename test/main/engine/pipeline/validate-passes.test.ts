/**
 * Step 0 for ControlNet units, the refiner, hires fix and the mask: defaults filled in, and every
 * bad value refused with the field path the studio forms use (`control[1].scale`).
 */
import { describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../../common/errors.ts';
import { validateRequest } from '../../../../main/engine/pipeline/validate.ts';

const image = { path: '/tmp/hint.png' };
const unit = { image, model: '/models/cn', preprocessor: 'canny', scale: 1, start: 0, end: 1 };

function fieldOf(input: Record<string, unknown>): string | undefined {
  try {
    validateRequest({ prompt: 'x', ...input });
  } catch (err) {
    if (err instanceof EmulsionError) return err.details.field;
    throw err;
  }
  return undefined;
}

describe('validateRequest: control units', () => {
  it('fills defaults and keeps params and the estimator', () => {
    const r = validateRequest({
      prompt: 'x',
      control: [
        { image, model: '/cn' } as never,
        { ...unit, preprocessor: 'depth', estimator: '/midas.onnx', params: { size: 384 } },
      ],
    });
    expect(r.control![0]).toEqual({
      image,
      model: '/cn',
      preprocessor: 'none',
      scale: 1,
      start: 0,
      end: 1,
    });
    expect(r.control![1]).toMatchObject({ estimator: '/midas.onnx', params: { size: 384 } });
  });

  it.each([
    [{ control: [] }, 'control'],
    [{ control: [{ ...unit, model: '' }] }, 'control[0].model'],
    [{ control: [unit, { ...unit, scale: -1 }] }, 'control[1].scale'],
    [{ control: [{ ...unit, start: 0.6, end: 0.5 }] }, 'control[0].end'],
    [{ control: [{ ...unit, end: 1.5 }] }, 'control[0].end'],
    [{ control: [{ ...unit, preprocessor: 'hed' }] }, 'control[0].preprocessor'],
    [{ control: [{ ...unit, params: { low: 300, high: 200 } }] }, 'control[0].params.low'],
    [{ control: [{ ...unit, params: { radius: 3 } }] }, 'control[0].params.radius'],
    [{ control: [{ ...unit, preprocessor: 'pose' }] }, 'control[0].estimator'],
    [{ control: [{ ...unit, image: {} }] }, 'control[0].image'],
  ])('refuses %j naming %s', (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });
});

describe('validateRequest: refiner, hires and mask', () => {
  it('fills defaults', () => {
    const r = validateRequest({
      prompt: 'x',
      width: 512,
      height: 512,
      refiner: { model: '/refiner' } as never,
      hires: { scale: 2 } as never,
    });
    expect(r.refiner).toEqual({ model: '/refiner', start: 0.8 });
    expect(r.hires).toEqual({ scale: 2, strength: 0.5, steps: 0, upscaler: 'latent' });
    const m = validateRequest({
      prompt: 'x',
      init: { image, strength: 0.9, resize: 'crop' },
      mask: { image } as never,
    });
    expect(m.mask).toEqual({ image, blur: 4, onlyMasked: false, padding: 32 });
  });

  it.each([
    [{ refiner: { model: '/r', start: 1 } }, 'refiner.start'],
    [{ refiner: { model: '/r', start: 0 } }, 'refiner.start'],
    [{ refiner: { start: 0.5 } }, 'refiner.model'],
    [{ hires: { scale: 0.5 } }, 'hires.scale'],
    [{ hires: { scale: 1.5, steps: 2.5 } }, 'hires.steps'],
    [{ hires: { scale: 1.5, upscaler: 'esrgan' } }, 'hires.upscaler'],
    [{ hires: { scale: 1.5, strength: 2 } }, 'hires.strength'],
    [{ width: 2048, height: 2048, hires: { scale: 3 } }, 'hires.scale'],
    [{ mask: { image } }, 'mask'],
    [{ init: { image, strength: 1, resize: 'crop' }, mask: { image, blur: -1 } }, 'mask.blur'],
    [
      { init: { image, strength: 1, resize: 'crop' }, mask: { image, padding: 1.5 } },
      'mask.padding',
    ],
    [
      { init: { image, strength: 1, resize: 'crop' }, mask: { image }, hires: { scale: 2 } },
      'hires',
    ],
  ])('refuses %j naming %s', (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });
});
