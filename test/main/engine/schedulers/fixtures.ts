/**
 * diffusers' scheduler test fixtures (tests/schedulers/test_schedulers.py, SchedulerCommonTest),
 * rebuilt from their definitions in ../shared/docs/schedulers.md §1.
 */
import { createScheduler } from '../../../../main/engine/schedulers/index.ts';
import type { NoiseSource, Scheduler } from '../../../../main/engine/schedulers/types.ts';

const f32 = Math.fround;

/** (4,3,8,8) NCHW: x[b,c,h,w] = (((c*8+h)*8+w)*4+b)/768, i.e. arange(768).reshape(3,8,8,4)/768 permuted. */
export function dummySampleDeter(flip = false): Float32Array {
  const out = new Float32Array(768);
  for (let b = 0; b < 4; b++)
    for (let c = 0; c < 3; c++)
      for (let h = 0; h < 8; h++)
        for (let w = 0; w < 8; w++) {
          const k = ((c * 8 + h) * 8 + w) * 4 + b;
          out[((b * 3 + c) * 8 + h) * 8 + w] = f32((flip ? 767 - k : k) / 768);
        }
  return out;
}

export const dummyNoiseDeter = () => dummySampleDeter(true);

/**
 * UniPCMultistepScheduler1DTest's (4,3,8) fixtures: x[b,c,w] = ((c*8+w)*4+b)/96, i.e.
 * arange(96).reshape(3,8,4)/96 permuted to (4,3,8); the noise uses the flipped arange.
 */
export function dummySampleDeter1d(flip = false): Float32Array {
  const out = new Float32Array(96);
  for (let b = 0; b < 4; b++)
    for (let c = 0; c < 3; c++)
      for (let w = 0; w < 8; w++) {
        const k = (c * 8 + w) * 4 + b;
        out[(b * 3 + c) * 8 + w] = f32((flip ? 95 - k : k) / 96);
      }
  return out;
}

/** model(sample, t) = sample * t / (t + 1), in float32 with t cast to float32. */
export function dummyModel(sample: Float32Array, t: number): Float32Array {
  const tf = f32(t);
  const denom = f32(tf + 1);
  return sample.map((x) => f32(x * tf) / denom);
}

export type Loop = 'plain' | 'k' | 'ddpm';

export interface LoopOptions {
  loop: Loop;
  steps: number;
  /** For test_full_loop_with_noise: the schedule starts at timesteps[tStart * order]. */
  tStart?: number;
  noise?: NoiseSource;
  batchSize?: number;
  /** '1d': the (4,3,8) fixtures of UniPCMultistepScheduler1DTest instead of (4,3,8,8). */
  shape?: '4d' | '1d';
}

/** Runs one of the test suite's full loops and returns [sum(|x|), mean(|x|)]. */
export function fullLoop(
  className: string,
  config: Record<string, unknown>,
  opts: LoopOptions,
): [number, number] {
  const scheduler: Scheduler = createScheduler(className, config);
  if (opts.batchSize) scheduler.setBatchSize?.(opts.batchSize);
  const oneD = opts.shape === '1d';
  let x = oneD ? dummySampleDeter1d() : dummySampleDeter();
  // The DDPM tests never call set_timesteps: they walk every training step, t = 999 … 0.
  if (opts.loop !== 'ddpm') scheduler.setTimesteps(opts.steps);
  if (opts.loop === 'k') x = x.map((v) => v * f32(scheduler.initNoiseSigma));
  let ts = Array.from(scheduler.timesteps);
  if (opts.tStart !== undefined) {
    ts = ts.slice(opts.tStart * scheduler.order);
    x = scheduler.addNoise(x, oneD ? dummySampleDeter1d(true) : dummyNoiseDeter(), ts[0]);
  }
  for (const t of ts) {
    // The K-style tests overwrite the sample with the scaled one and pass it to step().
    if (opts.loop === 'k') x = scheduler.scaleModelInput(x, t);
    x = scheduler.step(dummyModel(x, t), t, x, opts.noise);
  }
  return sumMean(x);
}

export function sumMean(x: Float32Array): [number, number] {
  let sum = 0;
  for (const v of x) sum += Math.abs(v);
  return [sum, sum / x.length];
}
