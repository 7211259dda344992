/**
 * Stable Diffusion's training noise schedule, which the closed-form UNet inverts exactly.
 *
 * DDPM forward process (Ho et al. 2020, eq. 4): x_t = √ᾱ_t·x_0 + √(1−ᾱ_t)·ε, ᾱ_t = Π_{s≤t}(1−β_s).
 * SD 1.x trains with the "scaled_linear" betas: β_t = (linspace(√0.00085, √0.012, 1000)_t)²
 * (diffusers `betas_for_alpha_bar`-free branch of DDPMScheduler; SD 1.5 scheduler_config.json).
 */

export const NUM_TRAIN_TIMESTEPS = 1000;
export const BETA_START = 0.00085;
export const BETA_END = 0.012;

/** ᾱ_t for t = 0..999, computed in float64 as diffusers does with numpy before casting. */
export function alphasCumprod(): Float64Array {
  const out = new Float64Array(NUM_TRAIN_TIMESTEPS);
  const a = Math.sqrt(BETA_START);
  const b = Math.sqrt(BETA_END);
  let prod = 1;
  for (let t = 0; t < NUM_TRAIN_TIMESTEPS; t++) {
    // numpy linspace: start + t·(stop − start)/(n − 1)
    const root = a + (t * (b - a)) / (NUM_TRAIN_TIMESTEPS - 1);
    prod *= 1 - root * root;
    out[t] = prod;
  }
  return out;
}

/**
 * σ_t = √((1−ᾱ_t)/ᾱ_t), the noise level of the variance-exploding form x/√ᾱ used by the
 * Euler/LMS/Heun schedulers (Karras et al. 2022, §2; diffusers EulerDiscreteScheduler).
 */
export function sigmas(): Float64Array {
  return alphasCumprod().map((ab) => Math.sqrt((1 - ab) / ab));
}

/**
 * The model's timestep convention for fractional t (Euler, LMS and Heun send floats): σ(t) is
 * the piecewise-linear interpolation of the σ table, exactly how EulerDiscreteScheduler with
 * `interpolation_type="linear"` turns fractional timesteps into σ, and ᾱ(t) = 1/(1+σ(t)²).
 * Integer t gives ᾱ_t exactly. t is clamped to [0, 999]. The ONNX graph computes the same thing;
 * this JS form is the reference for tests and for the scene maths.
 */
export function alphaBarAt(t: number, table: Float64Array = sigmas()): number {
  const tc = Math.min(Math.max(t, 0), NUM_TRAIN_TIMESTEPS - 1);
  const i0 = Math.min(Math.floor(tc), NUM_TRAIN_TIMESTEPS - 2);
  const frac = tc - i0;
  const s = table[i0] + frac * (table[i0 + 1] - table[i0]);
  return 1 / (1 + s * s);
}
