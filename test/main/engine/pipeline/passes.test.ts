/**
 * The arithmetic of the second passes, against hand-computed values: the refiner's hand-off
 * (diffusers denoising_end / denoising_start), the hires target size and the latent upscalers
 * (torch F.interpolate bilinear with align_corners=False, and nearest-exact), ControlNet's
 * guidance window.
 */
import { describe, expect, it } from 'vitest';
import { createScheduler } from '../../../../main/engine/schedulers/index.ts';
import { unitActive } from '../../../../main/engine/pipeline/controlnet.ts';
import { hiresSize, resizeLatents } from '../../../../main/engine/pipeline/hires.ts';
import { baseShare, handOffCutoff } from '../../../../main/engine/pipeline/refiner.ts';

describe('refiner hand-off', () => {
  it('cutoff = round(T − f·T)', () => {
    const s = createScheduler('EulerDiscreteScheduler', {});
    expect(handOffCutoff(s, 0.8)).toBe(200);
    expect(handOffCutoff(s, 0.75)).toBe(250);
    expect(handOffCutoff(createScheduler('DDIMScheduler', { num_train_timesteps: 500 }), 0.5)).toBe(
      250,
    );
  });

  it('gives the base the timesteps ≥ cutoff', () => {
    expect(baseShare([901, 801, 701, 601, 501, 401, 301, 201, 101, 1], 0, 200, 1)).toBe(8);
    expect(baseShare([901, 801, 701], 0, 200, 1)).toBe(3);
    expect(baseShare([101, 1], 0, 200, 1)).toBe(0);
  });

  it('never cuts a second-order step in half', () => {
    // Heun's schedule repeats each timestep after the first: [t0, t1, t1, t2, t2, t3, t3]. Step s
    // is the pair of evaluations (2s, 2s + 1), so a hand-off must fall on an even index.
    const heun = [999, 666, 666, 333, 333, 0, 0];
    // ≥ 300 is indices 0..4, but index 4 is the first half of step 2: the base stops after 0..3.
    expect(baseShare(heun, 0, 300, 2)).toBe(4);
    // ≥ 600 is indices 0..2: the base runs step 0 (indices 0, 1) only.
    expect(baseShare(heun, 0, 600, 2)).toBe(2);
    expect(baseShare(heun, 0, 700, 2)).toBe(0);
    // After img2img trimming the parity counts from the schedule's start (begin index 2).
    expect(baseShare(heun.slice(2), 2, 300, 2)).toBe(2);
  });
});

describe('hires fix sizes and latent upscaling', () => {
  it('scales the size and rounds to 8-pixel cells', () => {
    expect(hiresSize({ width: 128, height: 128 }, 1.5)).toEqual({ width: 192, height: 192 });
    expect(hiresSize({ width: 512, height: 768 }, 1.3)).toEqual({ width: 664, height: 1000 });
  });

  it('bilinear (align_corners=False) matches torch on a 2×2 → 4×4 example', () => {
    // torch.nn.functional.interpolate(tensor([[[[1., 2.], [3., 4.]]]]), size=(4, 4),
    // mode='bilinear', align_corners=False): rows [1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5],
    // [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4].
    const out = resizeLatents(Float32Array.from([1, 2, 3, 4]), 1, 2, 2, 4, 4, 'bilinear');
    expect(Array.from(out)).toEqual([
      1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4,
    ]);
  });

  it('nearest-exact picks floor((i + 0.5)·in/out)', () => {
    // 2 → 3: sources floor(0.5·2/3) = 0, floor(1.5·2/3) = 1, floor(2.5·2/3) = 1.
    const out = resizeLatents(Float32Array.from([1, 2, 3, 4]), 1, 2, 2, 3, 3, 'nearest-exact');
    expect(Array.from(out)).toEqual([1, 2, 2, 3, 4, 4, 3, 4, 4]);
  });

  it('resizes every plane of a batch separately', () => {
    const two = Float32Array.from([1, 1, 1, 1, 5, 5, 5, 5]);
    const out = resizeLatents(two, 2, 2, 2, 3, 3, 'bilinear');
    expect(Array.from(out.subarray(0, 9)).every((v) => v === 1)).toBe(true);
    expect(Array.from(out.subarray(9)).every((v) => v === 5)).toBe(true);
  });
});

describe('ControlNet guidance window', () => {
  it('is active unless i/N < start or (i + 1)/N > end (diffusers controlnet_keep)', () => {
    const active = (start: number, end: number, n: number) =>
      Array.from({ length: n }, (_, i) => unitActive({ start, end }, i, n));
    expect(active(0, 1, 4)).toEqual([true, true, true, true]);
    expect(active(0.25, 0.75, 4)).toEqual([false, true, true, false]);
    expect(active(0, 0.3, 10)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });
});
