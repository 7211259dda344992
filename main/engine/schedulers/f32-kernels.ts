/**
 * The float32 log and exp kernels that numpy and torch run on x86-64 CPUs. They are not correctly
 * rounded, and diffusers feeds their results into `_sigma_to_t`, so reproducing its timesteps bit
 * for bit needs the same operation sequence (each step below is one float32 operation or one
 * fused multiply-add, rounded once).
 */
import { f32, f32Bits, f32FromBits, fmaF32, roundHalfEven } from './numeric.ts';

const FLT_MIN = 2 ** -126;

// numpy's coefficients NPY_COEFF_{P,Q}{0..5}_LOGf (numpy/core/src/common/npy_simd_data.h) of a
// degree-5/5 minimax rational approximation of log(1 + y).
const NP_LOG_P = [
  0, 9.999999999999998702752e-1, 2.112677543073053063722, 1.480000633576506585156,
  3.808837741388407920751e-1, 2.589979117907922693523e-2,
].map(f32);
const NP_LOG_Q = [
  1, 2.612677543073109236779, 2.453006071784736363091, 9.864942958519418960339e-1,
  1.546476374983906719538e-1, 5.87509540312457434295e-3,
].map(f32);
const LN2_F32 = f32(Math.LN2);
const SQRT1_2_F32 = f32(Math.SQRT1_2);

function specialLog(x: number): number | null {
  if (Number.isNaN(x) || x < 0) return Number.NaN;
  if (x === 0) return Number.NEGATIVE_INFINITY;
  if (x === Number.POSITIVE_INFINITY) return x;
  return null;
}

/**
 * `np.log` of a float32 array element: numpy's `simd_log_FLOAT` kernel
 * (numpy/core/src/umath/loops_exponent_log.dispatch.c.src), used with AVX2+FMA3 and with AVX512F
 * (both widths give the same bits). Up to 3.8 ulp from the true value; about one SD training
 * sigma in five gets a different log than f32(Math.log(x)). numpy builds without AVX2 and ARM
 * builds use libm's logf instead.
 */
export function npLogF32(value: number): number {
  const x = f32(value);
  const special = specialLog(x);
  if (special !== null) return special;
  // x = m·2^e with m in [0.5, 1); denormals are scaled by 2^100 first.
  const denormal = x < FLT_MIN;
  const bits = f32Bits(denormal ? f32(x * 2 ** 100) : x);
  let exponent = (bits >>> 23) - 126 - (denormal ? 100 : 0);
  let m = f32FromBits((bits & 0x7fffff) | (126 << 23));
  if (m <= SQRT1_2_F32) {
    m += m;
    exponent -= 1;
  }
  const y = f32(m - 1); // exact (Sterbenz)
  let num = NP_LOG_P[5];
  let den = NP_LOG_Q[5];
  for (let k = 4; k >= 0; k--) {
    num = fmaF32(num, y, NP_LOG_P[k]);
    den = fmaF32(den, y, NP_LOG_Q[k]);
  }
  return fmaF32(exponent, LN2_F32, f32(num / den));
}

/** A double-float value hi + lo (SLEEF's vfloat2). */
interface F2 {
  hi: number;
  lo: number;
}

/** Sum of two floats as hi + lo (SLEEF `dfadd2_vf2_vf_vf`, TwoSum). */
function twoSum(x: number, y: number): F2 {
  const s = f32(x + y);
  const v = f32(s - x);
  return { hi: s, lo: f32(f32(x - f32(s - v)) + f32(y - v)) };
}

/**
 * `Tensor.log()` of a float32 CPU tensor in torch: ATen's vml path maps every element (the tail
 * padded into a full vector) through SLEEF's `Sleef_logf8_u10` (SLEEF 3.5 `xlogf_u1`, AVX2 with
 * FMA): log x = e·ln2 + 2·atanh((m − 1)/(m + 1)) in double-float arithmetic, m in [0.75, 1.5).
 */
