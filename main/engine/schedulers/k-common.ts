/**
 * Shared pieces of the k-diffusion style schedulers (LMS, Euler, Euler ancestral, Heun, KDPM2):
 * the spaced sigma schedule and the x0 prediction in sigma parameterisation (Karras et al. 2022).
 */
import { EmulsionError, invalidArgument } from '../../../common/errors.ts';
import type { ConfigValue } from './config.ts';
import { f32, roundHalfEven } from './numeric.ts';
import {
  exponentialSigmas,
  floatTimesteps,
  interpSigmas,
  karrasSigmas,
  logSigmas,
  sigmaToT,
  trainSigmas,
} from './schedule.ts';

export interface KSchedule {
  /** Timesteps in float64 before diffusers casts them to float32. */
  timesteps: Float64Array;
  /** One sigma per timestep (float64, before the final sigma is appended). */
  sigmas: Float64Array;
  trainSigmas: Float32Array;
  logSigmas: Float32Array;
}

/**
 * diffusers' k-scheduler `set_timesteps`: spaced timesteps, sigmas interpolated linearly in σ,
 * then optionally replaced by a Karras or exponential ramp between the spaced schedule's ends
 * (or the config's sigma_min / sigma_max, for the classes that have them).
 */
export function kSchedule(
  cfg: Record<string, ConfigValue>,
  alphasCumprod: Float32Array,
  n: number,
  roundRampTimesteps = false,
): KSchedule {
  const train = cfg.num_train_timesteps as number;
  const spaced = floatTimesteps(
    cfg.timestep_spacing as string,
    train,
    n,
    cfg.steps_offset as number,
  );
  const tSig = trainSigmas(alphasCumprod);
  const logSig = logSigmas(tSig);
  let sigmas: Float64Array = interpSigmas(spaced, tSig);
  let timesteps: Float64Array = Float64Array.from(spaced);
  const sigmaMin = (cfg.sigma_min as number | null | undefined) ?? sigmas[sigmas.length - 1];
  const sigmaMax = (cfg.sigma_max as number | null | undefined) ?? sigmas[0];
  checkSigmaRamp(cfg);
  if (cfg.use_karras_sigmas || cfg.use_exponential_sigmas) {
    sigmas = cfg.use_karras_sigmas
      ? karrasSigmas(sigmaMin, sigmaMax, n)
      : exponentialSigmas(sigmaMin, sigmaMax, n);
    timesteps = sigmas.map((s) => sigmaToT(s, logSig));
    if (roundRampTimesteps && cfg.use_karras_sigmas) timesteps = timesteps.map(roundHalfEven);
  }
  return { timesteps, sigmas, trainSigmas: tSig, logSigmas: logSig };
}

/** At most one sigma ramp, and not beta sigmas, which Emulsion does not implement. */
export function checkSigmaRamp(cfg: Record<string, ConfigValue>): void {
  const ramps = ['use_karras_sigmas', 'use_exponential_sigmas', 'use_beta_sigmas'].filter(
    (k) => cfg[k],
  );
  if (ramps.length > 1) {
    throw new EmulsionError('INVALID_ARGUMENT', `Only one of ${ramps.join(', ')} can be true.`, {
      field: ramps[1],
      received: true,
      allowed: 'at most one sigma ramp',
    });
  }
  if (cfg.use_beta_sigmas) {
    // NOTE: beta sigmas need scipy's beta-distribution quantile; no pipeline default uses them.
    throw invalidArgument('use_beta_sigmas', true, 'false (beta sigmas are not implemented)');
  }
}

/** `init_noise_sigma`: σmax, or √(σmax² + 1) with leading spacing (computed in float32). */
export function kInitNoiseSigma(cfg: Record<string, ConfigValue>, sigmas: Float32Array): number {
  let max = 0;
  for (const s of sigmas) max = Math.max(max, s);
  if (cfg.timestep_spacing === 'linspace' || cfg.timestep_spacing === 'trailing') return max;
  return f32(Math.sqrt(f32(f32(max * max) + 1)));
}

/** x0 from the model output at noise level σ (eps: x − σε; v: Salimans & Ho 2022, eq. on v). */
export function kPredictX0(prediction: string, sigma: number, m: number, x: number): number {
  if (prediction === 'epsilon') return x - sigma * m;
  if (prediction === 'v_prediction')
    return m * (-sigma / Math.sqrt(sigma * sigma + 1)) + x / (sigma * sigma + 1);
  return m;
}

/** K-schedulers scale the model input by 1/√(σ² + 1) (Karras et al. 2022, Table 1, c_in). */
export function kScale(sample: Float32Array, sigma: number): Float32Array {
  const c = Math.sqrt(sigma * sigma + 1);
  return sample.map((v) => v / c);
}

/** `add_noise` of the k-schedulers: x + σ·n at the step the timestep maps to. */
export function kAddNoise(
  original: Float32Array,
  noise: Float32Array,
  sigma: number,
): Float32Array {
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = original[i] + noise[i] * sigma;
  return out;
}

export const K_SIGMA_DEFAULTS = {
  use_karras_sigmas: false,
  use_exponential_sigmas: false,
  use_beta_sigmas: false,
} as const;
