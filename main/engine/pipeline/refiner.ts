/**
 * Refiner passes: a second model finishes the denoising from a fraction f of the schedule.
 *
 * This follows diffusers' SDXL base → refiner hand-off (StableDiffusionXLPipeline
 * `denoising_end`, StableDiffusionXLImg2ImgPipeline `denoising_start`; docs/onnx-contract.md §8):
 * cutoff = round(T − f·T) with T = num_train_timesteps; the base runs the timesteps ≥ cutoff and
 * hands over its latents undecoded; the refiner continues on the same schedule from the first
 * timestep < cutoff with no noise added. An SDXL refiner conditions on text_encoder_2 and the
 * aesthetic-score time_ids (sdxl.ts); any other model in the same latent space (same channels, VAE
 * factor and scaling factor) works as a generic second pass with its own text encoder.
 *
 * Both models run one schedule, so the base's steps plus the refiner's are exactly the steps the
 * user asked for. For second-order schedulers (Heun, KDPM2), which evaluate each step twice, the
 * hand-off moves back to the start of a whole step, so neither model runs half a step.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { EmulsionError } from '../../../common/errors.ts';
import type { GenerateRequest } from '../../../common/generation.ts';
import { readModelFolder, type ModelFolder } from '../model/folder.ts';
import type { LoadedModel, ModelCache } from '../model/loaded-model.ts';
import type { NoiseSource, Scheduler } from '../schedulers/types.ts';
import { encodeConditioning } from './conditioning.ts';
import { denoise, throwIfCancelled, type LoopContext } from './denoise.ts';
import { resolveScheduler } from './scheduler.ts';
import type { LatentShape } from './unet.ts';

export interface RefinerPlan {
  folder: ModelFolder;
  cutoff: number;
  /** The base's share of the (img2img-trimmed) timesteps. */
  baseTimesteps: number[];
  /** The refiner's scheduler, already set to its first step. */
  scheduler: Scheduler;
  timesteps: number[];
  className: string;
}

/** diffusers' discrete_timestep_cutoff for denoising_end / denoising_start = f. */
export function handOffCutoff(scheduler: Scheduler, fraction: number): number {
  const train = scheduler.config.num_train_timesteps;
  const T = typeof train === 'number' ? train : 1000;
  return Math.round(T - fraction * T);
}

/**
 * How many of `timesteps` (starting at absolute index `beginIndex` of the schedule) the base runs:
 * those ≥ cutoff, rounded down to a whole step for second-order schedulers, whose schedule is
 * [t0, t1, t1, t2, t2, …] with each step starting at an even index.
 */
export function baseShare(
  timesteps: readonly number[],
  beginIndex: number,
  cutoff: number,
  order: number,
): number {
  let k = 0;
  while (k < timesteps.length && timesteps[k] >= cutoff) k++;
  if (order === 2 && k < timesteps.length && (beginIndex + k) % 2 === 1) k--;
  return Math.max(k, 0);
}

function sameSchedule(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((t, i) => Math.abs(t - b[i]) < 1e-3);
}

/** The pass a refiner finishes: its scheduler set to `steps`, running `timesteps` from `beginIndex`. */
export interface PassSchedule {
  scheduler: Scheduler;
  timesteps: number[];
  beginIndex: number;
  steps: number;
}

/**
 * Plans the split of the last pass (the first pass, or the hires pass when there is one) before
 * any step runs, and checks the refiner shares the base's latent space.
 */
