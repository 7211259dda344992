/** Shared pieces of the percentile bootstrap. */
import { invalidArgument } from '../../../common/errors.ts';

/**
 * The q-quantile of `values` by linear interpolation between order statistics (Hyndman & Fan
 * 1996, definition 7, the default of R and NumPy). Sorts a copy.
 */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) throw invalidArgument('q', q, 'a number in [0, 1]');
  if (values.length === 0) throw invalidArgument('values', [], 'at least one value');
  const sorted = Float64Array.from(values).sort();
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}
