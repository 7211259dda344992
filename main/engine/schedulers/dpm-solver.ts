/**
 * DPM-Solver multistep: Lu et al. 2022, "DPM-Solver++: Fast Solver for Guided Sampling of
 * Diffusion Probabilistic Models" (data prediction, Algorithm 2 and eqs. 9-10 for 2M), plus the
 * SDE variant ("DPM++ 2M SDE", Lu et al. 2022 §5 / k-diffusion `sample_dpmpp_2m_sde`) and the
 * original noise-prediction DPM-Solver (Lu et al. 2022, NeurIPS). Port of diffusers'
 * DPMSolverMultistepScheduler (scheduling_dpmsolver_multistep.py).
 */
import { invalidArgument } from '../../../common/errors.ts';
import { BETA_DEFAULTS, PREDICTION_TYPES, type ConfigSpec, type ConfigValue } from './config.ts';
import {
  addNoiseMultistep,
  MULTISTEP_DEFAULTS,
  multistepSchedule,
  rejectFlowOptions,
  toEpsilon,
  toX0,
  vp,
} from './multistep-common.ts';
import { makeAlphasCumprod, TIMESTEP_SPACINGS, type BetaConfig } from './schedule.ts';
import { checkSameLength, drawNoise, requireTimesteps, StepIndex } from './support.ts';
import type { NoiseSource, Scheduler } from './types.ts';

const ALGORITHMS = ['dpmsolver', 'dpmsolver++', 'sde-dpmsolver', 'sde-dpmsolver++'] as const;

export const DPM_SPEC: ConfigSpec = {
  defaults: {
    ...BETA_DEFAULTS,
    ...MULTISTEP_DEFAULTS,
    algorithm_type: 'dpmsolver++',
    solver_type: 'midpoint',
    euler_at_final: false,
    use_lu_lambdas: false,
    final_sigmas_type: 'zero',
    lambda_min_clipped: Number.NEGATIVE_INFINITY,
    rescale_betas_zero_snr: false,
  },
  choices: {
    prediction_type: PREDICTION_TYPES,
    timestep_spacing: TIMESTEP_SPACINGS,
    algorithm_type: ALGORITHMS,
    solver_type: ['midpoint', 'heun'],
    final_sigmas_type: ['zero', 'sigma_min'],
  },
  normalize(cfg) {
    // Remappings diffusers applies in __init__ when a config comes from another solver.
    if (cfg.algorithm_type === 'deis') cfg.algorithm_type = 'dpmsolver++';
    if (['logrho', 'bh1', 'bh2'].includes(cfg.solver_type as string)) cfg.solver_type = 'midpoint';
    rejectFlowOptions(cfg);
    const isPlusPlus = String(cfg.algorithm_type).endsWith('dpmsolver++');
    if (!isPlusPlus && cfg.final_sigmas_type === 'zero') {
      throw invalidArgument(
        'final_sigmas_type',
        'zero',
        '"sigma_min" when algorithm_type is dpmsolver or sde-dpmsolver',
      );
    }
    if (cfg.algorithm_type === 'sde-dpmsolver' && (cfg.solver_order as number) > 2) {
      throw invalidArgument('solver_order', cfg.solver_order, '1 or 2 for sde-dpmsolver');
    }
    if (![1, 2, 3].includes(cfg.solver_order as number)) {
      throw invalidArgument('solver_order', cfg.solver_order, [1, 2, 3]);
    }
  },
};

