/**
 * UniPC: Zhao et al. 2023, "UniPC: A Unified Predictor-Corrector Framework for Fast Sampling of
 * Diffusion Models". UniP-p predictor (Algorithm 1) and UniC-p corrector (Algorithm 2) with the
 * B(h) variants bh1 (B = h) and bh2 (B = e^h − 1). Port of diffusers' UniPCMultistepScheduler.
 */
import { invalidArgument } from '../../../common/errors.ts';
import { BETA_DEFAULTS, PREDICTION_TYPES, type ConfigSpec, type ConfigValue } from './config.ts';
import {
  addNoiseMultistep,
  MULTISTEP_DEFAULTS,
  multistepSchedule,
  rejectFlowOptions,
  toEpsilon,
  toX0,
  vp,
} from './multistep-common.ts';
import { makeAlphasCumprod, TIMESTEP_SPACINGS, type BetaConfig } from './schedule.ts';
import { checkSameLength, requireTimesteps, StepIndex } from './support.ts';
import type { Scheduler } from './types.ts';

export const UNIPC_SPEC: ConfigSpec = {
  defaults: {
    ...BETA_DEFAULTS,
    ...MULTISTEP_DEFAULTS,
    predict_x0: true,
    solver_type: 'bh2',
    disable_corrector: [],
    final_sigmas_type: 'zero',
    rescale_betas_zero_snr: false,
    sigma_min: null,
    sigma_max: null,
  },
  nullableNumbers: ['sigma_min', 'sigma_max'],
  choices: {
    prediction_type: PREDICTION_TYPES,
    timestep_spacing: TIMESTEP_SPACINGS,
    solver_type: ['bh1', 'bh2'],
    final_sigmas_type: ['zero', 'sigma_min'],
  },
  normalize(cfg) {
    if (['midpoint', 'heun', 'logrho'].includes(cfg.solver_type as string)) cfg.solver_type = 'bh2';
    rejectFlowOptions(cfg);
    const order = cfg.solver_order as number;
    if (!Number.isInteger(order) || order < 1) {
      throw invalidArgument('solver_order', order, 'a positive integer');
    }
  },
};

/** Solves the small dense system A·x = b by Gaussian elimination with partial pivoting. */
export function solveSmall(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = col + 1; r < n; r++) {
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= n; c++) a[r][c] -= f * a[col][c];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = a[r][n];
    for (let c = r + 1; c < n; c++) s -= a[r][c] * x[c];
    x[r] = s / a[r][r];
  }
  return x;
}

