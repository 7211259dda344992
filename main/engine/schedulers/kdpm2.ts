/**
 * DPM-Solver-2 in k-diffusion form (Karras et al. 2022, Appendix; k-diffusion `sample_dpm_2` and
 * `sample_dpm_2_ancestral`): an Euler half step to the geometric midpoint √(σ_i·σ_{i+1}), then a
 * full step with the midpoint derivative. Ports of diffusers' KDPM2DiscreteScheduler and
 * KDPM2AncestralDiscreteScheduler.
 */
import { type ConfigSpec, type ConfigValue } from './config.ts';
import { SD_LINEAR_BETAS, interleaveInner } from './heun.ts';
import {
  K_SIGMA_DEFAULTS,
  kAddNoise,
  kInitNoiseSigma,
  kPredictX0,
  kScale,
  kSchedule,
} from './k-common.ts';
import { torchExpF32, torchLogF32 } from './f32-kernels.ts';
import { f32 } from './numeric.ts';
import { makeAlphasCumprod, sigmaToT, TIMESTEP_SPACINGS, type BetaConfig } from './schedule.ts';
import { checkSameLength, drawNoise, StepIndex } from './support.ts';
import type { NoiseSource, Scheduler } from './types.ts';

export const KDPM2_SPEC: ConfigSpec = {
  defaults: {
    ...SD_LINEAR_BETAS,
    ...K_SIGMA_DEFAULTS,
    prediction_type: 'epsilon',
    timestep_spacing: 'linspace',
    steps_offset: 0,
  },
  // diffusers raises NotImplementedError for "sample" in both KDPM2 classes.
  choices: { prediction_type: ['epsilon', 'v_prediction'], timestep_spacing: TIMESTEP_SPACINGS },
};

/**
 * exp(lerp(log a, log b, ½)) in float32, as torch evaluates `a.log().lerp(b.log(), 0.5).exp()`
 * on the CPU (SLEEF's log and exp, see f32-kernels.ts).
 */
function logMidpoint(a: number, b: number): number {
  const la = torchLogF32(a);
  const lb = torchLogF32(b);
  // torch.lerp with weight ≥ 0.5 computes end − (end − start)·(1 − weight).
  return torchExpF32(f32(lb - f32(f32(lb - la) * 0.5)));
}

interface Kdpm2Schedule {
  timesteps: Float32Array;
  sigmas: Float32Array;
  interpol: Float32Array;
  up?: Float32Array;
  down?: Float32Array;
}

function kdpm2Schedule(
  cfg: Record<string, ConfigValue>,
  alphas: Float32Array,
  n: number,
  ancestral: boolean,
): Kdpm2Schedule {
  const ks = kSchedule(cfg, alphas, n, true);
  const sig = Float32Array.from([...Array.from(ks.sigmas), 0]);
  const interp = new Float32Array(n + 1);
  let up: Float32Array | undefined;
  let down: Float32Array | undefined;
  if (ancestral) {
    up = new Float32Array(n + 1);
    down = new Float32Array(n + 1);
    for (let k = 0; k <= n; k++) {
      const s2 = f32(sig[k] * sig[k]);
      const next = k < n ? sig[k + 1] : 0;
      const n2 = f32(next * next);
      up[k] = Math.sqrt(f32(f32(n2 * f32(s2 - n2)) / s2));
      down[k] = k < n ? Math.sqrt(f32(n2 - f32(up[k] * up[k]))) : 0;
      interp[k] = k < n - 1 ? logMidpoint(sig[k], down[k]) : 0;
    }
  } else {
    // σ_int[0] pairs σ0 with the rolled-in final zero: NaN in diffusers and never used.
    interp[0] = Number.NaN;
    for (let k = 1; k <= n; k++) interp[k] = k < n ? logMidpoint(sig[k], sig[k - 1]) : 0;
  }
  const ti = Array.from(interp, (s) => sigmaToT(s, ks.logSigmas, 'float32'));
  const ts = Float32Array.from(ks.timesteps);
  const timesteps = new Float32Array(2 * n - 1);
  timesteps[0] = ts[0];
  for (let k = 1; k < n; k++) {
    // Ancestral pairs the midpoint below σ_{k-1}; plain KDPM2 the one above σ_k.
    timesteps[2 * k - 1] = ancestral ? ti[k - 1] : ti[k];
    timesteps[2 * k] = ts[k];
  }
  const expand = (a: Float32Array) => interleaveInner([...Array.from(a), a[a.length - 1]]);
  return {
    timesteps,
    sigmas: expand(sig),
    interpol: expand(interp),
    up: up && expand(up),
    down: down && expand(down),
  };
}