export function createDpmSolver(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  const algorithm = cfg.algorithm_type as string;
  const dataPrediction = algorithm.endsWith('dpmsolver++');
  const sde = algorithm.startsWith('sde');
  const order = cfg.solver_order as number;
  // lambda_min_clipped trims timesteps whose λ is below the threshold (cosine schedules).
  let clipped = 0;
  for (let t = 0; t < alphas.length; t++) {
    const lambda = Math.log(Math.sqrt(alphas[t])) - Math.log(Math.sqrt(1 - alphas[t]));
    if (lambda < (cfg.lambda_min_clipped as number)) clipped++;
  }
  const train = cfg.num_train_timesteps as number;
  let timesteps: Float32Array = Float32Array.from({ length: train }, (_, i) => train - 1 - i);
  let sigmas: Float32Array = new Float32Array(0);
  let ready = false;
  let outputs: Float32Array[] = [];
  let lowerOrderNums = 0;
  let batchSize = 1;
  const index = new StepIndex();
  let predicted: Float32Array | undefined;

  const update = (i: number, stepOrder: number, sample: Float32Array, z: Float32Array | null) => {
    const t = vp(sigmas[i + 1]);
    const s0 = vp(sigmas[i]);
    const h = t.lambda - s0.lambda;
    const m0 = outputs[outputs.length - 1];
    const n = sample.length;
    const out = new Float32Array(n);
    // D0 and the finite-difference corrections D1 (and D2 for third order), eqs. 9-10.
    let d1: ((k: number) => number) | null = null;
    let d2: ((k: number) => number) | null = null;
    if (stepOrder >= 2) {
      const s1 = vp(sigmas[i - 1]);
      const m1 = outputs[outputs.length - 2];
      const r0 = (s0.lambda - s1.lambda) / h;
      if (stepOrder === 2) {
        d1 = (k) => (1 / r0) * (m0[k] - m1[k]);
      } else {
        const s2 = vp(sigmas[i - 2]);
        const m2 = outputs[outputs.length - 3];
        const r1 = (s1.lambda - s2.lambda) / h;
        const d10 = (k: number) => (1 / r0) * (m0[k] - m1[k]);
        const d11 = (k: number) => (1 / r1) * (m1[k] - m2[k]);
        d1 = (k) => d10(k) + (r0 / (r0 + r1)) * (d10(k) - d11(k));
        d2 = (k) => (1 / (r0 + r1)) * (d10(k) - d11(k));
      }
    }
    const heun = cfg.solver_type === 'heun' || stepOrder === 3;
    const em = Math.exp(-h) - 1; // e^{-h} − 1
    const ep = Math.exp(h) - 1; // e^{h} − 1
    const e2 = 1 - Math.exp(-2 * h); // 1 − e^{-2h}
    for (let k = 0; k < n; k++) {
      const x = sample[k];
      const D1 = d1 ? d1(k) : 0;
      const D2 = d2 ? d2(k) : 0;
      let v: number;
      if (algorithm === 'dpmsolver++') {
        v = (t.sigma / s0.sigma) * x - t.alpha * em * m0[k];
        if (d1) v += heun ? t.alpha * (em / h + 1) * D1 : -0.5 * t.alpha * em * D1;
        if (d2) v -= t.alpha * ((em + h) / (h * h) - 0.5) * D2;
      } else if (algorithm === 'dpmsolver') {
        v = (t.alpha / s0.alpha) * x - t.sigma * ep * m0[k];
        if (d1) v -= heun ? t.sigma * (ep / h - 1) * D1 : 0.5 * t.sigma * ep * D1;
        if (d2) v -= t.sigma * ((ep - h) / (h * h) - 0.5) * D2;
      } else if (algorithm === 'sde-dpmsolver++') {
        v = (t.sigma / s0.sigma) * Math.exp(-h) * x + t.alpha * e2 * m0[k];
        if (d1) v += heun || d2 ? t.alpha * (e2 / (-2 * h) + 1) * D1 : 0.5 * t.alpha * e2 * D1;
        if (d2) v += t.alpha * ((e2 - 2 * h) / (2 * h) ** 2 - 0.5) * D2;
        v += t.sigma * Math.sqrt(e2) * z![k];
      } else {
        v = (t.alpha / s0.alpha) * x - 2 * t.sigma * ep * m0[k];
        if (d1) v -= (heun ? 2 * t.sigma * (ep / h - 1) : t.sigma * ep) * D1;
        v += t.sigma * Math.sqrt(Math.exp(2 * h) - 1) * z![k];
      }
      out[k] = v;
    }
    return out;
  };

  return {
    name,
    config: cfg,
    order: 1,
    initNoiseSigma: 1,
    stochastic: sde,
    get timesteps() {
      return timesteps;
    },
    get sigmas() {
      return sigmas;
    },
    get predictedOriginal() {
      return predicted;
    },
    setBatchSize(n: number) {
      batchSize = n;
    },
    setTimesteps(n) {
      const sched = multistepSchedule(cfg, alphas, n, {
        final: cfg.final_sigmas_type as 'zero' | 'sigma_min',
        keepCosineRampFractional: true,
        lastTimestep: train - clipped,
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
    step(modelOutput, t, sample, noise?: NoiseSource) {
      requireTimesteps(name, ready);
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      const i = index.resolve(timesteps, t, 'last');
      const len = timesteps.length;
      const shortSchedule = (cfg.lower_order_final as boolean) && len < 15;
      const lowerFinal =
        i === len - 1 &&
        ((cfg.euler_at_final as boolean) || shortSchedule || cfg.final_sigmas_type === 'zero');
      const lowerSecond = i === len - 2 && shortSchedule;
      const converted = dataPrediction
        ? toX0(cfg, sigmas[i], modelOutput, sample, batchSize)
        : toEpsilon(cfg, sigmas[i], modelOutput, sample, batchSize);
      outputs.push(converted);
      if (outputs.length > order) outputs.shift();
      // SDE variants draw one noise tensor per step, after converting the model output.
      const z = sde ? drawNoise(name, noise, sample.length) : null;
      let stepOrder = 3;
      if (order === 1 || lowerOrderNums < 1 || lowerFinal) stepOrder = 1;
      else if (order === 2 || lowerOrderNums < 2 || lowerSecond) stepOrder = 2;
      const out = update(i, stepOrder, sample, z);
      if (lowerOrderNums < order) lowerOrderNums++;
      index.current = i + 1;
      predicted = dataPrediction ? converted : undefined;
      return out;
    },
    addNoise(original, noiseTensor, t) {
      return addNoiseMultistep(
        original,
        noiseTensor,
        sigmas[index.forAddNoise(timesteps, t, 'last')],
      );
    },
  };
}
