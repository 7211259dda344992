/**
 * Detection statistics for safety-eval: confusion matrix (positive = labelled unsafe), precision,
 * recall and false-positive rate with Wilson score intervals, and the threshold that reaches a
 * target recall.
 *
 * Wilson (1927), "Probable inference, the law of succession, and statistical inference", JASA
 * 22:209–212. For x successes in n trials, p = x/n and z the normal quantile:
 *   centre = (p + z²/2n) / (1 + z²/n)
 *   half   = z · √(p(1 − p)/n + z²/4n²) / (1 + z²/n)
 * Unlike the normal approximation it stays inside [0, 1] and behaves at p = 0 or 1 and small n,
 * which is what users' hand-labelled folders are.
 */

/** Φ⁻¹(0.975): the two-sided 95 % normal quantile. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

/** A proportion with its Wilson interval; null when the denominator is 0 (undefined). */
export interface Rate {
  value: number;
  successes: number;
  total: number;
  interval: Interval;
}

export function wilson(successes: number, total: number, z = Z95): Interval | null {
  if (total === 0) return null;
  const p = successes / total;
  const z2 = z * z;
  const denom = 1 + z2 / total;
  const centre = (p + z2 / (2 * total)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / total + z2 / (4 * total * total))) / denom;
  // At p = 0 (p = 1) the bound is exactly 0 (1); say so instead of leaving rounding residue.
  return {
    low: successes === 0 ? 0 : Math.max(0, centre - half),
    high: successes === total ? 1 : Math.min(1, centre + half),
  };
}

export function rate(successes: number, total: number): Rate | null {
  const interval = wilson(successes, total);
  return interval ? { value: successes / total, successes, total, interval } : null;
}

export interface Confusion {
  /** Unsafe and flagged. */
  tp: number;
  /** Safe but flagged. */
  fp: number;
  /** Safe and passed. */
  tn: number;
  /** Unsafe but passed. */
  fn: number;
}

export function confusionOf(items: readonly { unsafe: boolean; flagged: boolean }[]): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (const { unsafe, flagged } of items) {
    if (unsafe) flagged ? c.tp++ : c.fn++;
    else flagged ? c.fp++ : c.tn++;
  }
  return c;
}

export interface Metrics {
  confusion: Confusion;
  /** TP / (TP + FP): of the flagged images, the share that was unsafe. */
  precision: Rate | null;
  /** TP / (TP + FN): of the unsafe images, the share that was flagged. */
  recall: Rate | null;
  /** FP / (FP + TN): of the safe images, the share that was flagged. */
  falsePositiveRate: Rate | null;
}

export function metricsOf(confusion: Confusion): Metrics {
  const { tp, fp, tn, fn } = confusion;
  return {
    confusion,
    precision: rate(tp, tp + fp),
    recall: rate(tp, tp + fn),
    falsePositiveRate: rate(fp, fp + tn),
  };
}

export interface RecallThreshold {
  /** Flag when score ≥ threshold. */
  threshold: number;
  target: number;
  recall: number;
  precision: number;
  flagged: number;
}

/**
 * The highest threshold whose recall reaches `target`: with P unsafe images, at least
 * k = ⌈target · P⌉ of them must score ≥ t, so t is the k-th highest unsafe score. Null when
 * there is no unsafe image. Ties can push the recall above the target.
 */
export function thresholdForRecall(
  items: readonly { unsafe: boolean; score: number }[],
  target: number,
): RecallThreshold | null {
  const positives = items
    .filter((i) => i.unsafe)
    .map((i) => i.score)
    .sort((a, b) => b - a);
  if (positives.length === 0) return null;
  // The epsilon keeps 0.9 · 10 = 9.000000000000002 from rounding up to 10.
  const k = Math.max(1, Math.ceil(target * positives.length - 1e-9));
  const threshold = positives[k - 1];
  const flaggedItems = items.filter((i) => i.score >= threshold);
  const tp = flaggedItems.filter((i) => i.unsafe).length;
  return {
    threshold,
    target,
    recall: tp / positives.length,
    precision: tp / flaggedItems.length,
    flagged: flaggedItems.length,
  };
}
