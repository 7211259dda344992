/**
 * Seeded standard-normal noise for initial latents and stochastic scheduler steps. Modes:
 * - `emulsion`: Philox4x32-10 + Box-Muller (emulsion.ts), fast and platform independent.
 * - `torch-cpu`: bit-exact with `torch.randn(shape, generator=torch.Generator('cpu')
 *   .manual_seed(seed))` in float32 (torch-cpu.ts), one call per tensor in diffusers' order.
 */
import { invalidArgument } from '../../../common/errors.ts';
import type { NoiseSource } from '../schedulers/types.ts';
import { EmulsionGenerator } from './emulsion.ts';
import { TorchCpuGenerator, type TorchCpuPath } from './torch-cpu.ts';

export const NOISE_MODES = ['emulsion', 'torch-cpu'] as const;
export type NoiseMode = (typeof NOISE_MODES)[number];
export type { TorchCpuPath };

export interface NoiseSourceOptions {
  /**
   * Which torch CPU kernel to reproduce: `avx2` (x86-64 with AVX2, the common desktop case) or
   * `scalar` (torch builds that use the C library's float log/sin/cos: ARM, Apple silicon,
   * AVX-512 dispatch). NOTE: `scalar` uses correctly rounded functions, while glibc's differ by
   * 1-2 ulp on about 1% of values, so it is close to but not always bit-exact with torch.
   */
  torchCpuPath?: TorchCpuPath;
}

export function createNoiseSource(
  mode: NoiseMode,
  seed: number,
  options: NoiseSourceOptions = {},
): NoiseSource {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw invalidArgument('seed', seed, `an integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
  }
  const checkLength = (length: number) => {
    if (!Number.isInteger(length) || length < 0) {
      throw invalidArgument('length', length, 'a non-negative integer');
    }
  };
  if (mode === 'emulsion') {
    const gen = new EmulsionGenerator(seed);
    return {
      next(length) {
        checkLength(length);
        return gen.next(length);
      },
    };
  }
  if (mode === 'torch-cpu') {
    const path = options.torchCpuPath ?? 'avx2';
    if (path !== 'avx2' && path !== 'scalar') {
      throw invalidArgument('torchCpuPath', path, ['avx2', 'scalar']);
    }
    const gen = new TorchCpuGenerator(seed, path);
    return {
      next(length) {
        checkLength(length);
        return gen.randn(length);
      },
    };
  }
  throw invalidArgument('seedMode', mode, NOISE_MODES);
}
