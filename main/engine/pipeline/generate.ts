/**
 * Text-to-image and image-to-image, as numbered steps in the order diffusers runs them
 * (StableDiffusionPipeline.__call__; docs/onnx-contract.md §8):
 *   0. validate  1. load model  2. encode prompts  3. timesteps  4. initial latents
 *   5. denoise loop  6. decode  7. post-process
 * Each feature is one named stage in its own file: ControlNet (controlnet.ts), the refiner
 * hand-off (refiner.ts), hires fix (hires.ts), inpainting (inpaint.ts), and the per-family prompt
 * encoding of SD 1.x/2.x, SDXL and LCM (conditioning.ts).
 */
import { EmulsionError, invalidArgument } from '../../../common/errors.ts';
import type {
  GenerateRequest,
  GenerateResult,
  JobEvent,
  StageTimings,
} from '../../../common/generation.ts';
import { createLogger } from '../log.ts';
import type { LoadedModel, ModelCache } from '../model/loaded-model.ts';
import { resolveScheduler } from './scheduler.ts';
import type { NoiseSource, Scheduler } from '../schedulers/types.ts';
import { readImageRgb, rgbToTensor } from '../image/io.ts';
import { encodeConditioning } from './conditioning.ts';
import { hintsToPng, prepareControl, zeroResiduals } from './controlnet.ts';
import { warnIfNotFinite } from './decode-check.ts';
import { denoise, finalLatents, type LoopContext } from './denoise.ts';
import { planHires, runHires } from './hires.ts';
import { compositeInpaint, prepareInpaint, repaintEverything } from './inpaint.ts';
import { jobNoise } from './noise.ts';
import { describePasses } from './passes.ts';
import { finishImages, type ImageFilter } from './postprocess.ts';
import { planRefiner, runRefiner } from './refiner.ts';
import type { LatentShape } from './unet.ts';
import { decodeLatents, encodeImage } from './vae.ts';

const log = createLogger('pipeline');

type Emit = (event: JobEvent) => void;
type WithoutJob<E> = E extends JobEvent ? Omit<E, 'jobId'> : never;

export interface JobContext {
  jobId: string;
  signal: AbortSignal;
  emit: Emit;
  /** The safety filter; every preview and final image passes through it. */
  filter?: ImageFilter;
}

function throwIfCancelled(signal: AbortSignal): void {
  if (signal.aborted) throw new EmulsionError('CANCELLED', 'The job was cancelled.');
}

