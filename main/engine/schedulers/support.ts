/**
 * Per-step bookkeeping shared by the scheduler modules: locating the step index from a timestep
 * (with diffusers' quirks), drawing noise from the injected source, and dynamic thresholding.
 */
import { EmulsionError, invalidArgument } from '../../../common/errors.ts';
import type { NoiseSource } from './types.ts';

/**
 * Where a timestep sits in the schedule. A timestep listed twice (Heun, KDPM2, PNDM with skipped
 * PRK) resolves to its second occurrence, as diffusers' `index_for_timestep` does so that an img2img
 * start does not skip a sub-step. `ifMissing: 'last'` is the multistep solvers' fallback.
 */
export function indexForTimestep(
  timesteps: ArrayLike<number>,
  t: number,
  ifMissing: 'throw' | 'last' = 'throw',
): number {
  let first = -1;
  for (let i = 0; i < timesteps.length; i++) {
    if (timesteps[i] !== t) continue;
    if (first >= 0) return i;
    first = i;
  }
  if (first >= 0) return first;
  if (ifMissing === 'last') return timesteps.length - 1;
  throw invalidArgument('timestep', t, 'one of the values in scheduler.timesteps');
}

/** The `_step_index` / `_begin_index` pair of diffusers' stateful schedulers. */
export class StepIndex {
  current: number | null = null;
  begin: number | null = null;

  reset(): void {
    this.current = null;
    this.begin = null;
  }

  setBegin(index: number, length: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= length) {
      throw invalidArgument('beginIndex', index, `an integer from 0 to ${length - 1}`);
    }
    this.begin = index;
  }

  /** Initialises on first use from the timestep (or the begin index) and returns the index. */
  resolve(timesteps: ArrayLike<number>, t: number, ifMissing: 'throw' | 'last' = 'throw'): number {
    if (this.current === null) {
      this.current = this.begin ?? indexForTimestep(timesteps, t, ifMissing);
    }
    return this.current;
  }

  /** The index `add_noise` uses: begin/step index when known, else the timestep's position. */
  forAddNoise(
    timesteps: ArrayLike<number>,
    t: number,
    ifMissing: 'throw' | 'last' = 'throw',
  ): number {
    if (this.begin === null) return indexForTimestep(timesteps, t, ifMissing);
    return this.current ?? this.begin;
  }
}

export function requireTimesteps(name: string, ready: boolean): void {
  if (!ready) {
    throw new EmulsionError('INVALID_ARGUMENT', `${name}: call setTimesteps(n) before step().`, {
      field: 'numInferenceSteps',
    });
  }
}

/** Draws one noise tensor, failing clearly when a stochastic step was given no source. */
export function drawNoise(
  name: string,
  source: NoiseSource | undefined,
  length: number,
): Float32Array {
  if (!source) {
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      `${name}.step() draws noise at this step but no NoiseSource was passed. ` +
        'Pass the seeded source (createNoiseSource) as the fourth argument.',
      { field: 'noise', received: undefined, allowed: 'a NoiseSource' },
    );
  }
  const noise = source.next(length);
  if (noise.length !== length) {
    throw invalidArgument('noise', `${noise.length} values`, `exactly ${length} values`);
  }
  return noise;
}

export function checkSameLength(a: Float32Array, b: Float32Array, fieldA: string, fieldB: string) {
  if (a.length !== b.length) {
    throw invalidArgument(
      fieldB,
      `${b.length} values`,
      `as many values as ${fieldA} (${a.length})`,
    );
  }
}

/**
 * Dynamic thresholding, Saharia et al. 2022 ("Imagen"), §2.3: per batch item, s = the given
 * quantile of |x0| clamped to [1, sample_max_value]; x0 is clipped to [-s, s] and divided by s.
 * Quantile uses linear interpolation between order statistics, like torch.quantile.
 */
export function thresholdSample(
  x0: Float32Array,
  batchSize: number,
  ratio: number,
  maxValue: number,
): Float32Array {
  if (x0.length % batchSize !== 0) {
    throw invalidArgument('batchSize', batchSize, `a divisor of the sample length ${x0.length}`);
  }
  const per = x0.length / batchSize;
  const out = new Float32Array(x0.length);
  for (let b = 0; b < batchSize; b++) {
    const item = x0.subarray(b * per, (b + 1) * per);
    const sorted = Float64Array.from(item, Math.abs).sort();
    const rank = ratio * (per - 1);
    const below = Math.floor(rank);
    const above = Math.min(below + 1, per - 1);
    const q = sorted[below] + (sorted[above] - sorted[below]) * (rank - below);
    const s = Math.min(Math.max(q, 1), maxValue);
    for (let i = 0; i < per; i++) out[b * per + i] = Math.min(Math.max(item[i], -s), s) / s;
  }
  return out;
}

export function clampInPlace(x: Float32Array, range: number): void {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(Math.max(x[i], -range), range);
}

/** ᾱ at an integer training timestep, with a clear error for anything else. */
export function alphaAt(alphas: Float32Array, t: number): number {
  if (!Number.isInteger(t) || t < 0 || t >= alphas.length) {
    throw invalidArgument('timestep', t, `an integer from 0 to ${alphas.length - 1}`);
  }
  return alphas[t];
}