export function planRefiner(
  request: GenerateRequest,
  base: LoadedModel,
  pass: PassSchedule,
  warn: (m: string) => void,
): RefinerPlan {
  const { scheduler: baseScheduler, timesteps, beginIndex, steps } = pass;
  const refiner = request.refiner!;
  const root = path.resolve(refiner.model);
  if (!existsSync(root)) {
    throw new EmulsionError('MODEL_INVALID', `Refiner folder ${root} does not exist.`, {
      field: 'refiner.model',
      received: refiner.model,
      file: root,
    });
  }
  const folder = readModelFolder(root);
  checkLatentSpace(base, folder);
  const resolved = resolveScheduler(request.scheduler, folder.schedulerConfig);
  const scheduler = resolved.scheduler;
  scheduler.setTimesteps(steps);
  const cutoff = handOffCutoff(baseScheduler, refiner.start);
  const k = baseShare(timesteps, beginIndex, cutoff, baseScheduler.order);
  const all = Array.from(scheduler.timesteps);
  let begin: number;
  if (sameSchedule(scheduler.timesteps, baseScheduler.timesteps)) {
    begin = beginIndex + k;
  } else {
    // diffusers' rule on the refiner's own schedule: the timesteps below the cutoff (+1 for a
    // second-order scheduler when that count is even).
    let m = all.filter((t) => t < cutoff).length;
    if (scheduler.order === 2 && m % 2 === 0) m++;
    begin = Math.max(all.length - m, 0);
    warn(
      `The refiner's scheduler config gives a different schedule from the base model's, so the ` +
        `hand-off follows diffusers' rule on each schedule and the two models' steps may not add ` +
        `up to ${steps}.`,
    );
  }
  if (begin < all.length) scheduler.setBeginIndex(begin);
  return {
    folder,
    cutoff,
    baseTimesteps: timesteps.slice(0, k),
    scheduler,
    timesteps: all.slice(begin),
    className: resolved.className,
  };
}

/** A refiner must continue the base's latents as they are: same channels and same VAE scaling. */
function checkLatentSpace(base: LoadedModel, refiner: ModelFolder): void {
  const channels = refiner.unetConfig.in_channels;
  const baseChannels = base.traits.inpaint ? 4 : (base.unet.contract.channels ?? 4);
  const problems: string[] = [];
  if (typeof channels === 'number' && channels !== baseChannels) {
    problems.push(`its UNet takes ${channels} latent channels, the base ${baseChannels}`);
  }
  if (refiner.scalingFactor !== base.folder.scalingFactor) {
    problems.push(
      `its VAE scaling factor is ${refiner.scalingFactor}, the base's ${base.folder.scalingFactor}`,
    );
  }
  if (refiner.vaeScaleFactor !== base.folder.vaeScaleFactor) {
    problems.push(
      `its VAE downsamples by ${refiner.vaeScaleFactor}, the base's by ${base.folder.vaeScaleFactor}`,
    );
  }
  if (problems.length > 0) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `Refiner ${refiner.root} does not share ${base.folder.name}'s latent space: ${problems.join('; ')}.`,
      { field: 'refiner.model', file: refiner.root },
    );
  }
}

export interface RefinerRun {
  cache: ModelCache;
  request: GenerateRequest;
  latents: Float32Array;
  shape: LatentShape;
  noise: NoiseSource;
  loop: LoopContext;
  warn: (m: string) => void;
  onLoading: (component: string) => void;
}

/**
 * Runs the refiner's share: its own sessions (the cache releases the base's), its own prompt
 * encoding, the base's latents as they are. Returns the refiner, whose VAE decodes the result.
 */
export async function runRefiner(
  plan: RefinerPlan,
  run: RefinerRun,
): Promise<{ model: LoadedModel; latents: Float32Array }> {
  const { cache, request, shape, loop } = run;
  // The base stays loaded as the companion, so the next base → refiner job reloads nothing.
  const model = await cache.get(plan.folder.root, request.provider, run.onLoading, request.model);
  throwIfCancelled(loop.signal);
  const channels = model.unet.contract.channels ?? shape.channels;
  if (model.traits.inpaint || channels !== shape.channels) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `Refiner ${plan.folder.root} takes ${channels}-channel samples; the base hands over ` +
        `${shape.channels}-channel latents.`,
      { field: 'refiner.model', file: model.unet.session.file },
    );
  }
  if (plan.timesteps.length === 0) return { model, latents: run.latents };
  // The refiner finishes the last pass, at the hires size when there is one (SDXL time_ids).
  const f = model.folder.vaeScaleFactor;
  const size = { width: shape.width * f, height: shape.height * f };
  const cond = await encodeConditioning(model, request, size, loop.stages, run.warn);
  const segment = {
    model,
    scheduler: plan.scheduler,
    timesteps: plan.timesteps,
    cond,
    shape,
    noise: run.noise,
  };
  return { model, latents: await denoise(segment, run.latents, loop) };
}