/** Steps 1–7 for a request that `validateRequest` already checked (step 0). */
export async function generate(
  cache: ModelCache,
  request: GenerateRequest & { model: string },
  ctx: JobContext,
): Promise<GenerateResult> {
  const started = performance.now();
  const emit = (e: WithoutJob<JobEvent>) => ctx.emit({ ...e, jobId: ctx.jobId } as JobEvent);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    log.warn(message);
    emit({ status: 'warning', message });
  };
  const runBefore = cache.clock.sessionRunMs;
  const stages: StageTimings = {
    tokenize: 0,
    textEncoder: 0,
    unet: [],
    vaeDecode: 0,
    postprocess: 0,
  };

  // 1. Load (or reuse) the model's sessions, and attach the ControlNets (checked against the
  // model before any step runs) with their preprocessed hints.
  const previous = cache.loaded;
  const onLoading = (component: string) => emit({ status: 'loading', component });
  const model = await cache.get(request.model, request.provider, onLoading, request.refiner?.model);
  const loadMs = previous === model ? 0 : model.loadMs;
  for (const part of [model.textEncoder, model.unet, model.vaeDecoder]) {
    if (part.session.fallback) warn(`${part.session.component}: ${part.session.fallback}.`);
  }
  checkFixedSize(model, request);
  throwIfCancelled(ctx.signal);
  const resolved = resolveScheduler(request.scheduler, model.folder.schedulerConfig);
  const scheduler = resolved.scheduler;
  if (model.traits.lcm && !['LCMScheduler', 'TCDScheduler'].includes(resolved.className)) {
    warn(
      `${model.folder.name} is an LCM-distilled model; it is meant for the LCM (or TCD) ` +
        `scheduler, not ${resolved.displayName}.`,
    );
  }
  const control = await prepareControl(
    cache,
    model,
    request,
    request.width,
    request.height,
    onLoading,
  );
  throwIfCancelled(ctx.signal);

  // 2. Encode prompts: [uncond; cond], skipping the negative when CFG is off (guidance ≤ 1).
  const cond = await encodeConditioning(model, request, request, stages, warn);
  throwIfCancelled(ctx.signal);

  // 3. Timesteps, cut for img2img by strength as diffusers' get_timesteps does; the hires pass's
  // own; the last pass split at the refiner's hand-off.
  scheduler.setTimesteps(request.steps);
  const { timesteps, beginIndex } = selectTimesteps(scheduler, request);
  const h = request.height / model.folder.vaeScaleFactor;
  const w = request.width / model.folder.vaeScaleFactor;
  const shape: LatentShape = {
    batch: request.batch,
    // A 9-channel inpainting UNet still denoises 4-channel latents.
    channels: model.traits.inpaint ? 4 : (model.unet.contract.channels ?? 4),
    height: h,
    width: w,
  };
  const hires = request.hires ? planHires(request, model, shape) : undefined;
  // The refiner finishes the last pass: the hires pass when there is one.
  const lastPass = hires ?? { scheduler, timesteps, beginIndex, steps: request.steps };
  const refiner = request.refiner ? planRefiner(request, model, lastPass, warn) : undefined;
  const baseTimesteps = refiner && !hires ? refiner.baseTimesteps : timesteps;
  const hiresTimesteps = hires ? (refiner?.baseTimesteps ?? hires.timesteps) : [];

  // 4. Initial latents: pure noise, or the encoded init image with noise added at timesteps[0];
  // inpainting also prepares the mask and the known region.
  const noise = jobNoise(request.seedMode, request.seed, request.batch);
  const inpaint = request.mask
    ? await prepareInpaint(cache, model, request, scheduler, timesteps, shape, noise)
    : undefined;
  let latents =
    inpaint?.initial ??
    (await initialLatents(
      cache,
      model,
      request,
      scheduler,
      timesteps,
      beginIndex,
      shape,
      noise,
      stages,
    ));
  const inpaintSteps =
    inpaint?.steps ??
    (model.traits.inpaint
      ? await repaintEverything(cache, model, request, shape, noise)
      : undefined);
  throwIfCancelled(ctx.signal);

  // 5. Denoise: the base model, then the hires pass, the refiner finishing the last of them.
  const totalSteps =
    baseTimesteps.length + hiresTimesteps.length + (refiner?.timesteps.length ?? 0);
  log.info('denoising', { steps: totalSteps, provider: model.unet.session.provider });
  emit({ status: 'started', totalSteps, provider: model.unet.session.provider });
  const loop: LoopContext = {
    signal: ctx.signal,
    emitStep: (event) => emit(event),
    stages,
    preview: request.preview,
    filter: ctx.filter,
    progress: { done: 0, total: totalSteps, startedAt: performance.now() },
  };
  latents = await denoise(
    {
      model,
      scheduler,
      timesteps: baseTimesteps,
      cond,
      shape,
      noise,
      control: control.steps,
      inpaint: inpaintSteps,
      fractionOf: timesteps.length,
      idleFeeds: zeroResiduals(model, shape),
    },
    latents,
    loop,
  );
  let decoder = model;
  let last = scheduler;
  let outShape = shape;
  if (hires) {
    latents = finalLatents(last, latents);
    const timesteps = hiresTimesteps;
    const run = { cache, request, cond, latents, shape, noise, loop, onLoading, timesteps };
    ({ model: decoder, latents } = await runHires(hires, run));
    last = hires.scheduler;
    outShape = hires.shape;
  }
  if (refiner) {
    const run = { cache, request, latents, shape: outShape, noise, loop, warn, onLoading };
    ({ model: decoder, latents } = await runRefiner(refiner, run));
    last = refiner.scheduler;
  }
  latents = finalLatents(last, latents);
  throwIfCancelled(ctx.signal);

  // 6. Decode.
  emit({ status: 'decoding' });
  const decodeStart = performance.now();
  const decoded = await decodeLatents(
    decoder,
    latents,
    outShape.batch,
    outShape.height,
    outShape.width,
    outShape.channels,
  );
  stages.vaeDecode = performance.now() - decodeStart;
  warnIfNotFinite(decoded, decoder, warn);
  throwIfCancelled(ctx.signal);

  // 7. Post-process to PNG; inpainting first composites the result over the init image.
  const postStart = performance.now();
  const composed = inpaint ? await compositeInpaint(inpaint, decoded) : decoded;
  const { images, decisions } = await finishImages(decoder, composed, request, ctx.filter);
  const controlHints = control.hints.length > 0 ? await hintsToPng(control.hints) : undefined;
  const passes = describePasses(request, baseTimesteps, refiner, hires);
  stages.postprocess = performance.now() - postStart;

  const totalMs = performance.now() - started;
  log.info('generated', {
    images: images.length,
    steps: totalSteps,
    ms: Math.round(totalMs),
  });
  return {
    images,
    request,
    scheduler: { className: resolved.className, displayName: resolved.displayName },
    provider: model.unet.session.provider,
    modelName: model.folder.name,
    timings: { totalMs, sessionRunMs: cache.clock.sessionRunMs - runBefore, loadMs, stages },
    warnings,
    ...(decisions.length ? { safety: decisions } : {}),
    ...(controlHints ? { controlHints } : {}),
    ...(passes ? { passes } : {}),
  };
}

