/**
 * The float32 log/exp kernels against values printed by numpy 1.24 (`np.log` of a float32 array,
 * AVX512F machine) and torch 1.13 (`Tensor.log()` / `Tensor.exp()` on CPU). Every input here is
 * one where the library's result is not the correctly rounded one, so a plain
 * Math.fround(Math.log(x)) fails these tests.
 */
import { describe, expect, it } from 'vitest';
import {
  npLogF32,
  torchExpF32,
  torchLogF32,
} from '../../../../main/engine/schedulers/f32-kernels.ts';

// [x, library result, correctly rounded result]
const NUMPY_LOG: [number, number, number][] = [
  [23.647653579711914, 3.163264036178589, 3.1632637977600098],
  [49.40738296508789, 3.900099992752075, 3.900099754333496],
  [14.296175956726074, 2.659992218017578, 2.659991979598999],
  [57.51874542236328, 4.0521111488342285, 4.05211067199707],
  [89.84909057617188, 4.49813175201416, 4.498131275177002],
  [4.611501693725586, 1.5285534858703613, 1.5285536050796509],
];
const TORCH_LOG: [number, number, number][] = [
  [43.97504806518555, 3.7836225032806396, 3.7836222648620605],
  [3.437197685241699, 1.2346564531326294, 1.234656572341919],
  [92.25336456298828, 4.524538993835449, 4.524538516998291],
  [91.10456848144531, 4.512008190155029, 4.512007713317871],
];
const TORCH_EXP: [number, number, number][] = [
  [-7.981594085693359, 0.0003416942781768739, 0.0003416943072807044],
  [4.671032428741455, 106.80795288085938, 106.8079605102539],
  [-6.463982582092285, 0.0015585762448608875, 0.0015585761284455657],
  [0.49042901396751404, 1.633016586303711, 1.6330167055130005],
  [1.0115910768508911, 2.7499728202819824, 2.7499730587005615],
  [-2.859611749649048, 0.057291001081466675, 0.057290997356176376],
];

describe('float32 log and exp kernels of numpy and torch', () => {
  it.each(NUMPY_LOG)('npLogF32(%f) gives numpy’s %f, not the correctly rounded %f', (x, np, cr) => {
    expect(cr).not.toBe(np);
    expect(npLogF32(x)).toBe(np);
  });

  it.each(TORCH_LOG)('torchLogF32(%f) gives torch’s %f, not %f', (x, torch, cr) => {
    expect(cr).not.toBe(torch);
    expect(torchLogF32(x)).toBe(torch);
  });

  it.each(TORCH_EXP)('torchExpF32(%f) gives torch’s %f, not %f', (x, torch, cr) => {
    expect(cr).not.toBe(torch);
    expect(torchExpF32(x)).toBe(torch);
  });

  it('handles denormals, exact points and special values as the libraries do', () => {
    // np.log and torch.log both give these for float32 [1e-40, 0.75, 1, 2].
    const want = [-92.10340881347656, -0.28768208622932434, 0, 0.6931471824645996];
    [1e-40, 0.75, 1, 2].forEach((x, i) => {
      expect(npLogF32(x)).toBe(want[i]);
      expect(torchLogF32(x)).toBe(want[i]);
    });
    for (const log of [npLogF32, torchLogF32]) {
      expect(log(0)).toBe(Number.NEGATIVE_INFINITY);
      expect(log(-1)).toBeNaN();
      expect(log(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
    }
    expect(torchExpF32(0)).toBe(1);
    expect(torchExpF32(-200)).toBe(0);
    expect(torchExpF32(200)).toBe(Number.POSITIVE_INFINITY);
  });
});
