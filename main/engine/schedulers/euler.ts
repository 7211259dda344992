/**
 * Euler (Karras et al. 2022, Algorithm 2, with optional churn) and Euler ancestral
 * (k-diffusion `sample_euler_ancestral`). Ports of diffusers' EulerDiscreteScheduler and
 * EulerAncestralDiscreteScheduler.
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
import { f32, torchLinspaceF32 } from './numeric.ts';
import { makeAlphasCumprod, TIMESTEP_SPACINGS, trainSigmas, type BetaConfig } from './schedule.ts';
import { checkSameLength, drawNoise, StepIndex } from './support.ts';
import type { NoiseSource, Scheduler } from './types.ts';

export const EULER_SPEC: ConfigSpec = {
  defaults: {
    ...BETA_DEFAULTS,
    prediction_type: 'epsilon',
    interpolation_type: 'linear',
    ...K_SIGMA_DEFAULTS,
    sigma_min: null,
    sigma_max: null,
    timestep_spacing: 'linspace',
    timestep_type: 'discrete',
    steps_offset: 0,
    rescale_betas_zero_snr: false,
    final_sigmas_type: 'zero',
    // Step-time arguments of diffusers' step() ("churn", Karras et al. 2022 Algorithm 2).
    s_churn: 0,
    s_tmin: 0,
    s_tmax: Number.POSITIVE_INFINITY,
    s_noise: 1,
  },
  nullableNumbers: ['sigma_min', 'sigma_max'],
  choices: {
    prediction_type: PREDICTION_TYPES,
    timestep_spacing: TIMESTEP_SPACINGS,
    interpolation_type: ['linear', 'log_linear'],
    timestep_type: ['discrete', 'continuous'],
    final_sigmas_type: ['zero', 'sigma_min'],
  },
};

export const EULER_ANCESTRAL_SPEC: ConfigSpec = {
  defaults: {
    ...BETA_DEFAULTS,
    prediction_type: 'epsilon',
    timestep_spacing: 'linspace',
    steps_offset: 0,
    rescale_betas_zero_snr: false,
  },
  // diffusers raises NotImplementedError for "sample" in EulerAncestral.
  choices: { prediction_type: ['epsilon', 'v_prediction'], timestep_spacing: TIMESTEP_SPACINGS },
};

interface EulerState {
  timesteps: Float32Array;
  sigmas: Float32Array;
}

function eulerSchedule(
  cfg: Record<string, ConfigValue>,
  alphas: Float32Array,
  n: number,
): EulerState {
  const ks = kSchedule(cfg, alphas, n);
  let sigmas: ArrayLike<number> = ks.sigmas;
  if (cfg.interpolation_type === 'log_linear') {
    // N+1 sigmas log-spaced over the whole training range, as diffusers does (in float32).
    const tSig = ks.trainSigmas;
    const logs = torchLinspaceF32(
      f32(Math.log(tSig[tSig.length - 1])),
      f32(Math.log(tSig[0])),
      n + 1,
    );
    sigmas = logs.map((v) => Math.exp(v));
  }
  const last = cfg.final_sigmas_type === 'sigma_min' ? ks.trainSigmas[0] : 0;
  const sig = Float32Array.from([...Array.from(sigmas), last]);
  const timesteps =
    cfg.timestep_type === 'continuous' && cfg.prediction_type === 'v_prediction'
      ? Float32Array.from(sig.subarray(0, sig.length - 1), (s) => 0.25 * f32(Math.log(s)))
      : Float32Array.from(ks.timesteps);
  return { timesteps, sigmas: sig };
}

export function createEuler(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  const train = cfg.num_train_timesteps as number;
  // The pre-setTimesteps state: every training step, sigmas descending plus a final zero.
  const tSig = trainSigmas(alphas);
  let state: EulerState = {
    timesteps: Float32Array.from({ length: train }, (_, i) => train - 1 - i),
    sigmas: Float32Array.from([...Array.from(tSig).reverse(), 0]),
  };
  const index = new StepIndex();
  const churn = cfg.s_churn as number;
  let predicted: Float32Array | undefined;

  return {
    name,
    config: cfg,
    order: 1,
    get initNoiseSigma() {
      return kInitNoiseSigma(cfg, state.sigmas);
    },
    stochastic: churn > 0,
    get timesteps() {
      return state.timesteps;
    },
    get sigmas() {
      return state.sigmas;
    },
    get predictedOriginal() {
      return predicted;
    },
    setTimesteps(n) {
      state = eulerSchedule(cfg, alphas, n);
      index.reset();
    },
    setBeginIndex(i) {
      index.setBegin(i, state.timesteps.length);
    },
    scaleModelInput(sample, t) {
      return kScale(sample, state.sigmas[index.resolve(state.timesteps, t)]);
    },
    step(modelOutput, t, sample, noise?: NoiseSource) {
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      const i = index.resolve(state.timesteps, t);
      const sigmas = state.sigmas;
      const sigma = sigmas[i];
      const inRange = (cfg.s_tmin as number) <= sigma && sigma <= (cfg.s_tmax as number);
      const gamma = inRange ? Math.min(churn / (sigmas.length - 1), Math.SQRT2 - 1) : 0;
      const sigmaHat = sigma * (gamma + 1);
      const n = sample.length;
      let x: ArrayLike<number> = sample;
      if (gamma > 0) {
        const z = drawNoise(name, noise, n);
        const amount = (cfg.s_noise as number) * Math.sqrt(sigmaHat * sigmaHat - sigma * sigma);
        x = Float32Array.from(sample, (v, k) => v + z[k] * amount);
      }
      const dt = sigmas[i + 1] - sigmaHat;
      const out = new Float32Array(n);
      const x0 = new Float32Array(n);
      const pred = cfg.prediction_type as string;
      for (let k = 0; k < n; k++) {
        // v-prediction converts with σ, epsilon with σ̂ (diffusers behaviour).
        x0[k] = kPredictX0(pred, pred === 'v_prediction' ? sigma : sigmaHat, modelOutput[k], x[k]);
        out[k] = x[k] + ((x[k] - x0[k]) / sigmaHat) * dt;
      }
      index.current = i + 1;
      predicted = x0;
      return out;
    },
    addNoise(original, noiseTensor, t) {
      checkSameLength(original, noiseTensor, 'original', 'noise');
      return kAddNoise(original, noiseTensor, state.sigmas[index.forAddNoise(state.timesteps, t)]);
    },
  };
}

export function createEulerAncestral(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  const train = cfg.num_train_timesteps as number;
  const tSig = trainSigmas(alphas);
  let timesteps: Float32Array = Float32Array.from({ length: train }, (_, i) => train - 1 - i);
  let sigmas: Float32Array = Float32Array.from([...Array.from(tSig).reverse(), 0]);
  const index = new StepIndex();
  let predicted: Float32Array | undefined;

  return {
    name,
    config: cfg,
    order: 1,
    get initNoiseSigma() {
      return kInitNoiseSigma(cfg, sigmas);
    },
    stochastic: true,
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
      const ks = kSchedule({ ...cfg, ...NO_RAMP }, alphas, n);
      timesteps = Float32Array.from(ks.timesteps);
      sigmas = Float32Array.from([...Array.from(ks.sigmas), 0]);
      index.reset();
    },
    setBeginIndex(i) {
      index.setBegin(i, timesteps.length);
    },
    scaleModelInput(sample, t) {
      return kScale(sample, sigmas[index.resolve(timesteps, t)]);
    },
    step(modelOutput, t, sample, noise?: NoiseSource) {
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      const i = index.resolve(timesteps, t);
      const from = sigmas[i];
      const to = sigmas[i + 1];
      // Ancestral split of the step (k-diffusion `get_ancestral_step`, η = 1).
      const up = Math.sqrt((to * to * (from * from - to * to)) / (from * from));
      const down = Math.sqrt(to * to - up * up);
      const dt = down - from;
      const n = sample.length;
      const out = new Float32Array(n);
      const x0 = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        x0[k] = kPredictX0(cfg.prediction_type as string, from, modelOutput[k], sample[k]);
        out[k] = sample[k] + ((sample[k] - x0[k]) / from) * dt;
      }
      // diffusers draws on every step, even the last one where σ_up = 0.
      const z = drawNoise(name, noise, n);
      for (let k = 0; k < n; k++) out[k] += z[k] * up;
      index.current = i + 1;
      predicted = x0;
      return out;
    },
    addNoise(original, noiseTensor, t) {
      checkSameLength(original, noiseTensor, 'original', 'noise');
      return kAddNoise(original, noiseTensor, sigmas[index.forAddNoise(timesteps, t)]);
    },
  };
}

const NO_RAMP = { use_karras_sigmas: false, use_exponential_sigmas: false, use_beta_sigmas: false };
