/**
 * Graph fragments the UNet and the ControlNet share: the noise level at a (fractional)
 * timestep, and fitting 64×64 per-shape masks to any latent size.
 */
import type { GraphBuilder, Value } from '../onnx-builder/index.ts';
import { LATENT_SIZE } from './design.ts';
import { NUM_TRAIN_TIMESTEPS, sigmas } from './schedule.ts';

export interface LatentSize {
  /** [1] int64 each. */
  batch: Value;
  height: Value;
  width: Value;
}

export function latentSize(g: GraphBuilder, sample: Value): LatentSize {
  const shape = g.op('Shape', [sample]);
  const dim = (i: number) => g.op('Slice', [shape, g.i64([i]), g.i64([i + 1])]);
  return { batch: dim(0), height: dim(2), width: dim(3) };
}

export interface NoiseLevel {
  /** σ(t), shape [T] (T = 1 or batch). */
  sigma: Value;
  /** √(1+σ²) = 1/√ᾱ(t), shape [T]. */
  invSqrtAlpha: Value;
}

/**
 * σ(t) by linear interpolation in the σ table (schedule.ts `alphaBarAt` is the JS twin), for a
 * timestep of rank 0 or 1. Clamping t to [0, 999] keeps Gather in range for any float.
 */
export function noiseLevel(g: GraphBuilder, timestep: Value): NoiseLevel {
  const table = g.initializer('sigma_table', Float32Array.from(sigmas()), [NUM_TRAIN_TIMESTEPS]);
  const t = g.op('Reshape', [g.op('Cast', [timestep], { to: 1 }), g.i64([-1])]);
  const tc = g.op('Clip', [t, g.f32(0), g.f32(NUM_TRAIN_TIMESTEPS - 1)]);
  const i0f = g.op('Floor', [g.op('Min', [tc, g.f32(NUM_TRAIN_TIMESTEPS - 2)])]);
  const i0 = g.op('Cast', [i0f], { to: 7 });
  const frac = g.op('Sub', [tc, i0f]);
  const s0 = g.op('Gather', [table, i0]);
  const s1 = g.op('Gather', [table, g.op('Add', [i0, g.i64(1)])]);
  const sigma = g.op('Add', [s0, g.op('Mul', [frac, g.op('Sub', [s1, s0])])]);
  const invSqrtAlpha = g.op('Sqrt', [g.op('Add', [g.op('Mul', [sigma, sigma]), g.f32(1)])]);
  return { sigma, invSqrtAlpha };
}

/**
 * Fits [K,1,64,64] masks to [K,1,h,w]: bilinear resize (half-pixel centres) to m×m with
 * m = min(h, w), then zero padding to centre it. A shape keeps its proportions on non-square
 * canvases and the extra area is background (mask 0), like a scene drawn on a wider canvas.
 */
export function fitMasks(g: GraphBuilder, masks: Value, count: number, size: LatentSize): Value {
  const m = g.op('Min', [size.height, size.width]);
  const sizes = g.op('Concat', [g.i64([count, 1]), m, m], { axis: 0 });
  const resized = g.op('Resize', [masks, '', '', sizes], { mode: 'linear' });
  const two = g.i64([2]);
  const top = g.op('Div', [g.op('Sub', [size.height, m]), two]);
  const left = g.op('Div', [g.op('Sub', [size.width, m]), two]);
  const bottom = g.op('Sub', [g.op('Sub', [size.height, m]), top]);
  const right = g.op('Sub', [g.op('Sub', [size.width, m]), left]);
  const zero2 = g.i64([0, 0]);
  const pads = g.op('Concat', [zero2, top, left, zero2, bottom, right], { axis: 0 });
  return g.op('Pad', [resized, pads], { mode: 'constant' });
}

/** The masks as an initializer of shape [K,1,64,64]. */
export function maskInitializer(g: GraphBuilder, name: string, masks: Float32Array): Value {
  const count = masks.length / (LATENT_SIZE * LATENT_SIZE);
  return g.initializer(name, masks, [count, 1, LATENT_SIZE, LATENT_SIZE]);
}
