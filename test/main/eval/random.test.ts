import { describe, expect, it } from 'vitest';
import { createUniform, hashSeed, shuffled } from '../../../main/eval/random.ts';

describe('createUniform', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const a = createUniform(9);
    const b = createUniform(9);
    const c = createUniform(10);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it('stays in [0, 1) with a mean near ½ and integers in range', () => {
    const rng = createUniform(1);
    let sum = 0;
    const seen = new Set<number>();
    for (let i = 0; i < 20_000; i++) {
      const x = rng.next();
      expect(x >= 0 && x < 1).toBe(true);
      sum += x;
      seen.add(rng.int(6));
    }
    // The mean of 20,000 uniforms has SD sqrt(1/12/20000) = 0.002; allow 4 SD.
    expect(Math.abs(sum / 20_000 - 0.5)).toBeLessThan(0.008);
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('refuses a non-integer seed', () => {
    expect(() => createUniform(0.5)).toThrow(/`seed`/);
  });
});

describe('shuffled', () => {
  it('returns a permutation and leaves the input alone', () => {
    const items = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffled(items, createUniform(3));
    expect([...out].sort()).toEqual(items);
    expect(items).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

describe('hashSeed', () => {
  it('is FNV-1a: the empty string hashes to the offset basis', () => {
    expect(hashSeed('')).toBe(0x811c9dc5);
    // FNV-1a("a") = (0x811c9dc5 ^ 0x61) · 16777619 mod 2^32 = 0xe40c292c
    expect(hashSeed('a')).toBe(0xe40c292c);
  });
});
