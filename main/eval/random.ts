/**
 * A small seeded uniform generator for bootstraps, side randomisation and shuffles. Evaluation
 * must be reproducible from its seed, so nothing here reads Math.random.
 *
 * The generator is Mulberry32 (Tommy Ettinger, 2017): a 32-bit additive state passed through an
 * xorshift-multiply mixer. Its period is 2^32, far more than the ~10^6 draws of a bootstrap.
 */
import { invalidArgument } from '../../common/errors.ts';

export interface Uniform {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, n). */
  int(n: number): number;
}

export function createUniform(seed: number): Uniform {
  if (!Number.isInteger(seed)) throw invalidArgument('seed', seed, 'an integer');
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int(n: number): number {
      if (!Number.isInteger(n) || n <= 0) throw invalidArgument('n', n, 'a positive integer');
      return Math.floor(next() * n);
    },
  };
}

/** Fisher–Yates shuffle of a copy (Knuth, TAOCP vol. 2, Algorithm P). */
export function shuffled<T>(items: readonly T[], rng: Uniform): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** A stable 32-bit hash of a string (FNV-1a), to derive per-item seeds from names. */
export function hashSeed(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
