import { describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../../common/errors.ts';
import { CALL_NAMES } from '../../../../common/ipc.ts';
import { REQUEST_VALIDATORS, validateRequest } from '../../../../main/app/validation/requests.ts';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
const valid = {
  prompt: 'a red (circle:1.2) on grey',
  negativePrompt: '',
  steps: 20,
  cfg: 7,
  scheduler: 'Euler a',
  seed: 42,
  seedMode: 'emulsion',
  width: 512,
  height: 512,
  batch: 1,
  provider: 'auto',
  preview: 'off',
};

function fieldOf(payload: unknown): string | undefined {
  try {
    validateRequest('generate', payload);
  } catch (err) {
    if (err instanceof EmulsionError && err.code === 'INVALID_ARGUMENT') return err.details.field;
    throw err;
  }
  throw new Error('expected INVALID_ARGUMENT');
}

describe('REQUEST_VALIDATORS', () => {
  it('has exactly one validator per call in the contract', () => {
    expect(Object.keys(REQUEST_VALIDATORS).sort()).toEqual([...CALL_NAMES].sort());
  });
});

describe("validateRequest('generate')", () => {
  it('accepts a full request with img2img, control, refiner and hires parts', () => {
    const request = {
      ...valid,
      model: '/models/sd15',
      init: { image: { data: png, name: 'cat.png' }, strength: 0.6, resize: 'crop' },
      control: [
        {
          image: { data: png },
          model: '/models/cn-canny',
          preprocessor: 'canny',
          params: { low: 100, high: 200 },
          scale: 1,
          start: 0,
          end: 0.8,
        },
      ],
      refiner: { model: '/models/refiner', start: 0.8 },
      hires: { scale: 1.5, strength: 0.5, steps: 10, upscaler: 'latent' },
    };
    expect(validateRequest('generate', request)).toEqual(request);
  });

  it.each([
    ['a missing prompt', { ...valid, prompt: undefined }, 'prompt'],
    ['steps as a string', { ...valid, steps: '20' }, 'steps'],
    ['a billion steps', { ...valid, steps: 1e9 }, 'steps'],
    ['cfg of Infinity', { ...valid, cfg: Infinity }, 'cfg'],
    ['a width that is not a multiple of 8', { ...valid, width: 513 }, 'width'],
    ['a 100000 pixel height', { ...valid, height: 100000 }, 'height'],
    ['a seed beyond 2^32 - 1', { ...valid, seed: 2 ** 53 }, 'seed'],
    ['a negative seed', { ...valid, seed: -1 }, 'seed'],
    ['a batch of 0', { ...valid, batch: 0 }, 'batch'],
    ['an unknown provider', { ...valid, provider: 'tpu' }, 'provider'],
    ['a model path with ..', { ...valid, model: '/models/../../etc' }, 'model'],
    ['a relative model path', { ...valid, model: 'models/sd15' }, 'model'],
    [
      'an init image given as a path',
      { ...valid, init: { image: { path: '/etc/passwd' }, strength: 0.5, resize: 'crop' } },
      'init.image.path',
    ],
    [
      'an init image name with ..',
      {
        ...valid,
        init: { image: { data: png, name: '../../x.png' }, strength: 0.5, resize: 'crop' },
      },
      'init.image.name',
    ],
    [
      'an init strength of 2',
      { ...valid, init: { image: { data: png }, strength: 2, resize: 'crop' } },
      'init.strength',
    ],
    [
      'init bytes sent as a number list',
      { ...valid, init: { image: { data: [1, 2] }, strength: 0.5, resize: 'crop' } },
      'init.image.data',
    ],
    ['an unknown field', { ...valid, isAdmin: true }, 'isAdmin'],
    [
      'a control unit ending before it starts',
      {
        ...valid,
        control: [
          {
            image: { data: png },
            model: '/m/cn',
            preprocessor: 'none',
            scale: 1,
            start: 0.8,
            end: 0.2,
          },
        ],
      },
      'control[0].end',
    ],
    [
      'five control units',
      {
        ...valid,
        control: Array(5).fill({
          image: { data: png },
          model: '/m/cn',
          preprocessor: 'none',
          scale: 1,
          start: 0,
          end: 1,
        }),
      },
      'control',
    ],
    [
      'a hires scale of 10',
      { ...valid, hires: { scale: 10, strength: 0.5, steps: 10, upscaler: 'latent' } },
      'hires.scale',
    ],
  ])('refuses %s, naming %s', (_label, payload, field) => {
    expect(fieldOf(payload)).toBe(field);
  });

  it('refuses a payload that is not an object', () => {
    expect(fieldOf('draw a cat')).toBe('request');
  });
});

describe("validateRequest('setSettings')", () => {
  it('accepts a partial update and refuses relative or traversing folders', () => {
    expect(validateRequest('setSettings', { provider: 'cpu' })).toEqual({ provider: 'cpu' });
    expect(() => validateRequest('setSettings', { outputFolder: 'out' })).toThrow(/absolute path/);
    expect(() => validateRequest('setSettings', { modelsFolder: '/a/../../b' })).toThrow(
      /absolute path/,
    );
  });
});
