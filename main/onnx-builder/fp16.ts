/**
 * IEEE-754 binary32 <-> binary16 conversion on typed arrays (Node 20 has no Float16Array, and
 * onnxruntime-node takes float16 tensors as Uint16Array half bits; onnx-contract.md §7).
 *
 * float32 -> float16 rounds to nearest, ties to even, as IEEE-754 §4.3.1 requires: overflow goes
 * to ±Inf, values below half the smallest subnormal (2^-25) go to ±0, subnormals are kept, and
 * NaN stays a (quiet) NaN with its sign. float16 -> float32 is exact, through a 64 K-entry table
 * built once. Neither direction allocates per element.
 */

let halfTable: Float32Array | undefined;

/** Exact float value of each of the 65 536 half bit patterns. */
function table(): Float32Array {
  if (halfTable) return halfTable;
  const out = new Float32Array(65536);
  const bits = new Uint32Array(out.buffer);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >>> 10) & 0x1f;
    const mant = h & 0x3ff;
    if (exp === 0x1f) {
      // Inf or NaN: keep the payload in the top mantissa bits.
      bits[h] = sign | 0x7f800000 | (mant << 13);
    } else if (exp !== 0) {
      // Normal: rebias the exponent from 15 to 127.
      bits[h] = sign | ((exp + 112) << 23) | (mant << 13);
    } else {
      // Zero or subnormal: mant · 2^-24, exactly representable in binary32.
      out[h] = mant * 2 ** -24;
      bits[h] |= sign;
    }
  }
  halfTable = out;
  return out;
}

/** Converts one float32 bit pattern to half bits with round-to-nearest-even. */
export function float32BitsToHalf(f: number): number {
  const sign = (f >>> 16) & 0x8000;
  const e = (f >>> 23) & 0xff;
  const mant = f & 0x007fffff;
  if (e === 0xff) {
    // Inf stays Inf; NaN keeps its top payload bits and is forced quiet so it cannot become Inf.
    return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13);
  }
  if (e >= 143) return sign | 0x7c00; // |x| >= 65536: beyond the largest half after rounding
  if (e >= 113) {
    // Normal half. Rounding may carry into the exponent and up to Inf, which is correct.
    let h = sign | ((e - 112) << 10) | (mant >>> 13);
    const rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest === 0x1000 && (h & 1) === 1)) h++;
    return h;
  }
  if (e < 102) return sign; // |x| < 2^-25: rounds to zero
  // Subnormal half: value = sig · 2^(e-150), unit 2^-24, so h = sig >> (126 - e).
  const sig = mant | 0x00800000;
  const shift = 126 - e;
  let h = sig >>> shift;
  const rest = sig & ((1 << shift) - 1);
  const halfway = 1 << (shift - 1);
  if (rest > halfway || (rest === halfway && (h & 1) === 1)) h++;
  return sign | h;
}

/** float32 values -> half bits. Writes into `out` when given (same length), else a new array. */
export function float32ToFloat16(src: Float32Array, out?: Uint16Array): Uint16Array {
  const dst = out ?? new Uint16Array(src.length);
  if (dst.length !== src.length) {
    throw new RangeError(`float32ToFloat16: out has ${dst.length} elements, src has ${src.length}`);
  }
  const bits = new Uint32Array(src.buffer, src.byteOffset, src.length);
  for (let i = 0; i < bits.length; i++) dst[i] = float32BitsToHalf(bits[i]);
  return dst;
}

/** Half bits -> float32 values. Writes into `out` when given (same length), else a new array. */
export function float16ToFloat32(src: Uint16Array, out?: Float32Array): Float32Array {
  const dst = out ?? new Float32Array(src.length);
  if (dst.length !== src.length) {
    throw new RangeError(`float16ToFloat32: out has ${dst.length} elements, src has ${src.length}`);
  }
  const t = table();
  for (let i = 0; i < src.length; i++) dst[i] = t[src[i]];
  return dst;
}