/**
 * img2img keeps the last ⌊steps·strength⌋ steps: t_start = steps − init, and the loop starts at
 * timesteps[t_start·order] (diffusers StableDiffusionImg2ImgPipeline.get_timesteps).
 */
function selectTimesteps(scheduler: Scheduler, request: GenerateRequest) {
  const all = Array.from(scheduler.timesteps);
  if (!request.init) return { timesteps: all, beginIndex: 0 };
  const init = Math.min(Math.floor(request.steps * request.init.strength), request.steps);
  const tStart = Math.max(request.steps - init, 0);
  const beginIndex = tStart * scheduler.order;
  if (beginIndex < all.length) scheduler.setBeginIndex(beginIndex);
  return { timesteps: all.slice(beginIndex), beginIndex };
}

async function initialLatents(
  cache: ModelCache,
  model: LoadedModel,
  request: GenerateRequest,
  scheduler: Scheduler,
  timesteps: number[],
  beginIndex: number,
  shape: LatentShape,
  noise: NoiseSource,
  stages: StageTimings,
): Promise<Float32Array> {
  const size = shape.batch * shape.channels * shape.height * shape.width;
  // Text-to-image, and img2img at strength 1: the inpainting pipelines' `is_strength_max` rule
  // starts from pure noise so the result does not depend on the input at all.
  if (!request.init || request.init.strength >= 1) {
    const eps = noise.next(size);
    const sigma = scheduler.initNoiseSigma;
    if (sigma !== 1) for (let i = 0; i < size; i++) eps[i] *= sigma;
    return eps;
  }
  const encodeStart = performance.now();
  const rgb = await readImageRgb(
    request.init.image,
    request.width,
    request.height,
    request.init.resize,
    'init.image',
  );
  const image = rgbToTensor(rgb, request.width, request.height);
  const z = await encodeImage(
    cache,
    model,
    image,
    request.height,
    request.width,
    request.batch,
    noise,
  );
  stages.vaeEncode = performance.now() - encodeStart;
  // Strength 0 keeps no steps: the input comes back through the VAE unchanged.
  if (timesteps.length === 0 || beginIndex >= scheduler.timesteps.length) return z;
  const eps = noise.next(size);
  return scheduler.addNoise(z, eps, timesteps[0]);
}

/** Fixed-shape exports (NPU builds) take exactly one latent size; say which before any step. */
function checkFixedSize(model: LoadedModel, request: GenerateRequest): void {
  const fixed = model.unet.contract.fixedLatentSize;
  if (!fixed) return;
  const f = model.folder.vaeScaleFactor;
  const [height, width] = [fixed.height * f, fixed.width * f];
  for (const [field, value, want] of [
    ['width', request.width, width],
    ['height', request.height, height],
  ] as const) {
    if (value !== want) {
      throw invalidArgument(
        field,
        value,
        `${want}`,
        `${model.folder.name} is exported for ${width}×${height} only (fixed input shape).`,
      );
    }
  }
}
