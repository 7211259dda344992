import { describe, expect, it } from 'vitest';
import { npLinspace } from '../../../../main/engine/schedulers/numeric.ts';
import { createScheduler } from '../../../../main/engine/schedulers/index.ts';

describe('npLinspace', () => {
  it('returns [start] for a single point, as numpy.linspace(0, 999, 1) does', () => {
    expect(Array.from(npLinspace(0, 999, 1))).toEqual([0]);
  });

  it('spaces points evenly with both ends included', () => {
    expect(Array.from(npLinspace(0, 10, 5))).toEqual([0, 2.5, 5, 7.5, 10]);
  });
});

describe('one-step schedules on linspace spacing', () => {
  it.each(['EulerDiscreteScheduler', 'DDIMScheduler', 'DPMSolverMultistepScheduler'])(
    '%s gives finite timesteps for 1 step',
    (name) => {
      const s = createScheduler(name, { timestep_spacing: 'linspace' });
      s.setTimesteps(1);
      expect(s.timesteps.length).toBeGreaterThanOrEqual(1);
      expect(Array.from(s.timesteps).every(Number.isFinite)).toBe(true);
    },
  );
});
