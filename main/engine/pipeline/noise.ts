/**
 * Job-level noise. In `emulsion` mode image i of a batch draws from its own stream seeded with
 * seed + i, so any image of a batch can be reproduced alone with batch 1 (as A1111 does). In
 * `torch-cpu` mode one generator draws whole-batch tensors in diffusers' order, so a seed gives
 * the same latents as `torch.Generator('cpu').manual_seed(seed)` passed to a diffusers pipeline.
 */
import type { SeedMode } from '../../../common/generation.ts';
import { createNoiseSource } from '../random/index.ts';
import type { NoiseSource } from '../schedulers/types.ts';

/** The seed of image `index` in `emulsion` mode, wrapping within the 32-bit seed range. */
export function imageSeed(seed: number, index: number): number {
  return (seed + index) % 2 ** 32;
}

export function jobNoise(mode: SeedMode, seed: number, batch: number): NoiseSource {
  if (mode === 'torch-cpu') return createNoiseSource('torch-cpu', seed);
  const streams = Array.from({ length: batch }, (_, i) =>
    createNoiseSource('emulsion', imageSeed(seed, i)),
  );
  return {
    next(length: number): Float32Array {
      const per = length / batch;
      if (!Number.isInteger(per)) {
        throw new Error(`noise request of ${length} values does not split into ${batch} images`);
      }
      const out = new Float32Array(length);
      streams.forEach((s, i) => out.set(s.next(per), i * per));
      return out;
    },
  };
}
