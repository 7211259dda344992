/**
 * Emulsion's own seed mode: Philox4x32-10 blocks turned into normals by the Box-Muller transform
 * (Box & Muller 1958). Exactly how numbers are drawn:
 * - key = [seed mod 2³², ⌊seed / 2³²⌋]; counter = [k mod 2³², ⌊k / 2³²⌋, 0, 0] for block k = 0, 1, …
 * - block words w0..w3 give two uniforms in (0, 1) with 53 bits each:
 *   u1 = ((w0 >>> 5)·2²⁶ + (w1 >>> 6) + ½)·2⁻⁵³ and u2 likewise from w2, w3.
 * - r = √(−2·ln u1), θ = 2π·u2; the block yields r·cos θ then r·sin θ, each rounded to float32.
 * - `next(n)` uses ⌈n/2⌉ fresh blocks; with odd n the last sine is dropped, so every call starts
 *   on a block boundary and the values depend only on the seed and the sequence of call lengths.
 */
import { philox4x32 } from './philox.ts';

const TWO_POW_26 = 67108864;
const TWO_POW_M53 = 2 ** -53;

export class EmulsionGenerator {
  private readonly key: readonly [number, number];
  private block = 0;

  constructor(seed: number) {
    this.key = [(seed % 4294967296) >>> 0, Math.floor(seed / 4294967296) >>> 0];
  }

  next(length: number): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i += 2) {
      const k = this.block++;
      const w = philox4x32(
        [(k % 4294967296) >>> 0, Math.floor(k / 4294967296) >>> 0, 0, 0],
        this.key,
      );
      const u1 = ((w[0] >>> 5) * TWO_POW_26 + (w[1] >>> 6) + 0.5) * TWO_POW_M53;
      const u2 = ((w[2] >>> 5) * TWO_POW_26 + (w[3] >>> 6) + 0.5) * TWO_POW_M53;
      const r = Math.sqrt(-2 * Math.log(u1));
      const theta = 2 * Math.PI * u2;
      out[i] = r * Math.cos(theta);
      if (i + 1 < length) out[i + 1] = r * Math.sin(theta);
    }
    return out;
  }
}