export function torchLogF32(value: number): number {
  let d = f32(value);
  const special = specialLog(d);
  if (special !== null) return special;
  const tiny = d < FLT_MIN;
  if (tiny) d = f32(d * 2 ** 64);
  let e = ((f32Bits(f32(d * f32(1 / 0.75))) >>> 23) & 0xff) - 0x7f;
  const m = f32FromBits(f32Bits(d) - e * 2 ** 23);
  if (tiny) e -= 64;
  // s = ln2·e as a double-float (SLEEF `dfmul_vf2_vf2_vf` with FMA).
  const ln2Hi = f32(0.69314718246459960938);
  const ln2Lo = f32(-1.904654323148236017e-9);
  const sHi = f32(ln2Hi * e);
  let s: F2 = { hi: sHi, lo: fmaF32(ln2Lo, e, fmaF32(ln2Hi, e, -sHi)) };
  // x = (m − 1)/(m + 1) as a double-float (SLEEF `dfdiv_vf2_vf2_vf2` with FMA).
  const n = twoSum(-1, m);
  const dd = twoSum(1, m);
  const t = f32(1 / dd.hi);
  const q = f32(n.hi * t);
  const u = fmaF32(t, n.hi, -q);
  const v = fmaF32(-dd.lo, t, fmaF32(-dd.hi, t, 1));
  const x: F2 = { hi: q, lo: fmaF32(q, v, fmaF32(n.lo, t, u)) };
  const x2 = f32(x.hi * x.hi);
  let poly = f32(0.3027294874);
  poly = fmaF32(poly, x2, f32(0.3996108174));
  poly = fmaF32(poly, x2, f32(0.666669488));
  // s += 2x (SLEEF `dfadd_vf2_vf2_vf2`), then s += x³·poly (`dfadd_vf2_vf2_vf`).
  const x2Hi = f32(x.hi * 2);
  const x2Lo = f32(x.lo * 2);
  let sum = f32(s.hi + x2Hi);
  s = { hi: sum, lo: f32(f32(f32(f32(s.hi - sum) + x2Hi) + s.lo) + x2Lo) };
  const tail = f32(f32(x2 * x.hi) * poly);
  sum = f32(s.hi + tail);
  s = { hi: sum, lo: f32(f32(f32(s.hi - sum) + tail) + s.lo) };
  return f32(s.hi + s.lo);
}

// SLEEF's split of ln 2 for Cody-Waite reduction (src/common/misc.h L2Uf / L2Lf).
const L2U = f32(0.693145751953125);
const L2L = f32(1.428606765330187045e-6);
const EXP_POLY = [
  0.000198527617612853646278381, 0.00139304355252534151077271, 0.00833336077630519866943359,
  0.0416664853692054748535156, 0.166666671633720397949219, 0.5,
].map(f32);

/** 2^k as a float32 (k in the normal exponent range). */
const pow2 = (k: number) => f32FromBits((k + 0x7f) << 23);

/**
 * `Tensor.exp()` of a float32 CPU tensor in torch: SLEEF's `Sleef_expf8_u10` (SLEEF 3.5 `xexpf`,
 * AVX2 with FMA): q = round(x/ln2), s = x − q·ln2 in two FMA steps, a degree-6 polynomial for
 * e^s, then scaling by 2^q in two halves.
 */
export function torchExpF32(value: number): number {
  const d = f32(value);
  if (Number.isNaN(d)) return d;
  if (d > 100) return Number.POSITIVE_INFINITY;
  if (d < -104) return 0;
  const q = roundHalfEven(f32(d * f32(Math.LOG2E)));
  let s = fmaF32(q, -L2U, d);
  s = fmaF32(q, -L2L, s);
  let u = EXP_POLY[0];
  for (let k = 1; k < EXP_POLY.length; k++) u = fmaF32(u, s, EXP_POLY[k]);
  u = f32(1 + fmaF32(f32(s * s), u, s));
  const half = q >> 1;
  return f32(f32(u * pow2(half)) * pow2(q - half));
}
