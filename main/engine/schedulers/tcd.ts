/**
 * Trajectory Consistency Distillation: Zheng et al. 2024, "Trajectory Consistency Distillation",
 * strategic stochastic sampling (§4.3, eq. 11): predict x0 and ε, move to the intermediate step
 * s = ⌊(1 − γ)·t_prev⌋, then re-noise to t_prev with strength γ (`eta`). Port of diffusers'
 * TCDScheduler (scheduling_tcd.py).
 */
import { invalidArgument } from '../../../common/errors.ts';
import { PREDICTION_TYPES, type ConfigSpec, type ConfigValue } from './config.ts';
import { addNoiseVp } from './ddim.ts';
import { consistencyTimesteps, SD_SCALED_LINEAR_BETAS } from './lcm.ts';
import { makeAlphasCumprod, TIMESTEP_SPACINGS, type BetaConfig } from './schedule.ts';
import { alphaAt, checkSameLength, drawNoise, requireTimesteps, StepIndex } from './support.ts';
import type { NoiseSource, Scheduler } from './types.ts';

export const TCD_SPEC: ConfigSpec = {
  defaults: {
    ...SD_SCALED_LINEAR_BETAS,
    original_inference_steps: 50,
    clip_sample: false,
    clip_sample_range: 1.0,
    set_alpha_to_one: true,
    steps_offset: 0,
    prediction_type: 'epsilon',
    thresholding: false,
    sample_max_value: 1.0,
    timestep_spacing: 'leading',
    timestep_scaling: 10.0,
    rescale_betas_zero_snr: false,
    // diffusers' step() argument `eta` (γ in the paper), 0.3 by default: stochastic.
    eta: 0.3,
  },
  choices: { prediction_type: PREDICTION_TYPES, timestep_spacing: TIMESTEP_SPACINGS },
  normalize(cfg) {
    const eta = cfg.eta as number;
    if (!(eta >= 0 && eta <= 1)) throw invalidArgument('eta', eta, 'a number from 0 to 1');
  },
};

export function createTcd(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  const finalAlpha = cfg.set_alpha_to_one ? 1 : alphas[0];
  const eta = cfg.eta as number;
  const train = cfg.num_train_timesteps as number;
  let timesteps: Float32Array = Float32Array.from({ length: train }, (_, i) => train - 1 - i);
  let ready = false;
  const index = new StepIndex();
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
      // The last step lands on t = 0 (ᾱ[0]), not on a clean sample.
      const prev = isLast ? 0 : timesteps[i + 1];
      const s = Math.floor((1 - eta) * prev);
      const a = alphaAt(alphas, t);
      const aPrev = prev >= 0 ? alphas[prev] : finalAlpha;
      const aS = alphas[s];
      const sa = Math.sqrt(a);
      const sb = Math.sqrt(1 - a);
      const n = sample.length;
      const x0 = new Float32Array(n);
      const noised = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        const m = modelOutput[k];
        const x = sample[k];
        let eps: number;
        if (cfg.prediction_type === 'epsilon') {
          x0[k] = (x - sb * m) / sa;
          eps = m;
        } else if (cfg.prediction_type === 'sample') {
          x0[k] = m;
          eps = (x - sa * m) / sb;
        } else {
          x0[k] = sa * x - sb * m;
          eps = sa * m + sb * x;
        }
        noised[k] = Math.sqrt(aS) * x0[k] + Math.sqrt(1 - aS) * eps;
      }
      predicted = x0;
      index.current = i + 1;
      if (eta === 0 || isLast) return noised;
      const z = drawNoise(name, noise, n);
      const keep = Math.sqrt(aPrev / aS);
      const add = Math.sqrt(1 - aPrev / aS);
      return Float32Array.from(noised, (v, k) => keep * v + add * z[k]);
    },
    addNoise: (original, noise, t) => addNoiseVp(alphas, original, noise, t),
  };
}
