import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../../../main/engine/schedulers/index.ts';
import { indexForTimestep } from '../../../../main/engine/schedulers/support.ts';

describe('step index', () => {
  it('resolves a duplicated timestep to its second occurrence', () => {
    expect(indexForTimestep([900, 800, 800, 700], 800)).toBe(2);
    expect(indexForTimestep([900, 800, 700], 800)).toBe(1);
    expect(indexForTimestep([900, 800], 5, 'last')).toBe(1);
    expect(() => indexForTimestep([900, 800], 5)).toThrow(/timestep/);
  });

  it('starts from setBeginIndex instead of looking the timestep up (img2img)', () => {
    const a = createScheduler('EulerDiscreteScheduler', {});
    const b = createScheduler('EulerDiscreteScheduler', {});
    a.setTimesteps(10);
    b.setTimesteps(10);
    b.setBeginIndex(3);
    const x = new Float32Array([1, 2, 3]);
    // With a begin index the scale uses σ[3] whatever t is passed.
    expect(Array.from(b.scaleModelInput(x, a.timesteps[0]))).toEqual(
      Array.from(a.scaleModelInput(x, a.timesteps[3])),
    );
    expect(() => b.setBeginIndex(10)).toThrow(/beginIndex/);
  });
});
