/**
 * The scene set in the factored form the UNet stores: x_i = base_i + Σ_layers mask[shape_i]·δ_i,
 * all in UNet-space latents (encoder output × scaling_factor). This is exact because the VAE
 * encoder is linear and every scene is a background plus masked colour differences.
 */
import {
  BACKGROUND_RGB,
  CONCEPTS,
  COLOUR_RGB,
  LATENT_SIZE,
  OUTLINE_RGB,
  SHAPES,
  sceneSpecs,
  type SceneSpec,
} from './design.ts';
import { shapeMasks, type MaskKind } from './scenes.ts';
import { latentOfColour } from './vae.ts';

export type SceneSetKind = 'base' | 'refiner';

export interface SceneLayer {
  /** Which per-shape masks this layer uses. */
  kind: MaskKind;
  /** [6, 64, 64] masks at latent resolution. */
  masks: Float32Array;
  /** [N, 4] latent difference this layer adds where its mask is 1. */
  deltas: Float32Array;
}

export interface SceneSet {
  kind: SceneSetKind;
  specs: SceneSpec[];
  /** [N, 4] background latent of each scene. */
  base: Float32Array;
  /** [N] shape index of each scene (into SHAPES). */
  shapeIndex: BigInt64Array;
  layers: SceneLayer[];
  /** [16, N]: 1 where scene i has concept k (its shape, colour and background). */
  incidence: Float32Array;
}

const sub = (a: number[], b: number[]): number[] => a.map((v, i) => v - b[i]);

export function sceneSet(kind: SceneSetKind): SceneSet {
  const specs = sceneSpecs();
  const n = specs.length;
  const base = new Float32Array(n * 4);
  const fill = new Float32Array(n * 4);
  const outline = new Float32Array(n * 4);
  const shapeIndex = new BigInt64Array(n);
  const incidence = new Float32Array(CONCEPTS.length * n);
  for (const s of specs) {
    const bg = latentOfColour(BACKGROUND_RGB[s.background]);
    base.set(bg, s.index * 4);
    fill.set(sub(latentOfColour(COLOUR_RGB[s.colour]), bg), s.index * 4);
    outline.set(sub(latentOfColour(OUTLINE_RGB[s.background]), bg), s.index * 4);
    shapeIndex[s.index] = BigInt(SHAPES.indexOf(s.shape));
    for (const concept of [
      `shape:${s.shape}`,
      `colour:${s.colour}`,
      `background:${s.background}`,
    ]) {
      incidence[CONCEPTS.indexOf(concept) * n + s.index] = 1;
    }
  }
  const layers: SceneLayer[] = [{ kind: 'coverage', masks: shapeMasks('coverage'), deltas: fill }];
  if (kind === 'refiner')
    layers.push({ kind: 'outline', masks: shapeMasks('outline'), deltas: outline });
  return { kind, specs, base, shapeIndex, layers, incidence };
}

/** Scene i's UNet-space latent at 64×64 as [4, 64, 64] (for tests and tooling). */
export function sceneLatent(set: SceneSet, i: number): Float32Array {
  const plane = LATENT_SIZE * LATENT_SIZE;
  const out = new Float32Array(4 * plane);
  const shape = Number(set.shapeIndex[i]);
  for (let c = 0; c < 4; c++) {
    for (let p = 0; p < plane; p++) {
      let v = set.base[i * 4 + c];
      for (const l of set.layers) v += l.masks[shape * plane + p] * l.deltas[i * 4 + c];
      out[c * plane + p] = v;
    }
  }
  return out;
}
