/**
 * Noise-schedule construction shared by every scheduler: betas, cumulative alphas, k-diffusion
 * sigmas, timestep spacing, Karras / exponential / Lu sigma ramps and sigma-to-timestep inversion.
 * Mirrors diffusers' float32 tensors (see ../shared/docs/schedulers.md, "Precision").
 */
import { invalidArgument } from '../../../common/errors.ts';
import {
  f32,
  npArangeFloat,
  npLinspace,
  interpUnitGrid,
  roundHalfEven,
  torchLinspaceF32,
} from './numeric.ts';
import { npLogF32 } from './f32-kernels.ts';

export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const;
export const TIMESTEP_SPACINGS = ['linspace', 'leading', 'trailing'] as const;
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

export interface BetaConfig {
  num_train_timesteps: number;
  beta_start: number;
  beta_end: number;
  beta_schedule: string;
  trained_betas: readonly number[] | null;
  rescale_betas_zero_snr?: boolean;
}

/**
 * Squared-cosine schedule of Nichol & Dhariwal 2021 ("Improved DDPM", eq. 17): betas from
 * alpha_bar(t) = cos²((t + 0.008) / 1.008 · π/2), capped at 0.999. Computed in float64 by diffusers.
 */
function cosineBetas(n: number): Float32Array {
  const alphaBar = (t: number) => Math.cos(((t + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999);
  return out;
}

/**
 * Lin et al. 2023, "Common Diffusion Noise Schedules and Sample Steps are Flawed", Algorithm 1:
 * shift and scale sqrt(alpha_bar) so the last step has zero SNR. float32 like torch.
 */
function rescaleZeroTerminalSnr(betas: Float32Array): Float32Array {
  const n = betas.length;
  const sqrtBar = new Float32Array(n);
  let acc = 1;
  for (let i = 0; i < n; i++) {
    acc *= f32(1 - betas[i]);
    sqrtBar[i] = Math.sqrt(f32(acc));
  }
  const first = sqrtBar[0];
  const last = sqrtBar[n - 1];
  const scale = f32(first / f32(first - last));
  const bar = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const shifted = f32(f32(sqrtBar[i] - last) * scale);
    bar[i] = f32(shifted * shifted);
  }
  const out = new Float32Array(n);
  out[0] = f32(1 - bar[0]);
  for (let i = 1; i < n; i++) out[i] = f32(1 - f32(bar[i] / bar[i - 1]));
  return out;
}

export function makeBetas(cfg: BetaConfig): Float32Array {
  const n = cfg.num_train_timesteps;
  let betas: Float32Array;
  if (cfg.trained_betas !== null) {
    if (cfg.trained_betas.length !== n) {
      throw invalidArgument(
        'trained_betas',
        `${cfg.trained_betas.length} values`,
        `exactly num_train_timesteps (${n}) values`,
      );
    }
    betas = Float32Array.from(cfg.trained_betas);
  } else if (cfg.beta_schedule === 'linear') {
    betas = torchLinspaceF32(cfg.beta_start, cfg.beta_end, n);
  } else if (cfg.beta_schedule === 'scaled_linear') {
    // Stable Diffusion's schedule: linear in sqrt(beta), then squared (in float32).
    betas = torchLinspaceF32(Math.sqrt(cfg.beta_start), Math.sqrt(cfg.beta_end), n);
    for (let i = 0; i < n; i++) betas[i] = f32(betas[i] * betas[i]);
  } else if (cfg.beta_schedule === 'squaredcos_cap_v2') {
    betas = cosineBetas(n);
  } else {
    throw invalidArgument('beta_schedule', cfg.beta_schedule, BETA_SCHEDULES);
  }
  return cfg.rescale_betas_zero_snr ? rescaleZeroTerminalSnr(betas) : betas;
}

/** torch.cumprod on CPU accumulates in float64 and rounds each output to float32. */
export function cumprodAlphas(betas: Float32Array): Float32Array {
  const out = new Float32Array(betas.length);
  let acc = 1;
  for (let i = 0; i < betas.length; i++) {
    acc *= f32(1 - betas[i]);
    out[i] = acc;
  }
  return out;
}

/** Cumulative alphas for a config, with the zero-SNR fix-up diffusers applies to ᾱ[T-1]. */
export function makeAlphasCumprod(cfg: BetaConfig): Float32Array {
  const ac = cumprodAlphas(makeBetas(cfg));
  // diffusers sets the last value to 2^-24 so that sigma stays finite (Lin et al. 2023, §3.1).
  if (cfg.rescale_betas_zero_snr) ac[ac.length - 1] = 2 ** -24;
  return ac;
}

/** k-diffusion sigmas σ_t = sqrt((1 - ᾱ_t) / ᾱ_t), elementwise in float32 as torch does. */
export function trainSigmas(alphasCumprod: Float32Array): Float32Array {
  const out = new Float32Array(alphasCumprod.length);
  for (let i = 0; i < out.length; i++) {
    const a = alphasCumprod[i];
    out[i] = Math.sqrt(f32(f32(1 - a) / a));
  }
  return out;
}

/** `np.log` of the float32 training sigmas: numpy keeps float32 and uses its SIMD log kernel. */
export function logSigmas(sigmas: Float32Array): Float32Array {
  return sigmas.map(npLogF32);
}

/**
 * DDIM-style integer spacing over N values (diffusers' `set_timesteps` for DDIM, DDPM, PNDM):
 * linspace rounds half to even, leading adds `steps_offset`, trailing subtracts one.
 */
export function integerTimesteps(
  spacing: string,
  train: number,
  n: number,
  stepsOffset: number,
): number[] {
  if (spacing === 'linspace') {
    return Array.from(npLinspace(0, train - 1, n), roundHalfEven).reverse();
  }
  if (spacing === 'leading') {
    const ratio = Math.floor(train / n);
    return Array.from({ length: n }, (_, i) => (n - 1 - i) * ratio + stepsOffset);
  }
  if (spacing === 'trailing') {
    return Array.from(npArangeFloat(train, 0, -train / n), (v) => roundHalfEven(v) - 1);
  }
  throw invalidArgument('timestep_spacing', spacing, TIMESTEP_SPACINGS);
}

/**
 * Float spacing of the k-diffusion schedulers (Euler, LMS, Heun, KDPM2): linspace stays fractional
 * (numpy linspace cast to float32), leading and trailing are integers as float32.
 */
export function floatTimesteps(
  spacing: string,
  train: number,
  n: number,
  stepsOffset: number,
): Float32Array {
  if (spacing === 'linspace') return Float32Array.from(npLinspace(0, train - 1, n)).reverse();
  return Float32Array.from(integerTimesteps(spacing, train, n, stepsOffset));
}

/**
 * Spacing of the multistep solvers (DPM-Solver, UniPC, DEIS): N+1 points with the last dropped,
 * so the schedule never lands on t=0 (diffusers `set_timesteps`, "linspace"/"leading" branches).
 */
export function multistepTimesteps(
  spacing: string,
  train: number,
  n: number,
  stepsOffset: number,
  lastTimestep = train,
): number[] {
  if (spacing === 'linspace') {
    const pts = Array.from(npLinspace(0, lastTimestep - 1, n + 1), roundHalfEven).reverse();
    return pts.slice(0, n);
  }
  if (spacing === 'leading') {
    const ratio = Math.floor(lastTimestep / (n + 1));
    return Array.from({ length: n }, (_, i) => (n - i) * ratio + stepsOffset);
  }
  if (spacing === 'trailing') {
    return Array.from(npArangeFloat(lastTimestep, 0, -train / n), (v) => roundHalfEven(v) - 1);
  }
  throw invalidArgument('timestep_spacing', spacing, TIMESTEP_SPACINGS);
}

/** Training sigmas linearly interpolated at (possibly fractional) timesteps, as np.interp. */
export function interpSigmas(timesteps: ArrayLike<number>, sigmas: Float32Array): Float64Array {
  return Float64Array.from(timesteps as ArrayLike<number>, (t) => interpUnitGrid(t, sigmas));
}

/**
 * Karras et al. 2022, "Elucidating the Design Space of Diffusion-Based Generative Models", eq. 5:
 * σ_i = (σmax^{1/ρ} + i/(N-1)·(σmin^{1/ρ} − σmax^{1/ρ}))^ρ with ρ = 7.
 */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number): Float64Array {
  const rho = 7;
  const ramp = npLinspace(0, 1, n);
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return ramp.map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/** Geometric ramp from σmax to σmin (diffusers `_convert_to_exponential`). */
export function exponentialSigmas(sigmaMin: number, sigmaMax: number, n: number): Float64Array {
  return npLinspace(Math.log(sigmaMax), Math.log(sigmaMin), n).map(Math.exp);
}

/**
 * Lu et al. 2022, "DPM-Solver++", uniform steps in λ = −log σ: linear ramp between the largest
 * and smallest log-sigma (diffusers `_convert_to_lu`, ρ = 1).
 */
export function luLambdas(lambdaMax: number, lambdaMin: number, n: number): Float64Array {
  return npLinspace(0, 1, n).map((r) => lambdaMax + r * (lambdaMin - lambdaMax));
}

/**
 * Inverse of the sigma schedule: the fractional timestep whose log-sigma matches, interpolating
 * linearly in log σ between neighbouring training steps (diffusers `_sigma_to_t`).
 *
 * diffusers passes a float64 σ and the float32 `log_sigmas`; under numpy's value-based casting
 * (numpy 1.x) every array operation after the log is float32: log σ is rounded to float32, and
 * so are `low − log σ`, `low − high`, their ratio w and 1 − w. The final `(1 − w)·low + w·high`
 * multiplies by the int64 index array, which numpy promotes to float64 (`combine: 'float64'`).
 * KDPM2 passes torch tensors for its midpoint sigmas; torch keeps float32 × int64 in float32, so
 * that sum is rounded to float32 term by term (`combine: 'float32'`).
 * NOTE: numpy 2 (NEP 50) keeps `low − log σ` in float64, which moves some fractional timesteps by
 * a few ulps; Emulsion follows the numpy 1.x reference (test/fixtures/schedulers/README.md).
 */
export function sigmaToT(
  sigma: number,
  logSig: Float32Array,
  combine: 'float64' | 'float32' = 'float64',
): number {
  const logSigma = f32(Math.log(Math.max(sigma, 1e-10)));
  // Last index whose log-sigma is <= the target, clipped so that idx + 1 stays in range.
  let low = -1;
  for (let i = 0; i < logSig.length; i++) if (logSig[i] <= logSigma) low = i;
  low = Math.min(Math.max(low, 0), logSig.length - 2);
  const lo = logSig[low];
  const hi = logSig[low + 1];
  const w = Math.min(Math.max(f32(f32(lo - logSigma) / f32(lo - hi)), 0), 1);
  const rest = f32(1 - w);
  if (combine === 'float32') return f32(f32(rest * low) + f32(w * (low + 1)));
  return rest * low + w * (low + 1);
}
