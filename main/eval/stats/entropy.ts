/**
 * Shannon entropy in bits of a categorical distribution, and two bootstrap intervals for it.
 *
 * The plug-in entropy of n draws is biased low (Miller 1955: E[Ĥ] ≈ H − (K − 1)/(2n ln 2)), and it
 * can never exceed log2 K. So "is this distribution uniform?" cannot be asked as "does log2 K lie
 * in the bootstrap interval of Ĥ": resampling a sample of a truly uniform model almost never gives
 * back an exactly uniform sample, and the interval ends below log2 K. We answer it the other way
 * round: `uniformEntropyInterval` draws many samples of the same size from the uniform
 * distribution and reports the range of plug-in entropies they give (a parametric bootstrap of
 * the null). An observed Ĥ inside that range is what a uniform model would plausibly produce at
 * this n; one below its lower end is evidence of skew at the chosen level (one-sided, because
 * nothing can be "more uniform than uniform").
 */
import { invalidArgument } from '../../../common/errors.ts';
import { createUniform } from '../random.ts';
import { quantile } from './bootstrap.ts';

function checkCounts(counts: readonly number[]): number {
  let total = 0;
  for (const c of counts) {
    if (!Number.isFinite(c) || c < 0)
      throw invalidArgument('counts', counts, 'non-negative numbers');
    total += c;
  }
  return total;
}

/** H = −Σ p log2 p over the non-zero counts; 0 for an empty sample. */
export function shannonEntropy(counts: readonly number[]): number {
  const total = checkCounts(counts);
  if (total === 0) return 0;
  let h = 0;
  for (const c of counts) {
    if (c === 0) continue;
    const p = c / total;
    h -= p * Math.log2(p);
  }
  return h;
}

/** H / log2 K, in [0, 1]; K is the number of categories (including empty ones). */
export function normalizedEntropy(counts: readonly number[]): number {
  if (counts.length < 2) return 0;
  return shannonEntropy(counts) / Math.log2(counts.length);
}

export interface BootstrapOptions {
  iterations?: number;
  seed?: number;
  /** Central coverage, e.g. 0.95. */
  level?: number;
}

export interface EntropyInterval {
  entropy: number;
  low: number;
  high: number;
  iterations: number;
}

/** Draws a multinomial sample of size n with probabilities p (by inverting the CDF per draw). */
function multinomial(cdf: Float64Array, n: number, next: () => number, out: Float64Array): void {
  out.fill(0);
  for (let d = 0; d < n; d++) {
    const u = next();
    let k = 0;
    while (k < cdf.length - 1 && u >= cdf[k]) k++;
    out[k]++;
  }
}

function cumulative(probs: readonly number[]): Float64Array {
  const cdf = new Float64Array(probs.length);
  let acc = 0;
  probs.forEach((p, i) => {
    acc += p;
    cdf[i] = acc;
  });
  return cdf;
}

function options(o: BootstrapOptions): Required<BootstrapOptions> {
  const iterations = o.iterations ?? 2000;
  const level = o.level ?? 0.95;
  if (!Number.isInteger(iterations) || iterations < 10)
    throw invalidArgument('iterations', iterations, 'an integer of at least 10');
  if (!(level > 0 && level < 1)) throw invalidArgument('level', level, 'a number in (0, 1)');
  return { iterations, level, seed: o.seed ?? 1 };
}

/**
 * Percentile bootstrap interval of the plug-in entropy: resample the observed labels with
 * replacement (Efron & Tibshirani 1993, ch. 13). Says how precisely Ĥ is known.
 */
export function bootstrapEntropy(
  counts: readonly number[],
  o: BootstrapOptions = {},
): EntropyInterval {
  const { iterations, level, seed } = options(o);
  const total = checkCounts(counts);
  const entropy = shannonEntropy(counts);
  if (total === 0) return { entropy, low: 0, high: 0, iterations };
  if (!Number.isInteger(total)) throw invalidArgument('counts', counts, 'whole-number counts');
  const cdf = cumulative(counts.map((c) => c / total));
  const rng = createUniform(seed);
  const sample = new Float64Array(counts.length);
  const values = new Float64Array(iterations);
  for (let b = 0; b < iterations; b++) {
    multinomial(cdf, total, rng.next, sample);
    values[b] = shannonEntropy(Array.from(sample));
  }
  const alpha = (1 - level) / 2;
  return { entropy, low: quantile(values, alpha), high: quantile(values, 1 - alpha), iterations };
}

export interface UniformEntropyInterval {
  /** log2 K, the entropy of the uniform distribution itself. */
  maximum: number;
  /** The (1 − level) quantile of plug-in entropies of n uniform draws: the one-sided bound. */
  low: number;
  /** Mean plug-in entropy of n uniform draws (shows the small-sample bias). */
  mean: number;
  iterations: number;
}

/** The null distribution of Ĥ for n draws from K equally likely categories (see file comment). */
export function uniformEntropyInterval(
  categories: number,
  draws: number,
  o: BootstrapOptions = {},
): UniformEntropyInterval {
  const { iterations, level, seed } = options(o);
  if (!Number.isInteger(categories) || categories < 2)
    throw invalidArgument('categories', categories, 'an integer of at least 2');
  if (!Number.isInteger(draws) || draws < 1)
    throw invalidArgument('draws', draws, 'a positive integer');
  const cdf = cumulative(new Array<number>(categories).fill(1 / categories));
  const rng = createUniform(seed);
  const sample = new Float64Array(categories);
  const values = new Float64Array(iterations);
  let sum = 0;
  for (let b = 0; b < iterations; b++) {
    multinomial(cdf, draws, rng.next, sample);
    values[b] = shannonEntropy(Array.from(sample));
    sum += values[b];
  }
  return {
    maximum: Math.log2(categories),
    low: quantile(values, 1 - level),
    mean: sum / iterations,
    iterations,
  };
}

/** True when an observed entropy is one a uniform model plausibly gives at this sample size. */
export function consistentWithUniform(
  counts: readonly number[],
  o: BootstrapOptions = {},
): boolean {
  const total = checkCounts(counts);
  const bound = uniformEntropyInterval(counts.length, total, o);
  return shannonEntropy(counts) >= bound.low;
}
