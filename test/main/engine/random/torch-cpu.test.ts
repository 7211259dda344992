import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNoiseSource } from '../../../../main/engine/random/index.ts';
import { Mt19937 } from '../../../../main/engine/random/mt19937.ts';

interface Case {
  seed: number;
  shape: number[];
  f32hex: string;
}
interface Fixture {
  paths: Record<'avx2' | 'scalar', { cases: Case[]; sequences: { seed: number; draws: Case[] }[] }>;
}

// Made with Debian's python3-torch 1.13.1; see fixtures/gen_randn.py and the file's _comment.
const fixture: Fixture = JSON.parse(
  readFileSync(new URL('./fixtures/torch-randn.json', import.meta.url), 'utf8'),
);

function fromHex(hex: string): Float32Array {
  const words = new Uint32Array(hex.length / 8);
  for (let i = 0; i < words.length; i++) words[i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return new Float32Array(words.buffer);
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

describe('torch-cpu noise source', () => {
  it('reproduces the widely published torch.manual_seed(0); torch.randn(2, 3)', () => {
    const x = createNoiseSource('torch-cpu', 0).next(6);
    const printed = [1.541, -0.2934, -2.1788, 0.5684, -1.0845, -1.3986];
    printed.forEach((v, i) => expect(x[i]).toBeCloseTo(v, 4));
  });

  it('reproduces torch.manual_seed(0); torch.randn(4, 4) (the vectorised path)', () => {
    const x = createNoiseSource('torch-cpu', 0).next(16);
    const printed = [-1.1258, -1.1524, -0.2506, -0.4339, 0.8487, 0.692, -0.316, -2.1152];
    printed.forEach((v, i) => expect(x[i]).toBeCloseTo(v, 4));
  });

  for (const c of fixture.paths.avx2.cases) {
    it(`is bit-exact with torch.randn(${c.shape.join('x')}) for seed ${c.seed}`, () => {
      const got = createNoiseSource('torch-cpu', c.seed).next(size(c.shape));
      expect(Array.from(got)).toEqual(Array.from(fromHex(c.f32hex)));
    });
  }

  it('keeps generator state across calls, including the cached scalar normal', () => {
    for (const s of fixture.paths.avx2.sequences) {
      const source = createNoiseSource('torch-cpu', s.seed);
      for (const d of s.draws) {
        expect(Array.from(source.next(size(d.shape)))).toEqual(Array.from(fromHex(d.f32hex)));
      }
    }
  });

  it('follows the scalar (non-AVX2) torch kernel to within 2 ulp', () => {
    let exact = 0;
    let total = 0;
    for (const c of fixture.paths.scalar.cases) {
      const got = createNoiseSource('torch-cpu', c.seed, { torchCpuPath: 'scalar' }).next(
        size(c.shape),
      );
      const want = fromHex(c.f32hex);
      const gi = new Int32Array(got.buffer);
      const wi = new Int32Array(want.buffer);
      for (let i = 0; i < want.length; i++) {
        expect(Math.abs(gi[i] - wi[i])).toBeLessThanOrEqual(2);
        if (gi[i] === wi[i]) exact++;
        total++;
      }
    }
    expect(exact / total).toBeGreaterThan(0.98);
  });

  it('seeds mt19937 like the reference implementation (first output for seed 5489)', () => {
    // Matsumoto & Nishimura's mt19937ar with init_genrand(5489): first output 3499211612.
    expect(new Mt19937(5489).nextU32()).toBe(3499211612);
  });

  it('rejects negative, fractional and unsafe seeds', () => {
    for (const seed of [-1, 1.5, 2 ** 53]) {
      expect(() => createNoiseSource('torch-cpu', seed)).toThrow(/seed/);
    }
  });
});
