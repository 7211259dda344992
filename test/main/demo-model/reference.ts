/**
 * A plain float64 JavaScript reference of the exact MMSE denoiser, written from the formula
 * (not from the graph): w_i ∝ π_i·N(x; √ᾱ·x_i, (1−ᾱ)I), x̂0 = Σ w_i x_i,
 * ε̂ = (x − √ᾱ·x̂0)/√(1−ᾱ), with log π_i = κ·(mass of scene i's shape, colour and background).
 */
import { alphaBarAt } from '../../../main/demo-model/schedule.ts';
import { BACKGROUNDS, COLOURS, SHAPES, type SceneSpec } from '../../../main/demo-model/design.ts';

export interface ReferenceInput {
  /** [4·h·w] per batch item. */
  x: Float32Array[];
  t: number[];
  /** Concept mass per batch item, 16 entries (6 shapes, 8 colours, 2 backgrounds). */
  mass: number[][];
  /** Scene latents [4·h·w], in spec order. */
  scenes: Float32Array[];
  specs: SceneSpec[];
  kappa: number;
  /** Extra log-prior per batch item and scene (ControlNet). */
  bonus?: number[][];
}

export function referenceEps(input: ReferenceInput): Float64Array[] {
  return input.x.map((x, b) => {
    const ab = alphaBarAt(input.t[b]);
    const sa = Math.sqrt(ab);
    const logits = input.scenes.map((xi, i) => {
      const s = input.specs[i];
      const m = input.mass[b];
      let logPrior =
        input.kappa *
        (m[SHAPES.indexOf(s.shape)] +
          m[SHAPES.length + COLOURS.indexOf(s.colour)] +
          m[SHAPES.length + COLOURS.length + BACKGROUNDS.indexOf(s.background)]);
      logPrior += input.bonus?.[b][i] ?? 0;
      let d = 0;
      for (let j = 0; j < x.length; j++) d += (x[j] - sa * xi[j]) ** 2;
      return logPrior - d / (2 * (1 - ab));
    });
    const max = Math.max(...logits);
    const w = logits.map((l) => Math.exp(l - max));
    const z = w.reduce((a, c) => a + c, 0);
    const eps = new Float64Array(x.length);
    for (let j = 0; j < x.length; j++) {
      let x0 = 0;
      for (let i = 0; i < w.length; i++) x0 += (w[i] / z) * input.scenes[i][j];
      eps[j] = (x[j] - sa * x0) / Math.sqrt(1 - ab);
    }
    return eps;
  });
}

/** Deterministic standard normals (Box–Muller over a 32-bit LCG). */
export function gaussians(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  const u = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return (s + 0.5) / 2 ** 32;
  };
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}
