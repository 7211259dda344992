/**
 * Text-to-image and image-to-image, as numbered steps in the order diffusers runs them
 * (StableDiffusionPipeline.__call__; docs/onnx-contract.md §8):
 *   0. validate  1. load model  2. encode prompts  3. timesteps  4. initial latents
 *   5. denoise loop  6. decode  7. post-process
 */
import { EmulsionError } from '../../../common/errors.ts';
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
import { encodePrompt } from '../text/encode.ts';
import { readImageRgb, rgbToTensor } from '../image/io.ts';
import { jobNoise } from './noise.ts';
import { finishImages, makePreview, type ImageFilter } from './postprocess.ts';
import { predictNoise, type Conditioning, type LatentShape } from './unet.ts';
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

  // 1. Load (or reuse) the model's sessions.
  const previous = cache.loaded;
  const model = await cache.get(request.model, request.provider, (component) =>
    emit({ status: 'loading', component }),
  );
  const loadMs = previous === model ? 0 : model.loadMs;
  throwIfCancelled(ctx.signal);
  const resolved = resolveScheduler(request.scheduler, model.folder.schedulerConfig);
  const scheduler = resolved.scheduler;

  // 2. Encode prompts: [uncond; cond], skipping the negative when CFG is off (guidance ≤ 1).
  const cond = await encodeConditioning(model, request, stages, warn);
  throwIfCancelled(ctx.signal);

  // 3. Timesteps, cut for img2img by strength as diffusers' get_timesteps does.
  scheduler.setTimesteps(request.steps);
  const { timesteps, beginIndex } = selectTimesteps(scheduler, request);

  // 4. Initial latents: pure noise, or the encoded init image with noise added at timesteps[0].
  const h = request.height / model.folder.vaeScaleFactor;
  const w = request.width / model.folder.vaeScaleFactor;
  const shape: LatentShape = {
    batch: request.batch,
    channels: model.unet.contract.channels ?? 4,
    height: h,
    width: w,
  };
  const noise = jobNoise(request.seedMode, request.seed, request.batch);
  let latents = await initialLatents(
    cache,
    model,
    request,
    scheduler,
    timesteps,
    beginIndex,
    shape,
    noise,
    stages,
  );
  throwIfCancelled(ctx.signal);

  // 5. Denoise.
  log.info('denoising', { steps: timesteps.length, provider: model.unet.session.provider });
  emit({ status: 'started', totalSteps: timesteps.length, provider: model.unet.session.provider });
  const loopStart = performance.now();
  for (let i = 0; i < timesteps.length; i++) {
    throwIfCancelled(ctx.signal);
    const t = timesteps[i];
    const stepStart = performance.now();

    // Scale the input for K-schedulers (x/√(σ²+1)); identity for DDIM-like schedulers.
    const scaled = scheduler.scaleModelInput(latents, t);

    // Predict the noise with guidance.
    const eps = await predictNoise(model, scaled, t, cond, shape);

    // Step the scheduler to the previous, less noisy sample.
    latents = scheduler.step(eps, t, latents, noise);

    stages.unet.push(performance.now() - stepStart);

    // Report progress, with a cheap preview of the first image's predicted x0.
    const elapsedMs = performance.now() - loopStart;
    const preview =
      request.preview === 'latent'
        ? await makePreview(model, scheduler, latents, shape, ctx.filter)
        : undefined;
    emit({
      status: 'step',
      step: i + 1,
      totalSteps: timesteps.length,
      elapsedMs,
      msPerStep: elapsedMs / (i + 1),
      ...(preview ? { preview } : {}),
    });
  }
  throwIfCancelled(ctx.signal);

  // 6. Decode.
  emit({ status: 'decoding' });
  const decodeStart = performance.now();
  const decoded = await decodeLatents(model, latents, shape.batch, h, w, shape.channels);
  stages.vaeDecode = performance.now() - decodeStart;
  throwIfCancelled(ctx.signal);

  // 7. Post-process to PNG.
  const postStart = performance.now();
  const { images, decisions } = await finishImages(model, decoded, request, ctx.filter);
  stages.postprocess = performance.now() - postStart;

  const totalMs = performance.now() - started;
  log.info('generated', {
    images: images.length,
    steps: timesteps.length,
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
  };
}

async function encodeConditioning(
  model: LoadedModel,
  request: GenerateRequest,
  stages: StageTimings,
  warn: (m: string) => void,
): Promise<Conditioning> {
  const doCfg = request.cfg > 1;
  const runBefore = performance.now();
  const pos = await encodePrompt(model, request.prompt);
  if (pos.truncatedText) {
    warn(
      `The prompt is longer than the model's ${pos.tokens}-token window; dropped: "${pos.truncatedText}"`,
    );
  }
  const neg = doCfg ? await encodePrompt(model, request.negativePrompt) : undefined;
  if (neg?.truncatedText) {
    warn(`The negative prompt is too long; dropped: "${neg.truncatedText}"`);
  }
  stages.tokenize = pos.tokenizeMs + (neg?.tokenizeMs ?? 0);
  stages.textEncoder = performance.now() - runBefore - stages.tokenize;
  const per = pos.hidden.length;
  const B = request.batch;
  const hidden = new Float32Array((doCfg ? 2 : 1) * B * per);
  for (let b = 0; b < B; b++) {
    if (neg) hidden.set(neg.hidden, b * per);
    hidden.set(pos.hidden, ((doCfg ? B : 0) + b) * per);
  }
  return { hidden, tokens: pos.tokens, width: pos.width, guidance: request.cfg, doCfg };
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
