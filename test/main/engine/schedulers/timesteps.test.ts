/**
 * set_timesteps outputs against diffusers: the SD 1.5 / SDXL vectors in
 * ../shared/data/reference/sd-set-timesteps-vectors.json and the vectors listed in
 * ../shared/docs/schedulers.md §3. Sigmas there are printed to 5 decimals, Karras timesteps to 4.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createScheduler, swapScheduler } from '../../../../main/engine/schedulers/index.ts';
import { SD15_CONFIG, SDXL_CONFIG } from './model-configs.ts';

const ref: Record<string, number[] | number> = JSON.parse(
  readFileSync(
    new URL('../../../../../shared/data/reference/sd-set-timesteps-vectors.json', import.meta.url),
    'utf8',
  ),
);
const vec = (key: string) => ref[key] as number[];

function expectClose(got: ArrayLike<number>, want: number[], tol: number) {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => expect(Math.abs(got[i] - w)).toBeLessThanOrEqual(tol));
}

function schedule(sched: ReturnType<typeof createScheduler>, n: number) {
  sched.setTimesteps(n);
  return { t: Array.from(sched.timesteps), s: sched.sigmas ? Array.from(sched.sigmas) : [] };
}

const A = {
  num_train_timesteps: 1000,
  beta_start: 0.0001,
  beta_end: 0.02,
  beta_schedule: 'linear',
};
const K = { ...A, num_train_timesteps: 1100 };

describe('timesteps for the SD 1.5 and SDXL configs', () => {
  it('SD 1.5 PNDM (skip_prk) at 50 and 20 steps', () => {
    expect(schedule(createScheduler('PNDMScheduler', SD15_CONFIG), 50).t).toEqual(
      vec('SD15 PNDM(skip_prk) 50'),
    );
    expect(schedule(createScheduler('PNDMScheduler', SD15_CONFIG), 20).t).toEqual(
      vec('SD15 PNDM(skip_prk) 20'),
    );
  });

  it('DDIM leading with steps_offset 1 at 50 steps', () => {
    const s = createScheduler('DDIMScheduler', { ...SD15_CONFIG, timestep_spacing: 'leading' });
    expect(schedule(s, 50).t).toEqual(vec('DDIM leading off1 50'));
  });

  for (const spacing of ['leading', 'trailing', 'linspace']) {
    it(`DDIM, Euler and DPM-Solver ${spacing} spacing at 10 steps`, () => {
      const cfg = { ...A, timestep_spacing: spacing };
      expect(schedule(createScheduler('DDIMScheduler', cfg), 10).t).toEqual(
        vec(`DDIM ${spacing} off0 10`),
      );
      expect(schedule(createScheduler('EulerDiscreteScheduler', cfg), 10).t).toEqual(
        vec(`Euler ${spacing} off0 10 timesteps`),
      );
      expect(schedule(createScheduler('DPMSolverMultistepScheduler', cfg), 10).t).toEqual(
        vec(`DPM ${spacing} off0 10`),
      );
    });
  }

  it('DDIM trailing at 4 steps', () => {
    const s = createScheduler('DDIMScheduler', { ...A, timestep_spacing: 'trailing' });
    expect(schedule(s, 4).t).toEqual(vec('DDIM trailing 4'));
  });

  it('SDXL Euler at 30 steps: timesteps, sigmas and init_noise_sigma', () => {
    const s = createScheduler('EulerDiscreteScheduler', SDXL_CONFIG);
    const { t, s: sig } = schedule(s, 30);
    expect(t).toEqual(vec('SDXL Euler 30 timesteps'));
    expectClose(sig, vec('SDXL Euler 30 sigmas'), 6e-6);
    expect(s.initNoiseSigma).toBe(ref['SDXL Euler 30 init_noise_sigma']);
  });

  it('SDXL Euler Karras at 30 steps', () => {
    const s = swapScheduler(SDXL_CONFIG, 'EulerDiscreteScheduler', { use_karras_sigmas: true });
    const { t, s: sig } = schedule(s, 30);
    // 4 printed decimals plus one float32 ulp (numpy computes log sigma in float32).
    expectClose(t, vec('SDXL Euler karras 30 timesteps'), 1.2e-4);
    expectClose(sig, vec('SDXL Euler karras 30 sigmas'), 6e-6);
    expect(s.initNoiseSigma).toBe(ref['SDXL Euler karras 30 init_noise_sigma']);
  });

  it('SD 1.5 swapped to Euler becomes linspace (20 steps)', () => {
    const s = swapScheduler(SD15_CONFIG, 'EulerDiscreteScheduler');
    expect(s.config.timestep_spacing).toBe('linspace');
    const { t, s: sig } = schedule(s, 20);
    expectClose(t, vec('SD15->Euler (linspace) 20 timesteps'), 6e-5);
    expectClose(sig, vec('SD15->Euler (linspace) 20 sigmas'), 6e-6);
    expect(s.initNoiseSigma).toBe(ref['SD15->Euler linspace init_noise_sigma']);
  });

  it('SDXL swapped to DPM++ 2M at 25 steps, plain and Karras', () => {
    const plain = schedule(swapScheduler(SDXL_CONFIG, 'DPMSolverMultistepScheduler'), 25);
    expect(plain.t).toEqual(vec('SDXL->DPM++2M leading 25 timesteps'));
    expectClose(plain.s, vec('SDXL->DPM++2M leading 25 sigmas'), 6e-6);
    const karras = schedule(
      swapScheduler(SDXL_CONFIG, 'DPMSolverMultistepScheduler', { use_karras_sigmas: true }),
      25,
    );
    expect(karras.t).toEqual(vec('SDXL->DPM++2M karras 25 timesteps'));
    expectClose(karras.s, vec('SDXL->DPM++2M karras 25 sigmas'), 6e-6);
  });

  it('SD 1.5 swapped to DPM++ 2M (linspace) and SDXL to UniPC (leading) at 20 steps', () => {
    expect(schedule(swapScheduler(SD15_CONFIG, 'DPMSolverMultistepScheduler'), 20).t).toEqual(
      vec('SD15->DPM++2M linspace 20 timesteps'),
    );
    expect(schedule(swapScheduler(SDXL_CONFIG, 'UniPCMultistepScheduler'), 20).t).toEqual(
      vec('SDXL->UniPC leading 20'),
    );
  });

  it('LCM at 4 and 8 steps', () => {
    expect(schedule(createScheduler('LCMScheduler', {}), 4).t).toEqual(vec('LCM 4'));
    expect(schedule(createScheduler('LCMScheduler', {}), 8).t).toEqual(vec('LCM 8'));
  });

  it('SDXL swapped to Heun at 5 steps', () => {
    const { t, s } = schedule(swapScheduler(SDXL_CONFIG, 'HeunDiscreteScheduler'), 5);
    expect(t).toEqual(vec('SDXL->Heun leading 5 timesteps'));
    expectClose(s, vec('SDXL->Heun leading 5 sigmas'), 6e-6);
  });

  it('builds the SD betas and cumulative alphas bit for bit', () => {
    const s = swapScheduler(SD15_CONFIG, 'DDIMScheduler');
    // ᾱ_t enters add_noise as √ᾱ_t·x + √(1−ᾱ_t)·n; with x = 1, n = 0 it returns √ᾱ_t.
    const at = (t: number) => s.addNoise(Float32Array.of(1), Float32Array.of(0), t)[0];
    const ac = vec('SD alphas_cumprod[0,1,499,998,999]');
    [0, 1, 499, 998, 999].forEach((t, i) => expect(at(t)).toBe(Math.fround(Math.sqrt(ac[i]))));
  });
});

describe('timesteps listed in the scheduler reference (§3)', () => {
  it('DDIM with steps_offset 1 at 5 steps', () => {
    expect(schedule(createScheduler('DDIMScheduler', { ...A, steps_offset: 1 }), 5).t).toEqual([
      801, 601, 401, 201, 1,
    ]);
  });

  it('PNDM with steps_offset 1 at 10 steps, and its PRK / PLMS split', () => {
    expect(schedule(createScheduler('PNDMScheduler', { ...A, steps_offset: 1 }), 10).t).toEqual([
      901, 851, 851, 801, 801, 751, 751, 701, 701, 651, 651, 601, 601, 501, 401, 301, 201, 101, 1,
    ]);
    expect(schedule(createScheduler('PNDMScheduler', A), 10).t).toEqual([
      900, 850, 850, 800, 800, 750, 750, 700, 700, 650, 650, 600, 600, 500, 400, 300, 200, 100, 0,
    ]);
    expect(
      schedule(
        createScheduler('PNDMScheduler', { ...A, skip_prk_steps: true, steps_offset: 1 }),
        10,
      ).t,
    ).toEqual([901, 801, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
  });

  it('DPM-Solver, UniPC and DEIS linspace at 10 steps, and numpy half-to-even at 6', () => {
    const want = [999, 899, 799, 699, 599, 500, 400, 300, 200, 100];
    for (const cls of [
      'DPMSolverMultistepScheduler',
      'UniPCMultistepScheduler',
      'DEISMultistepScheduler',
    ]) {
      expect(schedule(createScheduler(cls, A), 10).t).toEqual(want);
    }
    expect(schedule(createScheduler('DPMSolverMultistepScheduler', A), 6).t).toEqual([
      999, 832, 666, 500, 333, 166,
    ]);
  });

  it('the K test config at 10 steps (Euler, Karras, Heun, KDPM2)', () => {
    const euler = schedule(createScheduler('EulerDiscreteScheduler', K), 10);
    expectClose(
      euler.t,
      [1099, 976.8889, 854.7778, 732.6667, 610.5555, 488.4445, 366.3333, 244.2222, 122.1111, 0],
      6e-5,
    );
    const kSigmas = [
      261.05557, 81.40568, 29.11212, 11.91257, 5.53582, 2.86488, 1.58682, 0.87408, 0.40016, 0.01, 0,
    ];
    expectClose(euler.s, kSigmas, 6e-5);
    const karras = schedule(
      createScheduler('EulerDiscreteScheduler', { ...K, use_karras_sigmas: true }),
      10,
    );
    expectClose(
      karras.t,
      [1099, 1035.54, 961.0532, 871.1001, 757.835, 605.7829, 387.2961, 139.5379, 23.5367, 0],
      1.2e-4,
    );
    expectClose(
      karras.s,
      [
        261.05557, 140.04826, 70.69541, 33.13921, 14.1679, 5.38519, 1.75222, 0.45977, 0.08781, 0.01,
        0,
      ],
      6e-5,
    );
    const heun = schedule(createScheduler('HeunDiscreteScheduler', K), 10);
    expect(heun.t.length).toBe(19);
    expect(heun.s.length).toBe(20);
    expectClose(heun.s, [kSigmas[0], ...kSigmas.slice(1, 10).flatMap((v) => [v, v]), 0], 6e-5);
    const kdpm2 = schedule(createScheduler('KDPM2DiscreteScheduler', K), 10);
    expectClose(
      kdpm2.t,
      [
        1099, 1039.7437, 976.8889, 917.8562, 854.7778, 795.9838, 732.6667, 674.0095, 610.5555,
        551.6428, 488.4445, 428.4221, 366.3333, 303.7248, 244.2222, 175.9601, 122.1111, 15.5784, 0,
      ],
      2e-4,
    );
  });

  it('DPM-Solver test config sigmas, and DPM / UniPC Karras at 10 steps', () => {
    const cfg = { ...A, final_sigmas_type: 'sigma_min', lower_order_final: false };
    expectClose(
      schedule(createScheduler('DPMSolverMultistepScheduler', cfg), 10).s,
      [
        157.40726, 60.27141, 25.52848, 11.93952, 6.13521, 3.44297, 2.04109, 1.24016, 0.72359,
        0.34226, 0.01,
      ],
      6e-5,
    );
    for (const cls of ['DPMSolverMultistepScheduler', 'UniPCMultistepScheduler']) {
      const k = schedule(createScheduler(cls, { ...cfg, use_karras_sigmas: true }), 10);
      expect(k.t).toEqual([999, 937, 864, 775, 663, 511, 301, 102, 18, 0]);
      expectClose(
        k.s,
        [
          157.40726, 85.71072, 44.04764, 21.1056, 9.27474, 3.65264, 1.24636, 0.34971, 0.07393, 0.01,
          0.01,
        ],
        6e-5,
      );
    }
  });

  it('LCM and TCD at 1 and 10 steps', () => {
    for (const cls of ['LCMScheduler', 'TCDScheduler']) {
      expect(schedule(createScheduler(cls, {}), 1).t).toEqual([999]);
      expect(schedule(createScheduler(cls, {}), 10).t).toEqual([
        999, 899, 799, 699, 599, 499, 399, 299, 199, 99,
      ]);
    }
  });
});
