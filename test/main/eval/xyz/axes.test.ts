import { describe, expect, it } from 'vitest';
import { applyAxis, parseAxis } from '../../../../main/eval/xyz/axes.ts';
import { planXyz } from '../../../../main/eval/xyz/plan.ts';

describe('parseAxis', () => {
  it('reads lists and A1111 ranges', () => {
    expect(parseAxis('steps', '10, 20,30').values).toEqual([10, 20, 30]);
    expect(parseAxis('steps', '10-30 (+10)').values).toEqual([10, 20, 30]);
    expect(parseAxis('seed', '5-8').values).toEqual([5, 6, 7, 8]);
    expect(parseAxis('cfg', '2-8 [4]').values).toEqual([2, 4, 6, 8]);
    expect(parseAxis('cfg', '7-5 (-1)').values).toEqual([7, 6, 5]);
    expect(parseAxis('strength', '0.2-0.5 (+0.1)').values).toEqual([0.2, 0.3, 0.4, 0.5]);
  });

  it('reads strings as one CSV line and resolves scheduler names', () => {
    expect(parseAxis('prompt', 'red, "blue, dark", green').values).toEqual([
      'red',
      'blue, dark',
      'green',
    ]);
    expect(parseAxis('scheduler', 'euler_ancestral, DPM++ 2M Karras').values).toEqual([
      'Euler a',
      'DPM++ 2M Karras',
    ]);
  });

  it('names the axis and the bad value', () => {
    expect(() => parseAxis('steps', '10, x')).toThrow(/`axis values`.*"x"/);
    expect(() => parseAxis('colour', '1')).toThrow(/`axis` must be one of steps/);
    expect(() => parseAxis('scheduler', 'Nope', 'x')).toThrow(/`x values`/);
    expect(() => parseAxis('steps', '0, 5')).toThrow(/at least 1/);
    expect(() => parseAxis('cfg', '1-5 (-1)')).toThrow(/step/);
  });
});

describe('applyAxis', () => {
  const base = { prompt: 'a red circle', negativePrompt: 'red blur', steps: 4 };

  it('searches the first Prompt S/R value and replaces it in prompt and negative', () => {
    const axis = parseAxis('prompt', 'red, blue');
    expect(applyAxis(base, axis, 'blue')).toMatchObject({
      prompt: 'a blue circle',
      negativePrompt: 'blue blur',
    });
    expect(applyAxis(base, axis, 'red').prompt).toBe('a red circle');
    expect(() => applyAxis({ prompt: 'a star' }, axis, 'blue')).toThrow(/containing "red"/);
  });

  it('changes nested settings without touching the base', () => {
    const withInit = {
      ...base,
      init: { image: { path: 'x.png' }, strength: 0.5, resize: 'crop' as const },
    };
    const out = applyAxis(withInit, parseAxis('strength', '0.3'), 0.3);
    expect(out.init?.strength).toBe(0.3);
    expect(withInit.init.strength).toBe(0.5);
    expect(() => applyAxis(base, parseAxis('refiner', '0.8'), 0.8)).toThrow(/`refiner`/);
    expect(() => applyAxis(base, parseAxis('control', '1'), 1)).toThrow(/`control`/);
  });
});

describe('planXyz', () => {
  it('makes Z × Y × X cells, X fastest, with labels', () => {
    const cells = planXyz({
      base: { prompt: 'a red circle' },
      x: parseAxis('steps', '2, 4, 6'),
      y: parseAxis('scheduler', 'Euler, Euler a'),
      z: parseAxis('prompt', 'red, blue'),
    });
    expect(cells).toHaveLength(12);
    expect(cells[1]).toMatchObject({ id: 'z0-y0-x1', labels: { x: '4', y: 'Euler', z: 'red' } });
    expect(cells[11].request).toMatchObject({
      prompt: 'a blue circle',
      scheduler: 'Euler a',
      steps: 6,
    });
  });

  it('refuses the same kind twice and a Z without a Y', () => {
    expect(() =>
      planXyz({ base: { prompt: 'p' }, x: parseAxis('steps', '1'), y: parseAxis('steps', '2') }),
    ).toThrow(/`axes`/);
    expect(() =>
      planXyz({ base: { prompt: 'p' }, x: parseAxis('steps', '1'), z: parseAxis('cfg', '2') }),
    ).toThrow(/`z`/);
  });
});
