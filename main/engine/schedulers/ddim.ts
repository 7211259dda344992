/**
 * DDIM: Song, Meng & Ermon 2021, "Denoising Diffusion Implicit Models", eq. 12.
 * Port of diffusers' DDIMScheduler (scheduling_ddim.py).
 */
import { BETA_DEFAULTS, PREDICTION_TYPES, type ConfigSpec, type ConfigValue } from './config.ts';
import {
  integerTimesteps,
  makeAlphasCumprod,
  TIMESTEP_SPACINGS,
  type BetaConfig,
} from './schedule.ts';
import {
  alphaAt,
  checkSameLength,
  drawNoise,
  requireTimesteps,
  thresholdSample,
} from './support.ts';
import type { NoiseSource, Scheduler } from './types.ts';

export const DDIM_SPEC: ConfigSpec = {
  defaults: {
    ...BETA_DEFAULTS,
    clip_sample: true,
    set_alpha_to_one: true,
    steps_offset: 0,
    prediction_type: 'epsilon',
    thresholding: false,
    dynamic_thresholding_ratio: 0.995,
    clip_sample_range: 1.0,
    sample_max_value: 1.0,
    timestep_spacing: 'leading',
    rescale_betas_zero_snr: false,
    // Step-time arguments of diffusers' step(), accepted here so the catalog can set them.
    eta: 0,
    use_clipped_model_output: false,
  },
  choices: { prediction_type: PREDICTION_TYPES, timestep_spacing: TIMESTEP_SPACINGS },
};

/** σ_t(η)² of eq. 16 without η: the DDPM posterior variance between t and prev. */
export function ddimVariance(alphaProd: number, alphaProdPrev: number): number {
  return ((1 - alphaProdPrev) / (1 - alphaProd)) * (1 - alphaProd / alphaProdPrev);
}

export function createDdim(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const train = cfg.num_train_timesteps as number;
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  const finalAlpha = cfg.set_alpha_to_one ? 1 : alphas[0];
  const eta = cfg.eta as number;
  let numSteps: number | null = null;
  let batchSize = 1;
  let timesteps: Float32Array = Float32Array.from({ length: train }, (_, i) => train - 1 - i);
  let predicted: Float32Array | undefined;

  return {
    name,
    config: cfg,
    order: 1,
    initNoiseSigma: 1,
    stochastic: eta > 0,
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
      numSteps = n;
    },
    // DDIM is stateless: the step derives everything from t, so a begin index changes nothing.
    setBeginIndex() {},
    scaleModelInput: (sample) => sample,
    step(modelOutput, t, sample, noise?: NoiseSource) {
      requireTimesteps(name, numSteps !== null);
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      // The previous timestep is arithmetic, not the next list entry (diffusers behaviour).
      const prev = t - Math.floor(train / numSteps!);
      const a = alphaAt(alphas, t);
      const aPrev = prev >= 0 ? alphas[prev] : finalAlpha;
      const sa = Math.sqrt(a);
      const sb = Math.sqrt(1 - a);
      const n = sample.length;
      let x0: Float32Array = new Float32Array(n);
      const epsilon = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const m = modelOutput[i];
        const x = sample[i];
        if (cfg.prediction_type === 'epsilon') {
          x0[i] = (x - sb * m) / sa;
          epsilon[i] = m;
        } else if (cfg.prediction_type === 'sample') {
          x0[i] = m;
          epsilon[i] = (x - sa * x0[i]) / sb;
        } else {
          x0[i] = sa * x - sb * m;
          epsilon[i] = sa * m + sb * x;
        }
      }
      x0 = postprocessX0(cfg, x0, batchSize);
      const stdDev = eta * Math.sqrt(ddimVariance(a, aPrev));
      if (cfg.use_clipped_model_output) {
        for (let i = 0; i < n; i++) epsilon[i] = (sample[i] - sa * x0[i]) / sb;
      }
      const direction = Math.sqrt(1 - aPrev - stdDev * stdDev);
      const out = new Float32Array(n);
      const z = eta > 0 ? drawNoise(name, noise, n) : null;
      for (let i = 0; i < n; i++) {
        out[i] = Math.sqrt(aPrev) * x0[i] + direction * epsilon[i] + (z ? stdDev * z[i] : 0);
      }
      predicted = x0;
      return out;
    },
    addNoise: (original, noiseTensor, t) => addNoiseVp(alphas, original, noiseTensor, t),
  };
}

/** Clip or dynamically threshold the x0 prediction, as DDIM, DDPM and LCM do. */
export function postprocessX0(
  cfg: Record<string, ConfigValue>,
  x0: Float32Array,
  batchSize: number,
): Float32Array {
  if (cfg.thresholding) {
    return thresholdSample(
      x0,
      batchSize,
      cfg.dynamic_thresholding_ratio as number,
      cfg.sample_max_value as number,
    );
  }
  if (cfg.clip_sample) {
    const r = cfg.clip_sample_range as number;
    for (let i = 0; i < x0.length; i++) x0[i] = Math.min(Math.max(x0[i], -r), r);
  }
  return x0;
}

/** Forward diffusion q(x_t | x_0) = √ᾱ_t·x0 + √(1−ᾱ_t)·ε (Ho et al. 2020, eq. 4). */
export function addNoiseVp(
  alphas: Float32Array,
  original: Float32Array,
  noise: Float32Array,
  t: number,
): Float32Array {
  checkSameLength(original, noise, 'original', 'noise');
  const a = alphaAt(alphas, t);
  const sa = Math.sqrt(a);
  const sb = Math.sqrt(1 - a);
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = sa * original[i] + sb * noise[i];
  return out;
}
