/**
 * Heun's second-order sampler: Karras et al. 2022, "Elucidating the Design Space...", Algorithm 1
 * (without churn). Each step is an Euler predictor followed by a trapezoidal corrector, so the
 * schedule lists every inner timestep twice. Port of diffusers' HeunDiscreteScheduler.
 */
import { PREDICTION_TYPES, type ConfigSpec, type ConfigValue } from './config.ts';
import {
  K_SIGMA_DEFAULTS,
  kAddNoise,
  kInitNoiseSigma,
  kPredictX0,
  kScale,
  kSchedule,
} from './k-common.ts';
import { makeAlphasCumprod, TIMESTEP_SPACINGS, trainSigmas, type BetaConfig } from './schedule.ts';
import { checkSameLength, StepIndex } from './support.ts';
import type { Scheduler } from './types.ts';

/** Heun and KDPM2 default to Stable Diffusion's beta range (still a linear schedule). */
export const SD_LINEAR_BETAS = {
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'linear',
  trained_betas: null,
} as const;

export const HEUN_SPEC: ConfigSpec = {
  defaults: {
    ...SD_LINEAR_BETAS,
    prediction_type: 'epsilon',
    ...K_SIGMA_DEFAULTS,
    clip_sample: false,
    clip_sample_range: 1.0,
    timestep_spacing: 'linspace',
    steps_offset: 0,
  },
  choices: { prediction_type: PREDICTION_TYPES, timestep_spacing: TIMESTEP_SPACINGS },
};

/** [a0, a1, a1, …, a_{n-1}, a_{n-1}, a_n]: diffusers' repeat_interleave of the inner values. */
export function interleaveInner(values: ArrayLike<number>): Float32Array {
  const n = values.length;
  const out = new Float32Array(2 * n - 2);
  out[0] = values[0];
  for (let k = 1; k < n - 1; k++) out[2 * k - 1] = out[2 * k] = values[k];
  out[2 * n - 3] = values[n - 1];
  return out;
}

export function createHeun(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  const train = cfg.num_train_timesteps as number;
  const tSig = trainSigmas(alphas);
  let timesteps: Float32Array = Float32Array.from({ length: train }, (_, i) => train - 1 - i);
  let sigmas: Float32Array = interleaveInner([...Array.from(tSig).reverse(), 0]);
  const index = new StepIndex();
  // Predictor state: its derivative, step size and starting sample; null means first order next.
  let firstOrder: { derivative: Float32Array; dt: number; sample: Float32Array } | null = null;
  let predicted: Float32Array | undefined;

  return {
    name,
    config: cfg,
    order: 2,
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
    setTimesteps(n) {
      const ks = kSchedule(cfg, alphas, n);
      sigmas = interleaveInner([...Array.from(ks.sigmas), 0]);
      const ts = Float32Array.from(ks.timesteps);
      timesteps = interleaveInner([...Array.from(ts), 0]).subarray(0, 2 * n - 1);
      index.reset();
      firstOrder = null;
    },
    setBeginIndex(i) {
      index.setBegin(i, timesteps.length);
    },
    scaleModelInput(sample, t) {
      return kScale(sample, sigmas[index.resolve(timesteps, t)]);
    },
    step(modelOutput, t, sample) {
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      const i = index.resolve(timesteps, t);
      const n = sample.length;
      const pred = cfg.prediction_type as string;
      const x0 = new Float32Array(n);
      const derivative = new Float32Array(n);
      const out = new Float32Array(n);
      // Predictor and corrector both evaluate at the σ of the current index (σ̂ resp. σ_next).
      const sigmaAt = sigmas[i];
      for (let k = 0; k < n; k++) {
        let v = kPredictX0(pred, sigmaAt, modelOutput[k], sample[k]);
        if (cfg.clip_sample) {
          const r = cfg.clip_sample_range as number;
          v = Math.min(Math.max(v, -r), r);
        }
        x0[k] = v;
        derivative[k] = (sample[k] - v) / sigmaAt;
      }
      if (firstOrder === null) {
        const dt = sigmas[i + 1] - sigmas[i];
        for (let k = 0; k < n; k++) out[k] = sample[k] + derivative[k] * dt;
        firstOrder = { derivative, dt, sample };
      } else {
        const { derivative: d1, dt, sample: start } = firstOrder;
        for (let k = 0; k < n; k++) out[k] = start[k] + ((d1[k] + derivative[k]) / 2) * dt;
        firstOrder = null;
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