export function createUniPc(name: string, cfg: Record<string, ConfigValue>): Scheduler {
  const alphas = makeAlphasCumprod(cfg as unknown as BetaConfig);
  const order = cfg.solver_order as number;
  const predictX0 = cfg.predict_x0 as boolean;
  const disabled = new Set(cfg.disable_corrector as number[]);
  const train = cfg.num_train_timesteps as number;
  let timesteps: Float32Array = Float32Array.from({ length: train }, (_, i) => train - 1 - i);
  let sigmas: Float32Array = new Float32Array(0);
  let ready = false;
  let outputs: Float32Array[] = [];
  let lowerOrderNums = 0;
  let lastSample: Float32Array | null = null;
  let thisOrder = 1;
  let batchSize = 1;
  const index = new StepIndex();
  let predicted: Float32Array | undefined;

  /**
   * The shared algebra of UniP and UniC over the step from sigma index `s` to `tIdx`:
   * the ratios r_k of earlier λ offsets, the differences D1_k and the coefficients ρ.
   */
  const coefficients = (tIdx: number, s: number, p: number, olderStart: number) => {
    const tv = vp(sigmas[tIdx]);
    const sv = vp(sigmas[s]);
    const h = tv.lambda - sv.lambda;
    const m0 = outputs[outputs.length - 1];
    const rks: number[] = [];
    const older: Float32Array[] = [];
    for (let k = 1; k < p; k++) {
      const sk = vp(sigmas[olderStart - k]);
      rks.push((sk.lambda - sv.lambda) / h);
      older.push(outputs[outputs.length - 1 - k]);
    }
    rks.push(1);
    const hh = predictX0 ? -h : h;
    const hPhi1 = Math.expm1(hh);
    const bh = cfg.solver_type === 'bh1' ? hh : Math.expm1(hh);
    let hPhiK = hPhi1 / hh - 1;
    let factorial = 1;
    const R: number[][] = [];
    const b: number[] = [];
    for (let k = 1; k <= p; k++) {
      R.push(rks.map((r) => r ** (k - 1)));
      b.push((hPhiK * factorial) / bh);
      factorial *= k + 1;
      hPhiK = hPhiK / hh - 1 / factorial;
    }
    return { tv, sv, hPhi1, bh, rks, older, m0, R, b };
  };

  /** x_t_ = (σ_t/σ_s)x − α_t·hφ1·m0 (data) or (α_t/α_s)x − σ_t·hφ1·m0 (noise prediction). */
  const base = (c: ReturnType<typeof coefficients>, x: number, m0: number) =>
    predictX0
      ? (c.tv.sigma / c.sv.sigma) * x - c.tv.alpha * c.hPhi1 * m0
      : (c.tv.alpha / c.sv.alpha) * x - c.tv.sigma * c.hPhi1 * m0;

  const scaleOut = (c: ReturnType<typeof coefficients>) =>
    (predictX0 ? c.tv.alpha : c.tv.sigma) * c.bh;

  const predictor = (i: number, sample: Float32Array, p: number) => {
    const c = coefficients(i + 1, i, p, i);
    let rhos: number[] = [];
    if (p === 2) rhos = [0.5];
    else if (p > 2)
      rhos = solveSmall(
        c.R.slice(0, -1).map((row) => row.slice(0, -1)),
        c.b.slice(0, -1),
      );
    const k0 = scaleOut(c);
    return Float32Array.from(sample, (x, k) => {
      let res = 0;
      for (let j = 0; j < rhos.length; j++) res += (rhos[j] * (c.older[j][k] - c.m0[k])) / c.rks[j];
      return base(c, x, c.m0[k]) - k0 * res;
    });
  };

  const corrector = (i: number, modelT: Float32Array, last: Float32Array, p: number) => {
    const c = coefficients(i, i - 1, p, i - 1);
    const rhos = p === 1 ? [0.5] : solveSmall(c.R, c.b);
    const k0 = scaleOut(c);
    return Float32Array.from(last, (x, k) => {
      let res = 0;
      for (let j = 0; j < rhos.length - 1; j++)
        res += (rhos[j] * (c.older[j][k] - c.m0[k])) / c.rks[j];
      res += rhos[rhos.length - 1] * (modelT[k] - c.m0[k]);
      return base(c, x, c.m0[k]) - k0 * res;
    });
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
    get sigmas() {
      return sigmas;
    },
    get predictedOriginal() {
      return predicted;
    },
    setBatchSize(n: number) {
      batchSize = n;
    },
    setTimesteps(n) {
      const sched = multistepSchedule(cfg, alphas, n, {
        final: cfg.final_sigmas_type as 'zero' | 'sigma_min',
        rampEndsAtOwnSigma: true,
      });
      timesteps = sched.timesteps;
      sigmas = sched.sigmas;
      ready = true;
      outputs = [];
      lowerOrderNums = 0;
      lastSample = null;
      index.reset();
    },
    setBeginIndex(i) {
      index.setBegin(i, timesteps.length);
    },
    scaleModelInput: (sample) => sample,
    step(modelOutput, t, sample) {
      requireTimesteps(name, ready);
      checkSameLength(sample, modelOutput, 'sample', 'modelOutput');
      const i = index.resolve(timesteps, t, 'last');
      const converted = predictX0
        ? toX0(cfg, sigmas[i], modelOutput, sample, batchSize)
        : toEpsilon(cfg, sigmas[i], modelOutput, sample, batchSize);
      let x = sample;
      // UniC: correct the current sample with the output computed from the uncorrected one.
      if (i > 0 && !disabled.has(i - 1) && lastSample !== null) {
        x = corrector(i, converted, lastSample, thisOrder);
      }
      outputs.push(converted);
      if (outputs.length > order) outputs.shift();
      const remaining = cfg.lower_order_final ? Math.min(order, timesteps.length - i) : order;
      thisOrder = Math.min(remaining, lowerOrderNums + 1);
      lastSample = x;
      const out = predictor(i, x, thisOrder);
      if (lowerOrderNums < order) lowerOrderNums++;
      index.current = i + 1;
      predicted = predictX0 ? converted : undefined;
      return out;
    },
    addNoise(original, noise, t) {
      return addNoiseMultistep(original, noise, sigmas[index.forAddNoise(timesteps, t, 'last')]);
    },
  };
}
