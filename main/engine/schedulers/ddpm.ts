/**
 * DDPM ancestral sampling: Ho, Jain & Abbeel 2020, "Denoising Diffusion Probabilistic Models",
 * eqs. 6-7 (posterior mean and variance). Port of diffusers' DDPMScheduler (scheduling_ddpm.py).
 */
import { BETA_DEFAULTS, PREDICTION_TYPES, type ConfigSpec, type ConfigValue } from './config.ts';
import { addNoiseVp, postprocessX0 } from './ddim.ts';
import { f32 } from './numeric.ts';
import {
  integerTimesteps,
  makeAlphasCumprod,
  TIMESTEP_SPACINGS,
  type BetaConfig,
} from './schedule.ts';
import { alphaAt, checkSameLength, drawNoise, indexForTimestep } from './support.ts';
import type { NoiseSource, Scheduler } from './types.ts';

// NOTE: "learned" and "learned_range" need a model that predicts its variance (SD models do not),
// and diffusers' "fixed_large_log" takes the square root of a negative log, so none are offered.
const VARIANCE_TYPES = ['fixed_small', 'fixed_small_log', 'fixed_large'] as const;

export const DDPM_SPEC: ConfigSpec = {
  defaults: {
    ...BETA_DEFAULTS,
    variance_type: 'fixed_small',
    clip_sample: true,
    prediction_type: 'epsilon',
    thresholding: false,
    dynamic_thresholding_ratio: 0.995,
    clip_sample_range: 1.0,
    sample_max_value: 1.0,
    timestep_spacing: 'leading',
    steps_offset: 0,
    rescale_betas_zero_snr: false,
  },
  choices: {
    prediction_type: PREDICTION_TYPES,
    timestep_spacing: TIMESTEP_SPACINGS,
    variance_type: VARIANCE_TYPES,
  },
};

export function createDdpm(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const train = cfg.num_train_timesteps as number;
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  // Before setTimesteps the schedule is every training step and prev_t is simply t - 1.
  let custom = false;
  let batchSize = 1;
  let timesteps: Float32Array = Float32Array.from({ length: train }, (_, i) => train - 1 - i);
  let predicted: Float32Array | undefined;

  const previousTimestep = (t: number) => {
    if (!custom) return t - 1;
    const i = indexForTimestep(timesteps, t);
    return i === timesteps.length - 1 ? -1 : timesteps[i + 1];
  };

  return {
    name,
    config: cfg,
    order: 1,
    initNoiseSigma: 1,
    stochastic: true,
    get timesteps() {
      return timesteps;
    },
    get predictedOriginal() {
      return predicted;
    },
    setBatchSize(n: number) {
      batchSize = n;
    },
    setTimesteps(n) {
      timesteps = Float32Array.from(
        integerTimesteps(cfg.timestep_spacing as string, train, n, cfg.steps_offset as number),
      );
      custom = true;
    },
    setBeginIndex() {},
    scaleModelInput: (sample) => sample,
    step(modelOutput, t, sample, noise?: NoiseSource) {
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      const prev = previousTimestep(t);
      // The scalar coefficients are 0-d float32 tensors in diffusers; 1 − ᾱ_t/ᾱ_prev cancels
      // catastrophically near t = 0, so they are rounded to float32 step by step as torch does.
      const a = alphaAt(alphas, t);
      const aPrev = prev >= 0 ? alphas[prev] : 1;
      const beta = f32(1 - a);
      const betaPrev = f32(1 - aPrev);
      const alphaT = f32(a / aPrev);
      const betaT = f32(1 - alphaT);
      const n = sample.length;
      let x0: Float32Array = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const m = modelOutput[i];
        if (cfg.prediction_type === 'epsilon')
          x0[i] = (sample[i] - Math.sqrt(beta) * m) / Math.sqrt(a);
        else if (cfg.prediction_type === 'sample') x0[i] = m;
        else x0[i] = Math.sqrt(a) * sample[i] - Math.sqrt(beta) * m;
      }
      x0 = postprocessX0(cfg, x0, batchSize);
      // Posterior mean coefficients, Ho et al. eq. 7.
      const cx0 = f32(f32(f32(Math.sqrt(aPrev)) * betaT) / beta);
      const cxt = f32(f32(f32(Math.sqrt(alphaT)) * betaPrev) / beta);
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = cx0 * x0[i] + cxt * sample[i];
      if (t > 0) {
        const z = drawNoise(name, noise, n);
        const small = Math.max(f32(f32(betaPrev / beta) * betaT), 1e-20);
        const scale =
          cfg.variance_type === 'fixed_large'
            ? Math.sqrt(betaT)
            : cfg.variance_type === 'fixed_small_log'
              ? Math.exp(0.5 * Math.log(small))
              : Math.sqrt(small);
        for (let i = 0; i < n; i++) out[i] += scale * z[i];
      }
      predicted = x0;
      return out;
    },
    addNoise: (original, noiseTensor, t) => addNoiseVp(alphas, original, noiseTensor, t),
  };
}
