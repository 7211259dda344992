/**
 * Linear multistep (k-diffusion `sample_lms`, after Karras et al. 2022): the ODE dx/dσ = d(x, σ) is
 * integrated with Adams-Bashforth weights from the Lagrange interpolant of the last ≤ 4
 * derivatives. Port of diffusers' LMSDiscreteScheduler (scheduling_lms_discrete.py).
 */
import { BETA_DEFAULTS, PREDICTION_TYPES, type ConfigSpec, type ConfigValue } from './config.ts';
import {
  K_SIGMA_DEFAULTS,
  kAddNoise,
  kInitNoiseSigma,
  kPredictX0,
  kScale,
  kSchedule,
} from './k-common.ts';
import { makeAlphasCumprod, TIMESTEP_SPACINGS, type BetaConfig } from './schedule.ts';
import { checkSameLength, StepIndex } from './support.ts';
import type { Scheduler } from './types.ts';

export const LMS_SPEC: ConfigSpec = {
  defaults: {
    ...BETA_DEFAULTS,
    ...K_SIGMA_DEFAULTS,
    prediction_type: 'epsilon',
    timestep_spacing: 'linspace',
    steps_offset: 0,
  },
  choices: { prediction_type: PREDICTION_TYPES, timestep_spacing: TIMESTEP_SPACINGS },
};

const MAX_ORDER = 4;
// 3-point Gauss-Legendre: exact for polynomials up to degree 5; the integrand has degree ≤ 3.
const GL_NODES = [-Math.sqrt(3 / 5), 0, Math.sqrt(3 / 5)];
const GL_WEIGHTS = [5 / 9, 8 / 9, 5 / 9];

/**
 * ∫_{σ_i}^{σ_{i+1}} ∏_{k≠j, k<order} (τ − σ_{i−k}) / (σ_{i−j} − σ_{i−k}) dτ, the weight of the
 * j-th most recent derivative (diffusers `get_lms_coefficient`, which uses scipy quad).
 */
export function lmsCoefficient(sigmas: Float32Array, order: number, i: number, j: number): number {
  const basis = (tau: number) => {
    let prod = 1;
    for (let k = 0; k < order; k++) {
      if (k === j) continue;
      prod *= (tau - sigmas[i - k]) / (sigmas[i - j] - sigmas[i - k]);
    }
    return prod;
  };
  const a = sigmas[i];
  const b = sigmas[i + 1];
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  let sum = 0;
  for (let q = 0; q < 3; q++) sum += GL_WEIGHTS[q] * basis(mid + half * GL_NODES[q]);
  return sum * half;
}

export function createLms(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  let timesteps: Float32Array = new Float32Array(0);
  let sigmas: Float32Array = new Float32Array(0);
  const index = new StepIndex();
  let derivatives: Float32Array[] = [];
  let predicted: Float32Array | undefined;

  const setTimesteps = (n: number) => {
    const ks = kSchedule(cfg, alphas, n);
    timesteps = Float32Array.from(ks.timesteps);
    sigmas = Float32Array.from([...Array.from(ks.sigmas), 0]);
    index.reset();
    derivatives = [];
  };
  // diffusers' constructor runs set_timesteps(num_train_timesteps).
  setTimesteps(cfg.num_train_timesteps as number);

  return {
    name,
    config: cfg,
    order: 1,
    get initNoiseSigma() {
      return kInitNoiseSigma(cfg, sigmas);
    },
    stochastic: false,
    get timesteps() {
      return timesteps;
    },
    get sigmas() {
      return sigmas;
    },
    get predictedOriginal() {
      return predicted;
    },
    setTimesteps,
    setBeginIndex(i) {
      index.setBegin(i, timesteps.length);
    },
    scaleModelInput(sample, t) {
      return kScale(sample, sigmas[index.resolve(timesteps, t)]);
    },
    step(modelOutput, t, sample) {
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      const i = index.resolve(timesteps, t);
      const sigma = sigmas[i];
      const n = sample.length;
      const x0 = new Float32Array(n);
      const derivative = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        x0[k] = kPredictX0(cfg.prediction_type as string, sigma, modelOutput[k], sample[k]);
        derivative[k] = (sample[k] - x0[k]) / sigma;
      }
      derivatives.push(derivative);
      if (derivatives.length > MAX_ORDER) derivatives.shift();
      // The order follows the global step index, not the history length (diffusers behaviour):
      // a schedule entered mid-way applies high-order weights to the derivatives it has.
      const order = Math.min(i + 1, MAX_ORDER);
      const used = Math.min(order, derivatives.length);
      const coeffs = Array.from({ length: used }, (_, j) => lmsCoefficient(sigmas, order, i, j));
      const out = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        let acc = 0;
        for (let j = 0; j < used; j++)
          acc += coeffs[j] * derivatives[derivatives.length - 1 - j][k];
        out[k] = sample[k] + acc;
      }
      index.current = i + 1;
      predicted = x0;
      return out;
    },
    addNoise(original, noise, t) {
      checkSameLength(original, noise, 'original', 'noise');
      return kAddNoise(original, noise, sigmas[index.forAddNoise(timesteps, t)]);
    },
  };
}
