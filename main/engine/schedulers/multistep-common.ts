/**
 * Shared pieces of the exponential-integrator multistep solvers (DPM-Solver++, UniPC, DEIS):
 * the N+1-point schedule with its final sigma, the VP (α, σ) view of a k-sigma, and x0 / ε
 * conversion of the model output.
 */
import { invalidArgument } from '../../../common/errors.ts';
import type { ConfigValue } from './config.ts';
import { checkSigmaRamp } from './k-common.ts';
import { roundHalfEven } from './numeric.ts';
import {
  exponentialSigmas,
  interpSigmas,
  karrasSigmas,
  logSigmas,
  luLambdas,
  multistepTimesteps,
  sigmaToT,
  trainSigmas,
} from './schedule.ts';
import { checkSameLength, thresholdSample } from './support.ts';

export interface MultistepOptions {
  /** What follows the last sigma: 0, σ(t = 0), or the last sigma again (DEIS ramps). */
  final: 'zero' | 'sigma_min' | 'repeat_last';
  /** UniPC ends a Karras/exponential ramp at the ramp's own last sigma rather than σ(t = 0). */
  rampEndsAtOwnSigma?: boolean;
  /** DPM-Solver keeps Karras/Lu timesteps fractional for cosine betas. */
  keepCosineRampFractional?: boolean;
  /** DPM-Solver's `lambda_min_clipped` trims the top of the schedule. */
  lastTimestep?: number;
}

export interface MultistepSchedule {
  timesteps: Float32Array;
  /** N+1 sigmas: one per timestep plus the final one. */
  sigmas: Float32Array;
}

/**
 * diffusers' multistep `set_timesteps`. `lastTimestep` trims the top of the schedule
 * (DPM-Solver's `lambda_min_clipped`). Karras / Lu / exponential ramps span the whole training
 * range; their timesteps are recovered with `_sigma_to_t` and rounded (except for cosine betas in
 * DPM-Solver, and always for the exponential ramp, which diffusers leaves fractional and then
 * truncates to int64).
 */
export function multistepSchedule(
  cfg: Record<string, ConfigValue>,
  alphasCumprod: Float32Array,
  n: number,
  opts: MultistepOptions,
): MultistepSchedule {
  checkSigmaRamp(cfg);
  const train = cfg.num_train_timesteps as number;
  let ts: number[] = multistepTimesteps(
    cfg.timestep_spacing as string,
    train,
    n,
    cfg.steps_offset as number,
    opts.lastTimestep ?? train,
  );
  const tSig = trainSigmas(alphasCumprod);
  const logSig = logSigmas(tSig);
  const roundRamp = !(opts.keepCosineRampFractional && cfg.beta_schedule === 'squaredcos_cap_v2');
  let sigmas: Float64Array;
  let ramp = false;
  const sigmaMin = (cfg.sigma_min as number | null | undefined) ?? tSig[0];
  const sigmaMax = (cfg.sigma_max as number | null | undefined) ?? tSig[tSig.length - 1];
  if (cfg.use_karras_sigmas) {
    sigmas = karrasSigmas(sigmaMin, sigmaMax, n);
    ts = Array.from(sigmas, (s) => sigmaToT(s, logSig)).map((t) =>
      roundRamp ? roundHalfEven(t) : t,
    );
    ramp = true;
  } else if (cfg.use_lu_lambdas) {
    const lambdas = luLambdas(logSig[logSig.length - 1], logSig[0], n);
    sigmas = lambdas.map(Math.exp);
    ts = Array.from(sigmas, (s) => sigmaToT(s, logSig)).map((t) =>
      roundRamp ? roundHalfEven(t) : t,
    );
    ramp = true;
  } else if (cfg.use_exponential_sigmas) {
    sigmas = exponentialSigmas(sigmaMin, sigmaMax, n);
    ts = Array.from(sigmas, (s) => sigmaToT(s, logSig));
    ramp = true;
  } else {
    sigmas = interpSigmas(ts, tSig);
  }
  let last: number;
  if (opts.final === 'zero') last = 0;
  else if (opts.final === 'repeat_last') last = sigmas[sigmas.length - 1];
  else last = ramp && opts.rampEndsAtOwnSigma ? sigmas[sigmas.length - 1] : tSig[0];
  return {
    timesteps: Float32Array.from(ts, Math.trunc),
    sigmas: Float32Array.from([...Array.from(sigmas), last]),
  };
}

