import { describe, expect, it } from 'vitest';
import { createNoiseSource } from '../../../../main/engine/random/index.ts';
import { philox4x32 } from '../../../../main/engine/random/philox.ts';

const hex = (w: Uint32Array) => Array.from(w, (v) => v.toString(16).padStart(8, '0')).join(' ');

describe('philox4x32', () => {
  // Known-answer vectors from Random123's kat_vectors (Salmon et al. 2011).
  it('matches the Random123 known-answer vectors', () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toBe('6627e8d5 e169c58d bc57ac4c 9b00dbd8');
    const ones = 0xffffffff;
    expect(hex(philox4x32([ones, ones, ones, ones], [ones, ones]))).toBe(
      '408f276d 41c83b0e a20bc7c6 6d5451fd',
    );
    expect(
      hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0])),
    ).toBe('d16cfe09 94fdcceb 5001e420 24126ea1');
  });
});

describe('emulsion noise source', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = createNoiseSource('emulsion', 1234).next(1000);
    const b = createNoiseSource('emulsion', 1234).next(1000);
    const c = createNoiseSource('emulsion', 1235).next(1000);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('draws the documented Box-Muller pair from block 0', () => {
    const w = philox4x32([0, 0, 0, 0], [7, 0]);
    const u1 = ((w[0] >>> 5) * 2 ** 26 + (w[1] >>> 6) + 0.5) * 2 ** -53;
    const u2 = ((w[2] >>> 5) * 2 ** 26 + (w[3] >>> 6) + 0.5) * 2 ** -53;
    const r = Math.sqrt(-2 * Math.log(u1));
    const x = createNoiseSource('emulsion', 7).next(2);
    expect(x[0]).toBe(Math.fround(r * Math.cos(2 * Math.PI * u2)));
    expect(x[1]).toBe(Math.fround(r * Math.sin(2 * Math.PI * u2)));
  });

  it('produces standard normal values', () => {
    const x = createNoiseSource('emulsion', 42).next(200_000);
    let mean = 0;
    for (const v of x) mean += v;
    mean /= x.length;
    let variance = 0;
    let beyond3 = 0;
    for (const v of x) {
      variance += (v - mean) ** 2;
      if (Math.abs(v) > 3) beyond3++;
    }
    variance /= x.length;
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
    // P(|z| > 3) = 0.0027 for a standard normal.
    expect(beyond3 / x.length).toBeGreaterThan(0.0022);
    expect(beyond3 / x.length).toBeLessThan(0.0032);
  });

  it('starts every call on a fresh block', () => {
    const source = createNoiseSource('emulsion', 3);
    source.next(3);
    const second = source.next(2);
    const reference = createNoiseSource('emulsion', 3).next(6);
    expect(Array.from(second)).toEqual(Array.from(reference.subarray(4, 6)));
  });

  it('rejects an unknown mode, naming the allowed ones', () => {
    expect(() => createNoiseSource('numpy' as 'emulsion', 1)).toThrow(/emulsion, torch-cpu/);
  });
});
