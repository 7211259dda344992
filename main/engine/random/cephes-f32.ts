/**
 * Float32 log and sincos exactly as torch's AVX2 `normal_` kernel evaluates them: the Cephes
 * polynomials of aten/src/ATen/native/cpu/avx_mathfun.h (after Julien Pommier's sse_mathfun),
 * operation by operation in single precision. torch's AVX2 kernels are built with FMA enabled and
 * GCC contracts `a*b + c` where a product feeds one addition, so the same contractions are applied
 * here (verified bit for bit against torch 1.13's AVX2 path, see the test fixture).
 */
import { f32, fmaF32 } from '../schedulers/numeric.ts';

const buf = new Float32Array(1);
const bits = new Int32Array(buf.buffer);

const SQRTHF = f32(0.707106781186547524);
const LOG_P = [
  7.0376836292e-2, -1.151461031e-1, 1.167699874e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
].map(f32);
const LOG_Q1 = f32(-2.1219444e-4);
const LOG_Q2 = f32(0.693359375);

/** Cephes `logf` for x in (0, 1], as `log256_ps`. */
export function logAvx(value: number): number {
  buf[0] = Math.max(value, 1.1754943508222875e-38);
  const exponent = (bits[0] >>> 23) - 0x7f;
  bits[0] = (bits[0] & ~0x7f800000) | 0x3f000000; // mantissa scaled into [0.5, 1)
  const m = buf[0];
  let e = exponent + 1;
  let x = f32(m - 1);
  if (m < SQRTHF) {
    // Keep the mantissa in [√½, √2): x = 2m − 1, one exponent less.
    e -= 1;
    x = f32(x + m);
  }
  const z = f32(x * x);
  let y = LOG_P[0];
  for (let i = 1; i < LOG_P.length; i++) y = fmaF32(y, x, LOG_P[i]);
  y = f32(y * x);
  // y*z + e*q1: GCC fuses the first product (y*z) with the addition of the rounded e*q1.
  y = fmaF32(y, z, f32(e * LOG_Q1));
  y = f32(y - f32(z * 0.5));
  return f32(f32(x + y) + f32(e * LOG_Q2));
}

const FOPI = f32(1.27323954473516); // 4/π
const DP1 = f32(-0.78515625);
const DP2 = f32(-2.4187564849853515625e-4);
const DP3 = f32(-3.77489497744594108e-8);
const COS_P = [2.443315711809948e-5, -1.388731625493765e-3, 4.166664568298827e-2].map(f32);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f32);

/** Cephes sinf/cosf of a float32 angle, as `sincos256_ps`. Returns [sin, cos]. */
export function sinCosAvx(angle: number): [number, number] {
  let x = Math.abs(angle);
  const signSin = angle < 0 ? -1 : 1;
  let j = Math.trunc(f32(x * FOPI));
  j = (j + 1) & ~1;
  const y = j;
  // Extended-precision range reduction x − y·π/4 in three parts (Cody & Waite).
  x = fmaF32(y, DP1, x);
  x = fmaF32(y, DP2, x);
  x = fmaF32(y, DP3, x);
  const swapSin = (j & 4) !== 0 ? -1 : 1;
  const swapCos = (~(j - 2) & 4) !== 0 ? -1 : 1;
  const useSinPoly = (j & 2) === 0;
  const z = f32(x * x);
  let c = fmaF32(COS_P[0], z, COS_P[1]);
  c = fmaF32(c, z, COS_P[2]);
  c = f32(c * z);
  c = fmaF32(c, z, -f32(z * 0.5));
  c = f32(c + 1);
  let s = fmaF32(SIN_P[0], z, SIN_P[1]);
  s = fmaF32(s, z, SIN_P[2]);
  s = f32(s * z);
  s = fmaF32(s, x, x);
  const sin = useSinPoly ? s : c;
  const cos = useSinPoly ? c : s;
  return [sin * signSin * swapSin, cos * swapCos];
}
