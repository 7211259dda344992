/**
 * Wilson score interval for a binomial proportion (Wilson 1927; Agresti & Coull 1998 show it
 * keeps close to nominal coverage at small n, where the Wald interval p ± z·sqrt(p(1−p)/n)
 * collapses to zero width at 0/n and n/n).
 *
 *   centre = (p̂ + z²/2n) / (1 + z²/n)
 *   half   = z / (1 + z²/n) · sqrt(p̂(1 − p̂)/n + z²/4n²)
 */
import { invalidArgument } from '../../../common/errors.ts';

/** Two-sided 95 % normal quantile, Φ⁻¹(0.975). */
export const Z95 = 1.959963984540054;

export interface Interval {
  /** The point estimate (k/n); NaN when n = 0. */
  estimate: number;
  low: number;
  high: number;
}

/**
 * `successes` may be fractional (ties counted as half a win), which the formula accepts: it only
 * uses p̂ = k/n and n.
 */
export function wilsonInterval(successes: number, trials: number, z = Z95): Interval {
  if (!Number.isInteger(trials) || trials < 0)
    throw invalidArgument('trials', trials, 'a non-negative integer');
  if (!Number.isFinite(successes) || successes < 0 || successes > trials)
    throw invalidArgument('successes', successes, `a number from 0 to trials (${trials})`);
  if (!(z > 0)) throw invalidArgument('z', z, 'a positive number');
  if (trials === 0) return { estimate: NaN, low: 0, high: 1 };
  const n = trials;
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * The half-width N images buy for a proportion p (default 0.5, the widest case): shown before
 * an audit runs so a user sees what 50 seeds can and cannot resolve (evaluation.md B2).
 */
export function wilsonHalfWidth(trials: number, p = 0.5, z = Z95): number {
  const { low, high } = wilsonInterval(p * trials, trials, z);
  return (high - low) / 2;
}

/** The smallest N whose Wilson half-width at p is at most `halfWidth`. */
export function trialsForHalfWidth(halfWidth: number, p = 0.5, z = Z95): number {
  if (!(halfWidth > 0 && halfWidth < 0.5))
    throw invalidArgument('halfWidth', halfWidth, 'a number between 0 and 0.5');
  let n = 1;
  while (wilsonHalfWidth(n, p, z) > halfWidth) n++;
  return n;
}
