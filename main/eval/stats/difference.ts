/**
 * Interval for a difference of two independent proportions p1 − p2 by Newcombe's hybrid score
 * method (Newcombe 1998, Statist. Med. 17:873, method 10), built from the two Wilson intervals:
 *
 *   L = d − sqrt((p1 − l1)² + (u2 − p2)²),  U = d + sqrt((u1 − p1)² + (p2 − l2)²)
 *
 * Used for "model against model": the share of a label in one model minus the other.
 */
import { wilsonInterval, Z95, type Interval } from './wilson.ts';

export function newcombeDifference(
  k1: number,
  n1: number,
  k2: number,
  n2: number,
  z = Z95,
): Interval {
  const a = wilsonInterval(k1, n1, z);
  const b = wilsonInterval(k2, n2, z);
  if (n1 === 0 || n2 === 0) return { estimate: NaN, low: -1, high: 1 };
  const d = a.estimate - b.estimate;
  return {
    estimate: d,
    low: Math.max(-1, d - Math.hypot(a.estimate - a.low, b.high - b.estimate)),
    high: Math.min(1, d + Math.hypot(a.high - a.estimate, b.estimate - b.low)),
  };
}
