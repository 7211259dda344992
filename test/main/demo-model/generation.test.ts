// @vitest-environment node
/**
 * Model-level generation checks with a small DDIM loop of our own (ddim.ts): ControlNet hints
 * and the refiner hand-off, which the engine does not run yet. Scenes are recognised by their
 * nearest drawn scene in latent space.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { SCALING_FACTOR, sceneSpecs } from '../../../main/demo-model/design.ts';
import { drawScene } from '../../../main/demo-model/scenes.ts';
import { nearest } from './analysis.ts';
import { sampleDdim } from './ddim.ts';
import { starHint } from './hints.ts';
import { demoModels, encodeImages, halve, openSession, promptIds } from './support.ts';

const specs = sceneSpecs();
const H = 32; // 256×256 images keep the loop fast; the model works at any size
let s: Record<'te' | 'unet' | 'cunet' | 'cn' | 'refiner' | 'encoder', ort.InferenceSession>;
let plain: Float32Array[];
let outlined: Float32Array[];

beforeAll(async () => {
  const m = await demoModels();
  s = {
    te: await openSession(path.join(m.base, 'text_encoder', 'model.onnx')),
    unet: await openSession(path.join(m.base, 'unet', 'model.onnx')),
    cunet: await openSession(path.join(m.base, 'controlnet', 'model.onnx')),
    cn: await openSession(path.join(m.controlnet, 'model.onnx')),
    refiner: await openSession(path.join(m.refiner, 'unet', 'model.onnx')),
    encoder: await openSession(path.join(m.base, 'vae_encoder', 'model.onnx')),
  };
  const encode = (imgs: Float32Array[]) =>
    encodeImages(s.encoder, imgs, 8 * H, 8 * H, SCALING_FACTOR);
  plain = await encode(specs.map((x) => halve(drawScene(x), 512)));
  outlined = await encode(specs.map((x) => halve(drawScene(x, { outline: true }), 512)));
});

async function conditioning(prompt: string, negative = ''): Promise<Float32Array> {
  const ehs = new Float32Array(2 * 77 * 768);
  for (const [i, p] of [negative, prompt].entries()) {
    const out = await s.te.run({ input_ids: new ort.Tensor('int64', promptIds(p), [1, 77]) });
    ehs.set(out.last_hidden_state.data as Float32Array, i * 77 * 768);
  }
  return ehs;
}

describe('demo model generation (own DDIM loop)', () => {
  it('draws a yellow star for "a yellow shape" with a star-outline hint', async () => {
    const ehs = await conditioning('a yellow shape');
    const hint = halve(starHint(512), 512);
    const shapes: string[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const x = await sampleDdim({
        ehs,
        h: H,
        w: H,
        steps: 20,
        cfg: 7,
        seed,
        unetFor: () => s.cunet,
        control: [{ session: s.cn, hint, scale: 1 }],
      });
      const spec = specs[nearest(x, plain).index];
      expect(spec.colour).toBe('yellow');
      shapes.push(spec.shape);
    }
    expect(shapes).toEqual(['star', 'star', 'star', 'star']);
  });

  it('follows the prompt alone when the hint scale is 0', async () => {
    const ehs = await conditioning('a yellow shape');
    const hint = halve(starHint(512), 512);
    const shapes = new Set<string>();
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const x = await sampleDdim({
        ehs,
        h: H,
        w: H,
        steps: 20,
        cfg: 7,
        seed,
        unetFor: () => s.cunet,
        control: [{ session: s.cn, hint, scale: 0 }],
      });
      shapes.add(specs[nearest(x, plain).index].shape);
    }
    expect(shapes.size).toBeGreaterThan(1);
  });

  it('adds the outline in a refiner pass from 0.8 and keeps shape, colour and background', async () => {
    for (const [prompt, seed] of [
      ['a red circle', 2],
      ['a blue star on a light background', 5],
      ['a green cross', 8],
    ] as const) {
      const ehs = await conditioning(prompt);
      const base = await sampleDdim({
        ehs,
        h: H,
        w: H,
        steps: 20,
        cfg: 7,
        seed,
        unetFor: () => s.unet,
      });
      // diffusers' denoising_end 0.8: the base keeps t ≥ 1000·(1 − 0.8), the refiner the rest.
      const refined = await sampleDdim({
        ehs,
        h: H,
        w: H,
        steps: 20,
        cfg: 7,
        seed,
        unetFor: (t) => (t >= 200 ? s.unet : s.refiner),
      });
      const before = nearest(base, [...plain, ...outlined]);
      const after = nearest(refined, [...plain, ...outlined]);
      expect(before.index, prompt).toBeLessThan(specs.length); // no outline without the refiner
      expect(after.index, prompt).toBe(before.index + specs.length); // same scene, outlined
    }
  });
});
