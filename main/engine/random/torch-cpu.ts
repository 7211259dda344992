/**
 * `torch.randn(n, generator=torch.Generator('cpu').manual_seed(seed))` in float32, bit for bit.
 *
 * How torch draws (aten/src/ATen/native/cpu/DistributionTemplates.h, `normal_kernel`, and
 * aten/src/ATen/core/DistributionsHelper.h), reproduced here:
 * - The engine is MT19937 seeded with the low 32 bits of the seed (see mt19937.ts).
 * - n ≥ 16 (contiguous float32): every element first gets a uniform u = (r & 0xFFFFFF)·2⁻²⁴ from
 *   one 32-bit draw r. Then each block of 16 is transformed by Box-Muller: for j < 8,
 *   radius = √(−2·log(1 − u_j)), θ = 2π·u_{j+8}; out_j = radius·cos θ, out_{j+8} = radius·sin θ.
 *   If n is not a multiple of 16, the last 16 elements are refilled with 16 fresh uniforms and
 *   transformed again (overwriting part of the previous block).
 *   On x86 with AVX2, log/sin/cos are the Cephes float32 polynomials of avx_mathfun.h
 *   (`avx2` path, the default here); without AVX2 (AVX-512 builds, ARM, Apple silicon) torch calls
 *   the C library's float log/cos/sin, emulated here by correctly rounded float64 results (`scalar`
 *   path). The two paths differ in the last bits of about a third of the values.
 * - n < 16: each element is a float64 Box-Muller draw: u1, u2 are 53-bit uniforms from two 32-bit
 *   draws each ((hi & 0x1FFFFF)·2³² + lo)·2⁻⁵³; r = √(−2·log1p(−u2)), θ = 2π·u1; the element is
 *   r·cos θ and r·sin θ is cached in the generator for the next scalar element (also across calls),
 *   as torch's `next_double_normal_sample`.
 */
import { f32 } from '../schedulers/numeric.ts';
import { logAvx, sinCosAvx } from './cephes-f32.ts';
import { Mt19937 } from './mt19937.ts';

export type TorchCpuPath = 'avx2' | 'scalar';

const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M53 = 2 ** -53;
const TWO_PI_F32 = f32(2 * Math.PI);

export class TorchCpuGenerator {
  private readonly engine: Mt19937;
  private cachedNormal: number | null = null;

  constructor(
    seed: number | bigint,
    private readonly path: TorchCpuPath = 'avx2',
  ) {
    this.engine = new Mt19937(Number(BigInt(seed) & 0xffffffffn));
  }

  /** One float32 uniform in [0, 1) (torch `uniform_real_distribution<float>`). */
  private uniformF32(): number {
    return (this.engine.nextU32() & 0xffffff) * TWO_POW_M24;
  }

  /** One float64 uniform in [0, 1) from `random64()` (high word drawn first). */
  private uniformF64(): number {
    const hi = this.engine.nextU32();
    const lo = this.engine.nextU32();
    return ((hi & 0x1fffff) * 4294967296 + lo) * TWO_POW_M53;
  }

  private scalarNormal(): number {
    if (this.cachedNormal !== null) {
      const cached = this.cachedNormal;
      this.cachedNormal = null;
      return cached;
    }
    const u1 = this.uniformF64();
    const u2 = this.uniformF64();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.cachedNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  private transform16(data: Float32Array, at: number): void {
    for (let j = 0; j < 8; j++) {
      const u1 = f32(1 - data[at + j]);
      const u2 = data[at + j + 8];
      if (this.path === 'avx2') {
        const radius = f32(Math.sqrt(f32(-2 * logAvx(u1))));
        const [sin, cos] = sinCosAvx(f32(TWO_PI_F32 * u2));
        data[at + j] = radius * cos;
        data[at + j + 8] = radius * sin;
      } else {
        const radius = f32(Math.sqrt(f32(-2 * f32(Math.log(u1)))));
        const theta = f32(2 * Math.PI * u2);
        data[at + j] = radius * f32(Math.cos(theta));
        data[at + j + 8] = radius * f32(Math.sin(theta));
      }
    }
  }

  /** The next `torch.randn(length)` tensor from this generator. */
  randn(length: number): Float32Array {
    const out = new Float32Array(length);
    if (length < 16) {
      for (let i = 0; i < length; i++) out[i] = this.scalarNormal();
      return out;
    }
    for (let i = 0; i < length; i++) out[i] = this.uniformF32();
    for (let i = 0; i + 16 <= length; i += 16) this.transform16(out, i);
    if (length % 16 !== 0) {
      const at = length - 16;
      for (let i = 0; i < 16; i++) out[at + i] = this.uniformF32();
      this.transform16(out, at);
    }
    return out;
  }
}
