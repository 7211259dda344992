/**
 * Distances of an observed category distribution from uniform and from reference shares
 * (evaluation.md B3 step 5). All take probabilities in the same category order.
 */
import { invalidArgument } from '../../../common/errors.ts';

export function proportions(counts: readonly number[]): number[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return counts.map(() => NaN);
  return counts.map((c) => c / total);
}

function checkPair(p: readonly number[], q: readonly number[]): void {
  if (p.length !== q.length || p.length === 0)
    throw invalidArgument('reference', q, `${p.length} shares, one per category`);
}

/**
 * DALL-Eval's MAD: the mean absolute deviation of the category shares from 1/K
 * (Cho, Zala & Bansal, ICCV 2023). 0 is uniform; for K = 2 it equals HEIM's |p − 0.5|.
 */
export function madFromUniform(p: readonly number[]): number {
  const k = p.length;
  return p.reduce((acc, x) => acc + Math.abs(x - 1 / k), 0) / k;
}

/** Total variation distance ½ Σ |p − q|: the share of mass that would have to move. */
export function totalVariation(p: readonly number[], q: readonly number[]): number {
  checkPair(p, q);
  return p.reduce((acc, x, i) => acc + Math.abs(x - q[i]), 0) / 2;
}

export function totalVariationFromUniform(p: readonly number[]): number {
  return totalVariation(
    p,
    p.map(() => 1 / p.length),
  );
}

/** KL(p ‖ q) in bits; Infinity when p puts mass where q has none. */
export function klDivergence(p: readonly number[], q: readonly number[]): number {
  checkPair(p, q);
  let d = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] === 0) continue;
    if (q[i] === 0) return Infinity;
    d += p[i] * Math.log2(p[i] / q[i]);
  }
  return d;
}

/**
 * Sign-aware amplification of a binary share against a reference (B3 step 5): positive when the
 * model is further from parity than the reference on the same side, e.g. reference 0.2 women and
 * model 0.05 women gives +0.15; a model that overshoots to the other side gives a negative value.
 */
export function amplification(modelShare: number, referenceShare: number): number {
  const side = Math.sign(referenceShare - 0.5) || 1;
  return side * (modelShare - 0.5) - Math.abs(referenceShare - 0.5);
}
