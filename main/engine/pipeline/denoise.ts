/**
 * Step 5: one denoising segment. A job runs one to three segments (the base model, the refiner
 * from its hand-off step, the hires pass at the target size), all counting into one progress bar.
 * Per step, as diffusers' loop does: scale the input, predict the noise with guidance (through the
 * ControlNet UNet while a control unit is active), step the scheduler, then re-impose the known
 * region when inpainting with a regular model.
 */
import { EmulsionError } from '../../../common/errors.ts';
import type { JobEvent, PreviewMode, StageTimings } from '../../../common/generation.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import type { NoiseSource, Scheduler } from '../schedulers/types.ts';
import type { BatchedFeed } from './feeds.ts';
import { makePreview, type ImageFilter } from './postprocess.ts';
import { predictNoise, type Conditioning, type LatentShape, type UnetHandle } from './unet.ts';

/** ControlNet for one segment (controlnet.ts). */
export interface ControlSteps {
  /** The UNet that takes residuals. */
  unet: UnetHandle;
  /** True when some unit is active at step `index` of `count` (guidance start/end). */
  active(index: number, count: number): boolean;
  /** The summed residuals of the active units for this step's (CFG-doubled) input. */
  residuals(
    index: number,
    count: number,
    sample: Float32Array,
    n: number,
    t: number,
    cond: Conditioning,
    shape: LatentShape,
  ): Promise<BatchedFeed[]>;
}

/** Inpainting for one segment (inpaint.ts). */
export interface InpaintSteps {
  /** 9-channel UNets: mask ‖ masked-image latents for each image. */
  extraChannels?: { data: Float32Array; channels: number };
  /** Regular UNets: blend the known region back after the step at `index`. */
  blend?(latents: Float32Array, index: number, timesteps: readonly number[]): Float32Array;
}

export interface Segment {
  model: LoadedModel;
  scheduler: Scheduler;
  timesteps: readonly number[];
  cond: Conditioning;
  shape: LatentShape;
  noise: NoiseSource;
  control?: ControlSteps;
  inpaint?: InpaintSteps;
  /**
   * The step count control fractions refer to: the whole first pass when a refiner takes its
   * tail (guidance end 1.0 is the last step the user asked for). Default: this segment's steps.
   */
  fractionOf?: number;
  /** Inputs the UNet needs when no control unit is active (zero residuals; controlnet.ts). */
  idleFeeds?: (n: number) => BatchedFeed[];
}

type StepEvent = Omit<Extract<JobEvent, { status: 'step' }>, 'jobId'>;

/** Shared by every segment of a job. */
export interface LoopContext {
  signal: AbortSignal;
  emitStep: (event: StepEvent) => void;
  stages: StageTimings;
  preview: PreviewMode;
  filter?: ImageFilter;
  /** Model evaluations done so far over all segments, the total planned, and the loop start. */
  progress: { done: number; total: number; startedAt: number };
}

export function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new EmulsionError('CANCELLED', 'The job was cancelled.');
}

export async function denoise(
  segment: Segment,
  initial: Float32Array,
  loop: LoopContext,
): Promise<Float32Array> {
  const { model, scheduler, timesteps, cond, shape, noise, control, inpaint } = segment;
  let latents = initial;
  const count = timesteps.length;
  for (let i = 0; i < count; i++) {
    throwIfCancelled(loop.signal);
    const t = timesteps[i];
    const stepStart = performance.now();

    // Scale the input for K-schedulers (x/√(σ²+1)); identity for DDIM-like schedulers.
    const scaled = scheduler.scaleModelInput(latents, t);

    // Predict the noise with guidance, through the ControlNet UNet while a unit is active.
    const of = segment.fractionOf ?? count;
    const useControl = control?.active(i, of) ?? false;
    const eps = await predictNoise(model, scaled, t, cond, shape, {
      unet: useControl ? control!.unet : undefined,
      stepFeeds: useControl
        ? (sample, n) => control!.residuals(i, of, sample, n, t, cond, shape)
        : segment.idleFeeds && (async (_sample, n) => segment.idleFeeds!(n)),
      extraChannels: inpaint?.extraChannels,
    });

    // Step the scheduler to the previous, less noisy sample.
    latents = scheduler.step(eps, t, latents, noise);

    // Inpainting with a regular UNet: keep the unmasked region on the init image's noisy path.
    if (inpaint?.blend) latents = inpaint.blend(latents, i, timesteps);

    loop.stages.unet.push(performance.now() - stepStart);
    await report(loop, segment, latents);
  }
  return latents;
}

async function report(loop: LoopContext, segment: Segment, latents: Float32Array): Promise<void> {
  const progress = loop.progress;
  progress.done++;
  const elapsedMs = performance.now() - progress.startedAt;
  const preview =
    loop.preview === 'latent'
      ? await makePreview(segment.model, segment.scheduler, latents, segment.shape, loop.filter)
      : undefined;
  loop.emitStep({
    status: 'step',
    step: progress.done,
    totalSteps: progress.total,
    elapsedMs,
    msPerStep: elapsedMs / progress.done,
    ...(preview ? { preview } : {}),
  });
}

/**
 * What to decode after the last segment: LCM decodes the consistency estimate `denoised`
 * (diffusers LatentConsistencyModelPipeline), every other scheduler its final sample.
 */
export function finalLatents(scheduler: Scheduler, latents: Float32Array): Float32Array {
  if (scheduler.name === 'LCMScheduler' && scheduler.predictedOriginal) {
    return scheduler.predictedOriginal;
  }
  return latents;
}
