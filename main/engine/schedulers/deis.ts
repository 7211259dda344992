/**
 * DEIS multistep: Zhang & Chen 2023, "Fast Sampling of Diffusion Models with Exponential
 * Integrator", the log-ρ Adams-Bashforth variant (ρAB-DEIS, §4 and eq. 15): the ε history is
 * extrapolated with Lagrange polynomials in log ρ, ρ = σ_vp/α. Port of diffusers'
 * DEISMultistepScheduler (scheduling_deis_multistep.py).
 */
import { invalidArgument } from '../../../common/errors.ts';
import { BETA_DEFAULTS, PREDICTION_TYPES, type ConfigSpec, type ConfigValue } from './config.ts';
import {
  addNoiseMultistep,
  MULTISTEP_DEFAULTS,
  multistepSchedule,
  rejectFlowOptions,
  toEpsilon,
  vp,
} from './multistep-common.ts';
import { makeAlphasCumprod, TIMESTEP_SPACINGS, type BetaConfig } from './schedule.ts';
import { checkSameLength, requireTimesteps, StepIndex } from './support.ts';
import type { Scheduler } from './types.ts';

export const DEIS_SPEC: ConfigSpec = {
  defaults: {
    ...BETA_DEFAULTS,
    ...MULTISTEP_DEFAULTS,
    algorithm_type: 'deis',
    solver_type: 'logrho',
  },
  choices: {
    prediction_type: PREDICTION_TYPES,
    timestep_spacing: TIMESTEP_SPACINGS,
    algorithm_type: ['deis'],
    solver_type: ['logrho'],
  },
  normalize(cfg) {
    if (['dpmsolver', 'dpmsolver++'].includes(cfg.algorithm_type as string))
      cfg.algorithm_type = 'deis';
    if (['midpoint', 'heun', 'bh1', 'bh2'].includes(cfg.solver_type as string))
      cfg.solver_type = 'logrho';
    rejectFlowOptions(cfg);
    if (![1, 2, 3].includes(cfg.solver_order as number)) {
      throw invalidArgument('solver_order', cfg.solver_order, [1, 2, 3]);
    }
  },
};

/** ∫ of the second-order Lagrange basis in log ρ (diffusers `ind_fn`, 2nd order). */
function ind2(t: number, b: number, c: number): number {
  return (t * (-Math.log(c) + Math.log(t) - 1)) / (Math.log(b) - Math.log(c));
}

/** ∫ of the third-order Lagrange basis in log ρ (diffusers `ind_fn`, 3rd order). */
function ind3(t: number, b: number, c: number, d: number): number {
  const [lt, lc, ld, lb] = [Math.log(t), Math.log(c), Math.log(d), Math.log(b)];
  const numerator = t * (lc * (ld - lt + 1) - ld * lt + ld + lt * lt - 2 * lt + 2);
  return numerator / ((lb - lc) * (lb - ld));
}

export function createDeis(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  const order = cfg.solver_order as number;
  const train = cfg.num_train_timesteps as number;
  let timesteps: Float32Array = Float32Array.from({ length: train }, (_, i) => train - 1 - i);
  let sigmas: Float32Array = new Float32Array(0);
  let ready = false;
  let outputs: Float32Array[] = [];
  let lowerOrderNums = 0;
  let batchSize = 1;
  const index = new StepIndex();

  const update = (i: number, stepOrder: number, sample: Float32Array) => {
    const t = vp(sigmas[i + 1]);
    const s0 = vp(sigmas[i]);
    const m = outputs;
    const last = m.length - 1;
    if (stepOrder === 1) {
      const h = t.lambda - s0.lambda;
      const k = t.sigma * (Math.exp(h) - 1);
      return Float32Array.from(sample, (x, j) => (t.alpha / s0.alpha) * x - k * m[last][j]);
    }
    const rho = (v: { alpha: number; sigma: number }) => v.sigma / v.alpha;
    const s1 = vp(sigmas[i - 1]);
    const [rt, r0, r1] = [rho(t), rho(s0), rho(s1)];
    if (stepOrder === 2) {
      const c1 = ind2(rt, r0, r1) - ind2(r0, r0, r1);
      const c2 = ind2(rt, r1, r0) - ind2(r0, r1, r0);
      return Float32Array.from(
        sample,
        (x, j) => t.alpha * (x / s0.alpha + c1 * m[last][j] + c2 * m[last - 1][j]),
      );
    }
    const r2 = rho(vp(sigmas[i - 2]));
    const c1 = ind3(rt, r0, r1, r2) - ind3(r0, r0, r1, r2);
    const c2 = ind3(rt, r1, r2, r0) - ind3(r0, r1, r2, r0);
    const c3 = ind3(rt, r2, r0, r1) - ind3(r0, r2, r0, r1);
    return Float32Array.from(
      sample,
      (x, j) =>
        t.alpha * (x / s0.alpha + c1 * m[last][j] + c2 * m[last - 1][j] + c3 * m[last - 2][j]),
    );
  };

  return {
    name,
    config: cfg,
    order: 1,
    initNoiseSigma: 1,
    stochastic: false,
    get timesteps() {
      return timesteps;
    },
    get sigmas() {
      return sigmas;
    },
    setBatchSize(n: number) {
      batchSize = n;
    },
    setTimesteps(n) {
      const ramp = cfg.use_karras_sigmas || cfg.use_exponential_sigmas;
      const sched = multistepSchedule(cfg, alphas, n, {
        final: ramp ? 'repeat_last' : 'sigma_min',
      });
      timesteps = sched.timesteps;
      sigmas = sched.sigmas;
      ready = true;
      outputs = [];
      lowerOrderNums = 0;
      index.reset();
    },
    setBeginIndex(i) {
      index.setBegin(i, timesteps.length);
    },
    scaleModelInput: (sample) => sample,
    step(modelOutput, t, sample) {
      requireTimesteps(name, ready);
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      const i = index.resolve(timesteps, t, 'last');
      const len = timesteps.length;
      const short = (cfg.lower_order_final as boolean) && len < 15;
      outputs.push(toEpsilon(cfg, sigmas[i], modelOutput, sample, batchSize, true));
      if (outputs.length > order) outputs.shift();
      let stepOrder = 3;
      if (order === 1 || lowerOrderNums < 1 || (i === len - 1 && short)) stepOrder = 1;
      else if (order === 2 || lowerOrderNums < 2 || (i === len - 2 && short)) stepOrder = 2;
      const out = update(i, stepOrder, sample);
      if (lowerOrderNums < order) lowerOrderNums++;
      index.current = i + 1;
      return out;
    },
    addNoise(original, noise, t) {
      return addNoiseMultistep(original, noise, sigmas[index.forAddNoise(timesteps, t, 'last')]);
    },
  };
}
