/**
 * Latent Consistency Models: Luo et al. 2023, "Latent Consistency Models", Algorithm 1 (multistep
 * consistency sampling) with the boundary-condition scalings c_skip, c_out of Song et al. 2023,
 * "Consistency Models", §3 (σ_data = 0.5). Port of diffusers' LCMScheduler (scheduling_lcm.py).
 */
import { invalidArgument } from '../../../common/errors.ts';
import { PREDICTION_TYPES, type ConfigSpec, type ConfigValue } from './config.ts';
import { addNoiseVp, postprocessX0 } from './ddim.ts';
import { npLinspace } from './numeric.ts';
import { makeAlphasCumprod, TIMESTEP_SPACINGS, type BetaConfig } from './schedule.ts';
import { alphaAt, checkSameLength, drawNoise, requireTimesteps, StepIndex } from './support.ts';
import type { NoiseSource, Scheduler } from './types.ts';

export const SD_SCALED_LINEAR_BETAS = {
  num_train_timesteps: 1000,
  beta_start: 0.00085,
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  trained_betas: null,
} as const;

export const LCM_SPEC: ConfigSpec = {
  defaults: {
    ...SD_SCALED_LINEAR_BETAS,
    original_inference_steps: 50,
    clip_sample: false,
    clip_sample_range: 1.0,
    set_alpha_to_one: true,
    steps_offset: 0,
    prediction_type: 'epsilon',
    thresholding: false,
    dynamic_thresholding_ratio: 0.995,
    sample_max_value: 1.0,
    timestep_spacing: 'leading',
    timestep_scaling: 10.0,
    rescale_betas_zero_snr: false,
  },
  choices: { prediction_type: PREDICTION_TYPES, timestep_spacing: TIMESTEP_SPACINGS },
};

/**
 * The distillation schedule: `original_inference_steps` evenly spaced training steps
 * (k−1, 2k−1, …, T−1 with k = T / original steps), from which N are picked evenly, top first.
 */
export function consistencyTimesteps(train: number, original: number, n: number): Float32Array {
  if (!Number.isInteger(original) || original < 1 || original > train) {
    throw invalidArgument('original_inference_steps', original, `an integer from 1 to ${train}`);
  }
  if (!Number.isInteger(n) || n < 1 || n > original) {
    throw invalidArgument(
      'numInferenceSteps',
      n,
      `an integer from 1 to original_inference_steps (${original})`,
    );
  }
  const k = Math.floor(train / original);
  const origin = Array.from({ length: original }, (_, i) => (original - i) * k - 1);
  const picks = npLinspace(0, origin.length, n, false);
  return Float32Array.from(picks, (p) => origin[Math.floor(p)]);
}

/** c_skip and c_out for timestep t (Song et al. 2023, eq. 7 with σ_data = 0.5). */
export function boundaryScalings(t: number, scaling: number): { cSkip: number; cOut: number } {
  const st = t * scaling;
  return { cSkip: 0.25 / (st * st + 0.25), cOut: st / Math.sqrt(st * st + 0.25) };
}

export function createLcm(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  const finalAlpha = cfg.set_alpha_to_one ? 1 : alphas[0];
  const train = cfg.num_train_timesteps as number;
  let timesteps: Float32Array = Float32Array.from({ length: train }, (_, i) => train - 1 - i);
  let ready = false;
  let batchSize = 1;
  const index = new StepIndex();
  let predicted: Float32Array | undefined;

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
      timesteps = consistencyTimesteps(train, cfg.original_inference_steps as number, n);
      ready = true;
      index.reset();
    },
    setBeginIndex(i) {
      index.setBegin(i, timesteps.length);
    },
    scaleModelInput: (sample) => sample,
    step(modelOutput, t, sample, noise?: NoiseSource) {
      requireTimesteps(name, ready);
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      const i = index.resolve(timesteps, t);
      const isLast = i === timesteps.length - 1;
      const prev = isLast ? t : timesteps[i + 1];
      const a = alphaAt(alphas, t);
      const aPrev = prev >= 0 ? alphas[prev] : finalAlpha;
      const { cSkip, cOut } = boundaryScalings(t, cfg.timestep_scaling as number);
      const n = sample.length;
      let x0: Float32Array = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        const m = modelOutput[k];
        if (cfg.prediction_type === 'epsilon')
          x0[k] = (sample[k] - Math.sqrt(1 - a) * m) / Math.sqrt(a);
        else if (cfg.prediction_type === 'sample') x0[k] = m;
        else x0[k] = Math.sqrt(a) * sample[k] - Math.sqrt(1 - a) * m;
      }
      x0 = postprocessX0(cfg, x0, batchSize);
      const denoised = Float32Array.from(x0, (v, k) => cOut * v + cSkip * sample[k]);
      predicted = denoised;
      index.current = i + 1;
      if (isLast) return denoised;
      // Re-noise the consistency estimate to the next timestep (Luo et al. Algorithm 1, line 6).
      const z = drawNoise(name, noise, n);
      return Float32Array.from(
        denoised,
        (d, k) => Math.sqrt(aPrev) * d + Math.sqrt(1 - aPrev) * z[k],
      );
    },
    addNoise: (original, noise, t) => addNoiseVp(alphas, original, noise, t),
  };
}
