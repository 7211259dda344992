/**
 * PNDM / PLMS: Liu et al. 2022, "Pseudo Numerical Methods for Diffusion Models on Manifolds".
 * Runge-Kutta warm-up (PRK, eq. 13) then linear multistep (PLMS, eq. 12), with the transfer
 * function φ of eq. 11. Port of diffusers' PNDMScheduler (scheduling_pndm.py).
 */
import { invalidArgument } from '../../../common/errors.ts';
import { BETA_DEFAULTS, type ConfigSpec, type ConfigValue } from './config.ts';
import { addNoiseVp } from './ddim.ts';
import {
  integerTimesteps,
  makeAlphasCumprod,
  TIMESTEP_SPACINGS,
  type BetaConfig,
} from './schedule.ts';
import { alphaAt, checkSameLength, requireTimesteps } from './support.ts';
import type { Scheduler } from './types.ts';

/** The Runge-Kutta warm-up covers this many spaced timesteps (diffusers `pndm_order`). */
const PRK_STEPS = 4;

export const PNDM_SPEC: ConfigSpec = {
  defaults: {
    ...BETA_DEFAULTS,
    skip_prk_steps: false,
    set_alpha_to_one: false,
    prediction_type: 'epsilon',
    timestep_spacing: 'leading',
    steps_offset: 0,
  },
  choices: { prediction_type: ['epsilon', 'v_prediction'], timestep_spacing: TIMESTEP_SPACINGS },
};

export function createPndm(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const train = cfg.num_train_timesteps as number;
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  const finalAlpha = cfg.set_alpha_to_one ? 1 : alphas[0];
  const skipPrk = cfg.skip_prk_steps as boolean;
  let numSteps: number | null = null;
  let prkTimesteps: number[] = [];
  let timesteps: Float32Array = new Float32Array(0);
  // Multistep state: recent ε history, the RK accumulator, the stored sample, a call counter.
  let ets: Float32Array[] = [];
  let rkSum: Float64Array | null = null;
  let curSample: Float32Array | null = null;
  let counter = 0;

  /** The transfer φ(x_t, ε, t → prev) of Liu et al. eq. 11. */
  const transfer = (sample: Float32Array, t: number, prev: number, mo: ArrayLike<number>) => {
    const a = alphaAt(alphas, t);
    const aPrev = prev >= 0 ? alphas[prev] : finalAlpha;
    const b = 1 - a;
    const bPrev = 1 - aPrev;
    const sampleCoeff = Math.sqrt(aPrev / a);
    const denom = a * Math.sqrt(bPrev) + Math.sqrt(a * b * aPrev);
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i++) {
      let eps = mo[i];
      if (cfg.prediction_type === 'v_prediction')
        eps = Math.sqrt(a) * eps + Math.sqrt(b) * sample[i];
      out[i] = sampleCoeff * sample[i] - ((aPrev - a) * eps) / denom;
    }
    return out;
  };

  const stepPrk = (mo: Float32Array, t: number, sample: Float32Array) => {
    const delta = Math.floor(train / numSteps!);
    const prev = t - (counter % 2 ? 0 : Math.floor(delta / 2));
    const from = prkTimesteps[Math.floor(counter / 4) * 4];
    let combined: ArrayLike<number> = mo;
    const phase = counter % 4;
    if (phase === 0) {
      rkSum = Float64Array.from(mo, (v) => v / 6);
      ets.push(mo);
      curSample = sample;
    } else if (phase === 1 || phase === 2) {
      for (let i = 0; i < mo.length; i++) rkSum![i] += mo[i] / 3;
    } else {
      combined = rkSum!.map((v, i) => v + mo[i] / 6);
      rkSum = null;
    }
    counter++;
    return transfer(curSample ?? sample, from, prev, combined);
  };

  const stepPlms = (mo: Float32Array, t: number, sample: Float32Array) => {
    const delta = Math.floor(train / numSteps!);
    let from = t;
    let prev = t - delta;
    if (counter !== 1) {
      ets = ets.slice(-3);
      ets.push(mo);
    } else {
      // The duplicated timestep: a second evaluation at t1, averaged with ε(t0) from the stored x.
      prev = t;
      from = t + delta;
    }
    let eps: ArrayLike<number>;
    let x = sample;
    const e = ets;
    const k = e.length;
    if (k === 1 && counter === 0) {
      eps = mo;
      curSample = sample;
    } else if (k === 1 && counter === 1) {
      eps = Float64Array.from(mo, (v, i) => (v + e[0][i]) / 2);
      x = curSample!;
      curSample = null;
    } else if (k === 2) {
      eps = Float64Array.from(mo, (_, i) => (3 * e[1][i] - e[0][i]) / 2);
    } else if (k === 3) {
      eps = Float64Array.from(mo, (_, i) => (23 * e[2][i] - 16 * e[1][i] + 5 * e[0][i]) / 12);
    } else {
      eps = Float64Array.from(
        mo,
        (_, i) => (55 * e[3][i] - 59 * e[2][i] + 37 * e[1][i] - 9 * e[0][i]) / 24,
      );
    }
    counter++;
    return transfer(x, from, prev, eps);
  };

  return {
    name,
    config: cfg,
    order: 1,
    initNoiseSigma: 1,
    stochastic: false,
    get timesteps() {
      return timesteps;
    },
    setTimesteps(n) {
      if (!skipPrk && n < PRK_STEPS) {
        // diffusers fails here with a numpy broadcast error: the warm-up needs 4 spaced steps.
        throw invalidArgument(
          'numInferenceSteps',
          n,
          `at least ${PRK_STEPS} when skip_prk_steps is false`,
          `The Runge-Kutta warm-up uses the first ${PRK_STEPS} spaced steps; use PLMS for fewer.`,
        );
      }
      numSteps = n;
      // diffusers keeps `_timesteps` ascending before building the PRK and PLMS lists.
      const spaced = integerTimesteps(
        cfg.timestep_spacing as string,
        train,
        n,
        cfg.steps_offset as number,
      );
      const asc = spaced.slice().reverse();
      let plms: number[];
      if (skipPrk) {
        prkTimesteps = [];
        // numpy slices: with a single step, `_timesteps[-2:-1]` is empty and nothing is doubled.
        plms = [...asc.slice(0, -1), ...asc.slice(-2, -1), ...asc.slice(-1)].reverse();
      } else {
        const half = Math.floor(Math.floor(train / n) / 2);
        const lastFour = asc.slice(-4).flatMap((v) => [v, v + half]);
        const doubled = lastFour.slice(0, -1).flatMap((v) => [v, v]);
        prkTimesteps = doubled.slice(1, -1).reverse();
        plms = asc.slice(0, -3).reverse();
      }
      timesteps = Float32Array.from([...prkTimesteps, ...plms]);
      ets = [];
      counter = 0;
      rkSum = null;
      curSample = null;
    },
    setBeginIndex() {},
    scaleModelInput: (sample) => sample,
    step(modelOutput, t, sample) {
      requireTimesteps(name, numSteps !== null);
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      if (counter < prkTimesteps.length && !skipPrk) return stepPrk(modelOutput, t, sample);
      return stepPlms(modelOutput, t, sample);
    },
    addNoise: (original, noise, t) => addNoiseVp(alphas, original, noise, t),
  };
}
