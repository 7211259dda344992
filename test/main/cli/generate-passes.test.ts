/**
 * `emulsion generate` flags for ControlNet units, the refiner, hires fix and inpainting: how
 * repeated flags group into units, the defaults, and errors that name the flag.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../common/errors.ts';
import { buildInput, FIELD_TO_FLAG } from '../../../main/cli/generate.ts';

const BIN = path.resolve('bin/emulsion.js');

function flagError(argv: string[]): string | undefined {
  try {
    buildInput(['--prompt', 'x', ...argv]);
  } catch (err) {
    if (err instanceof EmulsionError) return err.details.field;
    throw err;
  }
  return undefined;
}

describe('generate: ControlNet flags', () => {
  it('groups the k-th of each flag with the k-th --control; a flag given once applies to all', () => {
    const { input } = buildInput([
      '--prompt',
      'x',
      '--control',
      'a.png',
      '--control-model',
      'cn-a',
      '--control',
      'b.png',
      '--control-model',
      'cn-b',
      '--control-type',
      'canny',
      '--control-scale',
      '0.5',
      '--control-scale',
      '0.8',
      '--control-end',
      '0.6',
      '--control-params',
      'low=50,high=150',
    ]);
    expect(input.control).toEqual([
      {
        image: { path: 'a.png' },
        model: 'cn-a',
        preprocessor: 'canny',
        scale: 0.5,
        start: 0,
        end: 0.6,
        params: { low: 50, high: 150 },
      },
      {
        image: { path: 'b.png' },
        model: 'cn-b',
        preprocessor: 'canny',
        scale: 0.8,
        start: 0,
        end: 0.6,
        params: { low: 50, high: 150 },
      },
    ]);
  });

  it.each([
    [['--control-scale', '0.5'], '--control-scale'],
    [
      [
        '--control',
        'a',
        '--control',
        'b',
        '--control-model',
        'x',
        '--control-model',
        'y',
        '--control-model',
        'z',
      ],
      '--control-model',
    ],
    [['--control', 'a', '--control-scale', 'big'], '--control-scale'],
    [['--control', 'a', '--control-params', 'low:50'], '--control-params'],
  ])('refuses %j naming %s', (argv, flag) => {
    expect(flagError(argv)).toBe(flag);
  });

  it('maps every per-unit request field to its flag', () => {
    expect(FIELD_TO_FLAG['control[0].model']).toBe('--control-model');
    expect(FIELD_TO_FLAG['control[3].scale']).toBe('--control-scale');
    expect(FIELD_TO_FLAG['control[1].preprocessor']).toBe('--control-type');
    expect(FIELD_TO_FLAG['control[2].estimator']).toBe('--control-estimator');
  });
});

describe('generate: refiner, hires and mask flags', () => {
  it('builds the passes with their defaults', () => {
    const { input } = buildInput([
      '--prompt',
      'x',
      '--refiner',
      'ref',
      '--hires-scale',
      '1.5',
      '--init',
      'in.png',
      '--mask',
      'm.png',
      '--inpaint-only-masked',
    ]);
    expect(input.refiner).toEqual({ model: 'ref', start: 0.8 });
    expect(input.hires).toEqual({ scale: 1.5, strength: 0.5, steps: 0, upscaler: 'latent' });
    expect(input.mask).toEqual({
      image: { path: 'm.png' },
      blur: 4,
      onlyMasked: true,
      padding: 32,
    });
  });

  it.each([
    [['--refiner-start', '0.7'], '--refiner-start'],
    [['--hires-steps', '10'], '--hires-steps'],
    [['--mask-blur', '3'], '--mask-blur'],
    [['--mask', 'm.png'], '--mask'],
    [['--padding', '8'], '--padding'],
  ])('refuses %j naming %s', (argv, flag) => {
    expect(flagError(argv)).toBe(flag);
  });

  it('reports engine-side errors with the flag the user typed', () => {
    const run = spawnSync(
      process.execPath,
      [BIN, 'generate', '--prompt', 'x', '--control', 'hint.png', '--hires-scale', '9'],
      { encoding: 'utf8', timeout: 60_000 },
    );
    expect(run.status).toBe(2);
    // The first bad field the engine meets is the unit's missing ControlNet folder.
    expect(run.stderr).toMatch(/^emulsion: --control-model: `control\[0\].model` must be/);
  });
});
