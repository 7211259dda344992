/**
 * Numeric building blocks that reproduce what numpy and torch do when diffusers builds a schedule.
 * Schedule arrays are float32 (as diffusers stores them); the arithmetic that feeds them is float64
 * unless torch itself works in float32, in which case each operation is rounded with Math.fround.
 */

export const f32 = Math.fround;

/** numpy's `round`: halves go to the even neighbour (JS Math.round sends them up). */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/**
 * `np.linspace(start, stop, num, endpoint)` in float64: `i * step + start`, with the last value set to
 * `stop` exactly when `endpoint` is true (numpy/_core/function_base.py).
 */
export function npLinspace(
  start: number,
  stop: number,
  num: number,
  endpoint = true,
): Float64Array {
  const out = new Float64Array(num);
  const div = endpoint ? num - 1 : num;
  // numpy returns [start] for num = 1 (its step is undefined there, and unused).
  const step = div === 0 ? 0 : (stop - start) / div;
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  if (endpoint && num > 1) out[num - 1] = stop;
  return out;
}

/**
 * `np.arange(start, stop, step)` for floats. numpy computes the length as ceil((stop-start)/step),
 * then fills `start + i*delta` where delta is re-derived from the second element
 * (`DOUBLE_fill` in numpy's arraytypes.c.src), so we do the same.
 */
export function npArangeFloat(start: number, stop: number, step: number): Float64Array {
  const length = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(length);
  if (length === 0) return out;
  out[0] = start;
  if (length === 1) return out;
  out[1] = start + step;
  const delta = out[1] - start;
  for (let i = 2; i < length; i++) out[i] = start + i * delta;
  return out;
}

/** Exact single-precision fused multiply-add `a*b + c` of float32 inputs. */
export function fmaF32(a: number, b: number, c: number): number {
  const p = a * b; // exact: two 24-bit significands fit in 53 bits
  const s = p + c;
  // TwoSum: the exact error of the double addition, so a double-rounding tie can be broken.
  const bp = s - c;
  const err = p - bp + (c - (s - bp));
  const r = f32(s);
  if (err === 0 || r === s) return r;
  const other = f32(s > r ? nextUpF32(r) : nextDownF32(r));
  if (s - r !== other - s) return r;
  // s sits exactly half-way between two floats: the true sum lies on the side of err.
  return err > 0 === other > r ? other : r;
}

const scratch = new Float32Array(1);
const scratchBits = new Int32Array(scratch.buffer);

/** The IEEE-754 bit pattern of a float32 value, as a signed 32-bit integer. */
export function f32Bits(x: number): number {
  scratch[0] = x;
  return scratchBits[0];
}

/** The float32 value with the given bit pattern. */
export function f32FromBits(bits: number): number {
  scratchBits[0] = bits;
  return scratch[0];
}

function nextUpF32(x: number): number {
  scratch[0] = x;
  if (x === 0) return 1.401298464324817e-45;
  scratchBits[0] += x > 0 ? 1 : -1;
  return scratch[0];
}

function nextDownF32(x: number): number {
  return -nextUpF32(-x);
}

/**
 * `torch.linspace(start, end, steps, dtype=float32)` bit for bit, as torch's CPU kernel computes it
 * with AVX2 (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp): step = (end - start) / (steps - 1)
 * in float32; blocks of 16 values are two 8-lane vectors whose base is a fused
 * `start + step*i` (or `end - step*(steps-1-i)` from halfway on) and whose lanes add `step*j`
 * unfused; the tail is scalar and fused. Other torch builds differ by at most one ulp.
 */
export function torchLinspaceF32(start: number, end: number, steps: number): Float32Array {
  const out = new Float32Array(steps);
  if (steps === 1) {
    out[0] = start;
    return out;
  }
  const s = f32(start);
  const e = f32(end);
  const step = f32(f32(e - s) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  const base = (i: number) => (i < halfway ? fmaF32(step, i, s) : fmaF32(-step, steps - i - 1, e));
  let idx = 0;
  for (; idx + 16 <= steps; idx += 8) {
    const b = base(idx);
    for (let j = 0; j < 8; j++) out[idx + j] = f32(b + f32(step * j));
  }
  for (; idx < steps; idx++) out[idx] = base(idx);
  return out;
}

/** `np.interp(x, arange(len(fp)), fp)` for x inside [0, len-1], in float64. */
export function interpUnitGrid(x: number, fp: ArrayLike<number>): number {
  const last = fp.length - 1;
  if (x <= 0) return fp[0];
  if (x >= last) return fp[last];
  const j = Math.floor(x);
  const slope = fp[j + 1] - fp[j];
  return slope * (x - j) + fp[j];
}
