/**
 * The scene set, drawn in code. A scene is a background colour with one centred shape, and for
 * the refiner also a thin outline band just outside the shape. Drawing samples each pixel centre
 * (no anti-aliasing): the 8×8 pooling of the VAE encoder averages it anyway.
 *
 * Because the encoder is linear and every scene is bg + mask·(colour − bg), a scene's latent is
 * fixed by a few per-shape masks pooled to 64×64 plus per-scene colours. The UNet stores only
 * those masks and rebuilds the dataset latents in the graph.
 */
import {
  BACKGROUND_RGB,
  COLOUR_RGB,
  GEOMETRY,
  LATENT_SIZE,
  OUTLINE_RGB,
  SHAPES,
  VAE_FACTOR,
  type Rgb,
  type SceneSpec,
  type ShapeName,
} from './design.ts';
import { sdfGrid } from './shapes.ts';

export interface DrawOptions {
  /** Add the refiner's outline band. */
  outline?: boolean;
  /** Image side in px (default 512); the shape scales with it. */
  size?: number;
}

/** SDF grids are reused across scenes of the same shape (8 colours × 2 backgrounds each). */
const grids = new Map<string, Float32Array>();
const MAX_GRIDS = 8;

function cachedSdf(shape: ShapeName, size: number): Float32Array {
  const key = `${shape}:${size}`;
  let grid = grids.get(key);
  if (grid === undefined) {
    if (grids.size >= MAX_GRIDS) grids.delete(grids.keys().next().value!);
    grid = sdfGrid(shape, size);
    grids.set(key, grid);
  }
  return grid;
}

const isInside = (sdf: number): boolean => sdf < 0;
const isOutline = (sdf: number): boolean => sdf >= 0 && sdf < GEOMETRY.outlinePx;

/** A scene as planar RGB [3, size, size] in 0..1. */
export function drawScene(spec: SceneSpec, options: DrawOptions = {}): Float32Array {
  const size = options.size ?? GEOMETRY.size;
  const sdf = cachedSdf(spec.shape, size);
  const bg = BACKGROUND_RGB[spec.background];
  const fg = COLOUR_RGB[spec.colour];
  const ol = options.outline ? OUTLINE_RGB[spec.background] : bg;
  const plane = size * size;
  const out = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    const d = sdf[i];
    const rgb = isInside(d) ? fg : isOutline(d) ? ol : bg;
    out[i] = rgb[0];
    out[plane + i] = rgb[1];
    out[2 * plane + i] = rgb[2];
  }
  return out;
}

/** Averages each 8×8 block of a size×size plane (the encoder's pooling). */
export function pool8(plane: Float32Array, size: number): Float32Array {
  const n = size / VAE_FACTOR;
  const out = new Float32Array(n * n);
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      out[Math.floor(r / VAE_FACTOR) * n + Math.floor(c / VAE_FACTOR)] += plane[r * size + c];
    }
  }
  const inv = 1 / (VAE_FACTOR * VAE_FACTOR);
  for (let i = 0; i < out.length; i++) out[i] *= inv;
  return out;
}

export type MaskKind = 'coverage' | 'outline' | 'template';

/**
 * Per-shape masks at latent resolution, [6, 64, 64] in SHAPES order:
 * - coverage: the fraction of each 8×8 block inside the shape;
 * - outline: the fraction in the refiner's outline band;
 * - template: the ControlNet's soft outline, exp(−sdf²/2s²) pooled, so a hint a few pixels off
 *   still correlates.
 */
export function shapeMasks(kind: MaskKind): Float32Array {
  const size = GEOMETRY.size;
  const plane = LATENT_SIZE * LATENT_SIZE;
  const out = new Float32Array(SHAPES.length * plane);
  const s2 = 2 * GEOMETRY.templateSigmaPx * GEOMETRY.templateSigmaPx;
  SHAPES.forEach((shape: ShapeName, k) => {
    const sdf = cachedSdf(shape, size);
    const field = sdf.map((d) =>
      kind === 'template'
        ? Math.exp(-(d * d) / s2)
        : (kind === 'coverage' ? isInside(d) : isOutline(d))
          ? 1
          : 0,
    );
    out.set(pool8(field, size), k * plane);
  });
  return out;
}

/** Mixes a colour into the scene's linear form: (colour − bg). */
export function delta(a: Rgb, b: Rgb): [number, number, number] {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
