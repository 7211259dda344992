import { describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../../common/errors.ts';
import { createNoiseSource } from '../../../../main/engine/random/index.ts';
import { ddimVariance } from '../../../../main/engine/schedulers/ddim.ts';
import {
  createScheduler,
  createSchedulerForModel,
  resolveSchedulerName,
  SCHEDULER_CATALOG,
  SCHEDULER_NAMES,
  swapScheduler,
} from '../../../../main/engine/schedulers/index.ts';
import { makeAlphasCumprod } from '../../../../main/engine/schedulers/schedule.ts';
import { dummyModel, dummySampleDeter } from './fixtures.ts';
import { SD15_CONFIG, SDXL_CONFIG } from './model-configs.ts';

const SD2_V_CONFIG = { ...SD15_CONFIG, prediction_type: 'v_prediction' };

describe('createScheduler', () => {
  it('rejects an unknown class name, listing every known one', () => {
    let error: unknown;
    try {
      createScheduler('FancyScheduler', {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EmulsionError);
    expect((error as EmulsionError).code).toBe('INVALID_ARGUMENT');
    for (const name of SCHEDULER_NAMES) expect((error as Error).message).toContain(name);
    expect(SCHEDULER_NAMES).toHaveLength(14);
  });

  it('ignores unknown keys and records which keys took their default', () => {
    const s = createScheduler('EulerDiscreteScheduler', { beta_start: 0.001, not_a_key: 1 });
    expect(s.config.beta_start).toBe(0.001);
    expect(s.config).not.toHaveProperty('not_a_key');
    expect(s.config._use_default_values).toContain('timestep_spacing');
    expect(s.config._use_default_values).not.toContain('beta_start');
  });

  it('names the field and the allowed values for a bad option', () => {
    expect(() => createScheduler('DDIMScheduler', { timestep_spacing: 'sideways' })).toThrow(
      /timestep_spacing.*leading, trailing/,
    );
    expect(() => createScheduler('DDIMScheduler', { beta_start: '0.1' })).toThrow(/beta_start/);
  });

  it('fails clearly when a stochastic step gets no noise source', () => {
    const s = createScheduler('EulerAncestralDiscreteScheduler', {});
    s.setTimesteps(4);
    const t = s.timesteps[0];
    const x = s.scaleModelInput(dummySampleDeter(), t);
    expect(() => s.step(dummyModel(x, t), t, x)).toThrow(/NoiseSource/);
  });

  it('matches the DDIM variance values asserted upstream', () => {
    const ac = makeAlphasCumprod({
      num_train_timesteps: 1000,
      beta_start: 0.0001,
      beta_end: 0.02,
      beta_schedule: 'linear',
      trained_betas: null,
    });
    const cases: [number, number, number][] = [
      [420, 400, 0.14771],
      [980, 960, 0.3246],
      [487, 486, 0.00979],
      [999, 998, 0.02],
    ];
    for (const [t, prev, want] of cases) {
      expect(Math.abs(ddimVariance(ac[t], ac[prev]) - want)).toBeLessThan(1e-5);
    }
  });
});

describe('swapScheduler', () => {
  it('turns SD 1.5 PNDM into linspace Euler, keeping its betas and steps_offset', () => {
    const s = swapScheduler(SD15_CONFIG, 'EulerDiscreteScheduler');
    expect(s.config).toMatchObject({
      timestep_spacing: 'linspace',
      beta_schedule: 'scaled_linear',
      beta_start: 0.00085,
      beta_end: 0.012,
      prediction_type: 'epsilon',
      steps_offset: 1,
    });
  });

  it("keeps a v-prediction model's prediction_type in every target class", () => {
    for (const name of SCHEDULER_NAMES) {
      expect(swapScheduler(SD2_V_CONFIG, name).config.prediction_type).toBe('v_prediction');
    }
  });

  it("keeps the model's beta schedule even where its file relied on its class default", () => {
    // A bare PNDM file: PNDM's default betas are 0.0001..0.02, Heun's would be 0.00085..0.012.
    const s = swapScheduler({ _class_name: 'PNDMScheduler' }, 'HeunDiscreteScheduler');
    expect(s.config).toMatchObject({ beta_start: 0.0001, beta_end: 0.02, beta_schedule: 'linear' });
  });

  it("carries SDXL's explicit leading spacing to other classes", () => {
    expect(swapScheduler(SDXL_CONFIG, 'DPMSolverMultistepScheduler').config.timestep_spacing).toBe(
      'leading',
    );
  });

  it('keeps explicit overrides across a second swap (diffusers test_default_arguments_not_in_config)', () => {
    const euler = swapScheduler(SD15_CONFIG, 'EulerDiscreteScheduler', {
      timestep_spacing: 'trailing',
    });
    const lms = swapScheduler(euler.config, 'LMSDiscreteScheduler');
    expect(lms.config.timestep_spacing).toBe('trailing');
    const lms2 = swapScheduler(
      swapScheduler(SD15_CONFIG, 'EulerDiscreteScheduler').config,
      'LMSDiscreteScheduler',
    );
    expect(lms2.config.timestep_spacing).toBe('linspace');
  });

  it('remaps solver_type between DEIS, UniPC and DPM-Solver as diffusers does', () => {
    const deis = createScheduler('DEISMultistepScheduler', {});
    const unipc = swapScheduler(deis.config, 'UniPCMultistepScheduler', { solver_type: 'logrho' });
    expect(unipc.config.solver_type).toBe('bh2');
    const dpm = swapScheduler(unipc.config, 'DPMSolverMultistepScheduler', { solver_type: 'bh2' });
    expect(dpm.config.solver_type).toBe('midpoint');
  });
});

describe('scheduler catalog', () => {
  it('resolves display names, aliases and class names', () => {
    expect(resolveSchedulerName('DPM++ 2M Karras')).toMatchObject({
      className: 'DPMSolverMultistepScheduler',
      options: { use_karras_sigmas: true, algorithm_type: 'dpmsolver++' },
      a1111: { sampler: 'DPM++ 2M', scheduleType: 'Karras' },
    });
    expect(resolveSchedulerName('euler a').className).toBe('EulerAncestralDiscreteScheduler');
    expect(resolveSchedulerName('euler_ancestral').className).toBe(
      'EulerAncestralDiscreteScheduler',
    );
    expect(resolveSchedulerName('UniPCMultistepScheduler')).toMatchObject({
      className: 'UniPCMultistepScheduler',
      options: {},
    });
  });

  it('lists the options when a name is unknown', () => {
    expect(() => resolveSchedulerName('DPM++ 3M')).toThrow(/DPM\+\+ 2M Karras.*UniPC/);
  });

  it('has the names A1111 and ComfyUI users expect', () => {
    const labels = SCHEDULER_CATALOG.map((e) => e.label);
    for (const name of [
      'Euler',
      'Euler a',
      'DDIM',
      'DDPM',
      'PNDM',
      'PLMS',
      'LMS',
      'LMS Karras',
      'Heun',
      'DPM2',
      'DPM2 a',
      'DPM2 Karras',
      'DPM2 a Karras',
      'DPM++ 2M',
      'DPM++ 2M Karras',
      'DPM++ 2M SDE',
      'DPM++ 2M SDE Karras',
      'UniPC',
      'DEIS',
      'LCM',
      'TCD',
    ]) {
      expect(labels).toContain(name);
    }
  });

  for (const entry of SCHEDULER_CATALOG) {
    it(`"${entry.label}" denoises the SD 1.5 fixture loop to finite values`, () => {
      const s = createSchedulerForModel(entry.label, SD15_CONFIG);
      for (const [key, value] of Object.entries(entry.options))
        expect(s.config[key]).toEqual(value);
      const noise = createNoiseSource('torch-cpu', 1);
      s.setTimesteps(8);
      let x: Float32Array = dummySampleDeter().map((v) => v * s.initNoiseSigma);
      for (const t of s.timesteps) {
        const scaled = s.scaleModelInput(x, t);
        x = s.step(dummyModel(scaled, t), t, x, noise);
      }
      expect(x.every(Number.isFinite)).toBe(true);
    });
  }
});
