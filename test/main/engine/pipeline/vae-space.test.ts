import { describe, expect, it } from 'vitest';
import type { ModelFolder } from '../../../../main/engine/model/folder.ts';
import {
  fromEncoderSpace,
  latentStats,
  toDecoderSpace,
} from '../../../../main/engine/pipeline/vae.ts';

const folder = (vaeConfig: Record<string, unknown>) => ({ vaeConfig }) as unknown as ModelFolder;

describe('latent space conversion', () => {
  // Two channels of two values each: [c0: 1, 2 | c1: 3, 4].
  const z = Float32Array.from([1, 2, 3, 4]);

  it('divides by the scaling factor when the VAE declares no statistics', () => {
    expect(Array.from(toDecoderSpace(z, 2, 0.5, undefined))).toEqual([2, 4, 6, 8]);
    expect(Array.from(fromEncoderSpace([2, 4, 6, 8], 2, 0.5, undefined))).toEqual([1, 2, 3, 4]);
  });

  it('applies z·std/sf + mean per channel, and its inverse on encode', () => {
    const stats = { mean: [10, -1], std: [2, 0.5] };
    // c0: 1·2/0.5 + 10 = 14, 2·2/0.5 + 10 = 18; c1: 3·0.5/0.5 − 1 = 2, 4·0.5/0.5 − 1 = 3.
    const decoded = toDecoderSpace(z, 2, 0.5, stats);
    expect(Array.from(decoded)).toEqual([14, 18, 2, 3]);
    expect(Array.from(fromEncoderSpace(decoded, 2, 0.5, stats))).toEqual([1, 2, 3, 4]);
  });

  it('reads latents_mean and latents_std only when both fit the channel count', () => {
    const both = { latents_mean: [0, 1, 2, 3], latents_std: [1, 1, 1, 1] };
    expect(latentStats(folder(both), 4)).toEqual({ mean: [0, 1, 2, 3], std: [1, 1, 1, 1] });
    expect(latentStats(folder({ latents_mean: [0, 1, 2, 3] }), 4)).toBeUndefined();
    expect(latentStats(folder(both), 16)).toBeUndefined();
    expect(latentStats(folder({}), 4)).toBeUndefined();
  });
});
