// @vitest-environment node
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../../main/onnx-builder/index.ts';
import { float16ToFloat32, float32ToFloat16 } from '../../../main/onnx-builder/fp16.ts';

const half = (x: number): number => float32ToFloat16(Float32Array.of(x))[0];

/** onnxruntime's Cast is an independent float<->half implementation to compare against. */
async function ortCast(values: Float32Array): Promise<Uint16Array> {
  const g = new GraphBuilder('cast');
  const x = g.input('x', 'float32', ['n']);
  g.output(g.op('Cast', [x], { to: 10 }), 'y', 'float16', ['n']);
  const s = await ort.InferenceSession.create(g.toBytes({ opset: 17 }));
  const out = await s.run({ x: new ort.Tensor('float32', values, [values.length]) });
  await s.release();
  return out.y.data as Uint16Array;
}

describe('float32ToFloat16', () => {
  it('encodes values whose half bits are known from IEEE-754 binary16', () => {
    expect(half(1)).toBe(0x3c00);
    expect(half(-2)).toBe(0xc000);
    expect(half(65504)).toBe(0x7bff); // largest finite half
    expect(half(0.333251953125)).toBe(0x3555);
    expect(half(2 ** -14)).toBe(0x0400); // smallest normal
    expect(half(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(half(-0)).toBe(0x8000);
    expect(half(Infinity)).toBe(0x7c00);
    expect(half(-Infinity)).toBe(0xfc00);
  });

  it('rounds to nearest with ties to even', () => {
    expect(half(1 + 2 ** -11)).toBe(0x3c00); // tie, 0x3c00 is even
    expect(half(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie, rounds up to even
    expect(half(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above the tie
    expect(half(65519)).toBe(0x7bff);
    expect(half(65520)).toBe(0x7c00); // tie between 65504 and 65536 -> Inf (even)
    expect(half(2 ** -25)).toBe(0x0000); // tie between 0 and the smallest subnormal
    expect(half(3 * 2 ** -25)).toBe(0x0002);
    expect(half(2 ** -25 * 1.5)).toBe(0x0001);
    expect(half(2 ** -26)).toBe(0x0000);
  });

  it('keeps NaN a NaN', () => {
    const h = half(NaN);
    expect(h & 0x7c00).toBe(0x7c00);
    expect(h & 0x03ff).not.toBe(0);
  });

  it('agrees with onnxruntime Cast on 200 000 values across every binade', async () => {
    const n = 200_000;
    const values = new Float32Array(n);
    let seed = 12345;
    for (let i = 0; i < n; i++) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const exp = (seed % 60) - 30; // 2^-30 .. 2^30 covers subnormals and overflow
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      values[i] = (seed / 2 ** 32 - 0.5) * 2 ** exp;
    }
    const ours = float32ToFloat16(values);
    const theirs = await ortCast(values);
    let mismatches = 0;
    for (let i = 0; i < n; i++) if (ours[i] !== theirs[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('writes into a caller-supplied array and rejects a wrong length', () => {
    const out = new Uint16Array(2);
    expect(float32ToFloat16(Float32Array.of(1, 2), out)).toBe(out);
    expect(Array.from(out)).toEqual([0x3c00, 0x4000]);
    expect(() => float32ToFloat16(Float32Array.of(1), out)).toThrow(/out has 2 elements/);
  });
});

describe('float16ToFloat32', () => {
  it('decodes every half bit pattern back to a value that re-encodes to the same bits', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const f = float16ToFloat32(all);
    const back = float32ToFloat16(f);
    for (let i = 0; i < 65536; i++) {
      const isNaN = (i & 0x7c00) === 0x7c00 && (i & 0x3ff) !== 0;
      if (isNaN) expect(Number.isNaN(f[i])).toBe(true);
      else if (back[i] !== i)
        throw new Error(`half 0x${i.toString(16)} -> ${f[i]} -> 0x${back[i].toString(16)}`);
    }
  });

  it('gives the exact value of subnormal, normal and special halves', () => {
    const f = float16ToFloat32(
      Uint16Array.of(0x0001, 0x03ff, 0x3c00, 0xc000, 0x7bff, 0x7c00, 0xfc00, 0x8000),
    );
    expect(f[0]).toBe(2 ** -24);
    expect(f[1]).toBe(1023 * 2 ** -24);
    expect(Array.from(f.slice(2, 7))).toEqual([1, -2, 65504, Infinity, -Infinity]);
    expect(Object.is(f[7], -0)).toBe(true);
  });
});