function createKdpm2Family(
  name: string,
  cfg: Record<string, ConfigValue>,
  ancestral: boolean,
): Scheduler {
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  // diffusers' constructor calls set_timesteps(num_train_timesteps) for these two classes.
  let sched = kdpm2Schedule(cfg, alphas, cfg.num_train_timesteps as number, ancestral);
  const index = new StepIndex();
  let stored: Float32Array | null = null;
  let predicted: Float32Array | undefined;

  return {
    name,
    config: cfg,
    order: 2,
    get initNoiseSigma() {
      return kInitNoiseSigma(cfg, sched.sigmas);
    },
    stochastic: ancestral,
    get timesteps() {
      return sched.timesteps;
    },
    get sigmas() {
      return sched.sigmas;
    },
    get predictedOriginal() {
      return predicted;
    },
    setTimesteps(n) {
      sched = kdpm2Schedule(cfg, alphas, n, ancestral);
      index.reset();
      stored = null;
    },
    setBeginIndex(i) {
      index.setBegin(i, sched.timesteps.length);
    },
    scaleModelInput(sample, t) {
      const i = index.resolve(sched.timesteps, t);
      const sigma = stored === null ? sched.sigmas[i] : sched.interpol[ancestral ? i - 1 : i];
      return kScale(sample, sigma);
    },
    step(modelOutput, t, sample, noise?: NoiseSource) {
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      const i = index.resolve(sched.timesteps, t);
      const first = stored === null;
      const { sigmas, interpol } = sched;
      const sigma = first ? sigmas[i] : sigmas[i - 1];
      const mid = ancestral ? interpol[first ? i : i - 1] : interpol[first ? i + 1 : i];
      // The predictor evaluates at σ, the corrector at the midpoint.
      const sigmaIn = first ? sigma : mid;
      let target: number;
      if (first) target = mid;
      else target = ancestral ? sched.down![i - 1] : sigmas[i];
      const dt = target - sigma;
      const n = sample.length;
      const start = first ? sample : stored!;
      const x0 = new Float32Array(n);
      const out = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        x0[k] = kPredictX0(cfg.prediction_type as string, sigmaIn, modelOutput[k], sample[k]);
        out[k] = start[k] + ((sample[k] - x0[k]) / sigmaIn) * dt;
      }
      if (!first && ancestral) {
        const z = drawNoise(name, noise, n);
        const up = sched.up![i - 1];
        for (let k = 0; k < n; k++) out[k] += z[k] * up;
      }
      stored = first ? sample : null;
      index.current = i + 1;
      predicted = x0;
      return out;
    },
    addNoise(original, noiseTensor, t) {
      checkSameLength(original, noiseTensor, 'original', 'noise');
      return kAddNoise(original, noiseTensor, sched.sigmas[index.forAddNoise(sched.timesteps, t)]);
    },
  };
}

export const createKdpm2 = (name: string, cfg: Record<string, ConfigValue>) =>
  createKdpm2Family(name, cfg, false);

export const createKdpm2Ancestral = (name: string, cfg: Record<string, ConfigValue>) =>
  createKdpm2Family(name, cfg, true);