/** VP view of a k-sigma: α = 1/√(σ²+1), σ_vp = σ·α, and λ = log α − log σ_vp (Lu et al. 2022). */
export function vp(sigma: number): { alpha: number; sigma: number; lambda: number } {
  const alpha = 1 / Math.sqrt(sigma * sigma + 1);
  const s = sigma * alpha;
  return { alpha, sigma: s, lambda: Math.log(alpha) - Math.log(s) };
}

/** The model output as an x0 prediction (data prediction, DPM-Solver++ / UniPC "predict_x0"). */
export function toX0(
  cfg: Record<string, ConfigValue>,
  sigma: number,
  modelOutput: Float32Array,
  sample: Float32Array,
  batchSize: number,
): Float32Array {
  const { alpha, sigma: s } = vp(sigma);
  const n = sample.length;
  let x0: Float32Array = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const m = modelOutput[i];
    if (cfg.prediction_type === 'epsilon') x0[i] = (sample[i] - s * m) / alpha;
    else if (cfg.prediction_type === 'v_prediction') x0[i] = alpha * sample[i] - s * m;
    else x0[i] = m;
  }
  if (cfg.thresholding) {
    x0 = thresholdSample(
      x0,
      batchSize,
      cfg.dynamic_thresholding_ratio as number,
      cfg.sample_max_value as number,
    );
  }
  return x0;
}

/**
 * The model output as a noise prediction ε (DPM-Solver, DEIS, UniPC with predict_x0 false).
 * DEIS always goes through x0 and back, as diffusers does.
 */
export function toEpsilon(
  cfg: Record<string, ConfigValue>,
  sigma: number,
  modelOutput: Float32Array,
  sample: Float32Array,
  batchSize: number,
  alwaysViaX0 = false,
): Float32Array {
  const { alpha, sigma: s } = vp(sigma);
  if (cfg.prediction_type === 'epsilon' && !cfg.thresholding && !alwaysViaX0) return modelOutput;
  const x0 = toX0(cfg, sigma, modelOutput, sample, batchSize);
  return Float32Array.from(sample, (x, i) => (x - alpha * x0[i]) / s);
}

/** Rejects the flow-matching options these classes accept in diffusers (SD3-style models). */
export function rejectFlowOptions(cfg: Record<string, ConfigValue>): void {
  for (const key of ['use_flow_sigmas', 'use_dynamic_shifting']) {
    if (cfg[key])
      throw invalidArgument(key, cfg[key], 'false (flow-matching schedules are not supported)');
  }
}

export const MULTISTEP_DEFAULTS = {
  solver_order: 2,
  prediction_type: 'epsilon',
  thresholding: false,
  dynamic_thresholding_ratio: 0.995,
  sample_max_value: 1.0,
  lower_order_final: true,
  use_karras_sigmas: false,
  use_exponential_sigmas: false,
  use_beta_sigmas: false,
  use_flow_sigmas: false,
  timestep_spacing: 'linspace',
  steps_offset: 0,
  use_dynamic_shifting: false,
} as const;

/** `add_noise` of the multistep solvers: α·x0 + σ_vp·n at the step's k-sigma. */
export function addNoiseMultistep(
  original: Float32Array,
  noise: Float32Array,
  sigma: number,
): Float32Array {
  checkSameLength(original, noise, 'original', 'noise');
  const { alpha, sigma: s } = vp(sigma);
  return Float32Array.from(original, (x, i) => alpha * x + s * noise[i]);
}
