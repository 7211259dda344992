/**
 * Hires fix (A1111 "Hires. fix"): the first pass draws the composition at the requested size, its
 * latents are upscaled, and an img2img pass at the target size adds detail with its own strength
 * and steps.
 * - `latent`: bilinear interpolation of the latents (torch F.interpolate, align_corners=False);
 * - `latent-nearest`: nearest-exact interpolation of the latents;
 * - `image`: decode, Lanczos-3 resize of the pixels, encode again.
 * The second pass follows diffusers' img2img: keep the last ⌊steps·strength⌋ timesteps and add
 * noise at the first of them (StableDiffusionImg2ImgPipeline.get_timesteps, prepare_latents).
 */
import sharp from 'sharp';
import type { GenerateRequest, HiresFix } from '../../../common/generation.ts';
import { rgbToTensor, tensorToRgb } from '../image/io.ts';
import type { LoadedModel, ModelCache } from '../model/loaded-model.ts';
import type { NoiseSource, Scheduler } from '../schedulers/types.ts';
import { resizeConditioning } from './conditioning.ts';
import type { ControlHint } from './control-preprocess.ts';
import { prepareControl, zeroResiduals } from './controlnet.ts';
import { denoise, throwIfCancelled, type LoopContext } from './denoise.ts';
import { resolveScheduler } from './scheduler.ts';
import type { Conditioning, LatentShape } from './unet.ts';
import { decodeLatents, encodeImage } from './vae.ts';

/** The target size: scale × size, rounded to the VAE's 8-pixel cells. */
export function hiresSize(request: Pick<GenerateRequest, 'width' | 'height'>, scale: number) {
  const round8 = (v: number) => Math.max(8, Math.round((v * scale) / 8) * 8);
  return { width: round8(request.width), height: round8(request.height) };
}

/** Source coordinate of output cell `o` for bilinear, align_corners=False (torch). */
function bilinearSource(o: number, inSize: number, outSize: number) {
  const src = Math.max(((o + 0.5) * inSize) / outSize - 0.5, 0);
  const i0 = Math.min(Math.floor(src), inSize - 1);
  const i1 = Math.min(i0 + 1, inSize - 1);
  return { i0, i1, frac: src - i0 };
}

/** [N, C, h, w] → [N, C, H, W] by bilinear (align_corners=False) or nearest-exact sampling. */
export function resizeLatents(
  latents: Float32Array,
  planes: number,
  h: number,
  w: number,
  H: number,
  W: number,
  mode: 'bilinear' | 'nearest-exact',
): Float32Array {
  const out = new Float32Array(planes * H * W);
  for (let p = 0; p < planes; p++) {
    const src = latents.subarray(p * h * w, (p + 1) * h * w);
    const dst = out.subarray(p * H * W, (p + 1) * H * W);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        if (mode === 'nearest-exact') {
          const sy = Math.min(Math.floor(((y + 0.5) * h) / H), h - 1);
          const sx = Math.min(Math.floor(((x + 0.5) * w) / W), w - 1);
          dst[y * W + x] = src[sy * w + sx];
          continue;
        }
        const ys = bilinearSource(y, h, H);
        const xs = bilinearSource(x, w, W);
        const top = src[ys.i0 * w + xs.i0] * (1 - xs.frac) + src[ys.i0 * w + xs.i1] * xs.frac;
        const bottom = src[ys.i1 * w + xs.i0] * (1 - xs.frac) + src[ys.i1 * w + xs.i1] * xs.frac;
        dst[y * W + x] = top * (1 - ys.frac) + bottom * ys.frac;
      }
    }
  }
  return out;
}

export interface HiresPlan {
  width: number;
  height: number;
  shape: LatentShape;
  scheduler: Scheduler;
  timesteps: number[];
  /** Index of timesteps[0] in the pass's full schedule. */
  beginIndex: number;
  steps: number;
}

/** The second pass's scheduler and timesteps, planned before the first pass runs. */
export function planHires(
  request: GenerateRequest,
  model: LoadedModel,
  shape: LatentShape,
): HiresPlan {
  const hires = request.hires!;
  const size = hiresSize(request, hires.scale);
  const f = model.folder.vaeScaleFactor;
  const steps = hires.steps === 0 ? request.steps : hires.steps;
  const { scheduler } = resolveScheduler(request.scheduler, model.folder.schedulerConfig);
  scheduler.setTimesteps(steps);
  const init = Math.min(Math.floor(steps * hires.strength), steps);
  const begin = Math.max(steps - init, 0) * scheduler.order;
  const all = Array.from(scheduler.timesteps);
  if (begin < all.length) scheduler.setBeginIndex(begin);
  return {
    ...size,
    shape: { ...shape, height: size.height / f, width: size.width / f },
    scheduler,
    timesteps: all.slice(begin),
    beginIndex: begin,
    steps,
  };
}

/** Upscales the first pass's latents to the plan's size in latent or image space. */
export async function upscale(
  cache: ModelCache,
  model: LoadedModel,
  latents: Float32Array,
  from: LatentShape,
  plan: HiresPlan,
  upscaler: HiresFix['upscaler'],
  noise: NoiseSource,
): Promise<Float32Array> {
  const to = plan.shape;
  if (upscaler !== 'image') {
    const mode = upscaler === 'latent' ? 'bilinear' : 'nearest-exact';
    const planes = from.batch * from.channels;
    return resizeLatents(latents, planes, from.height, from.width, to.height, to.width, mode);
  }
  const decoded = await decodeLatents(
    model,
    latents,
    from.batch,
    from.height,
    from.width,
    from.channels,
  );
  const images = new Float32Array(from.batch * 3 * plan.width * plan.height);
  for (const [b, image] of decoded.entries()) {
    const rgb = tensorToRgb(image.data, 0, image.width, image.height);
    const { data } = await sharp(rgb, {
      raw: { width: image.width, height: image.height, channels: 3 },
    })
      .resize(plan.width, plan.height, { fit: 'fill', kernel: 'lanczos3' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    images.set(
      rgbToTensor(new Uint8Array(data), plan.width, plan.height),
      b * 3 * plan.width * plan.height,
    );
  }
  return encodeImage(cache, model, images, plan.height, plan.width, from.batch, noise);
}

/** img2img's starting point: the upscaled latents noised to the pass's first timestep. */
export function noiseForPass(
  latents: Float32Array,
  plan: HiresPlan,
  noise: NoiseSource,
): Float32Array {
  if (plan.timesteps.length === 0) return latents;
  return plan.scheduler.addNoise(latents, noise.next(latents.length), plan.timesteps[0]);
}

export interface HiresRun {
  cache: ModelCache;
  request: GenerateRequest & { model: string };
  /** The first pass's conditioning (text embeddings do not depend on the size). */
  cond: Conditioning;
  latents: Float32Array;
  shape: LatentShape;
  noise: NoiseSource;
  loop: LoopContext;
  onLoading: (component: string) => void;
  /** The base's share of the pass when a refiner finishes it (default: all of it). */
  timesteps?: readonly number[];
}

/**
 * Upscales and runs the img2img pass with the base model (reloaded if a refiner replaced it),
 * with the ControlNet units again, their hints made at the target size.
 */
export async function runHires(
  plan: HiresPlan,
  run: HiresRun,
): Promise<{ model: LoadedModel; latents: Float32Array; hints: ControlHint[] }> {
  const { cache, request, loop } = run;
  const model = await cache.get(
    request.model,
    request.provider,
    run.onLoading,
    request.refiner?.model,
  );
  throwIfCancelled(loop.signal);
  const up = await upscale(
    cache,
    model,
    run.latents,
    run.shape,
    plan,
    request.hires!.upscaler,
    run.noise,
  );
  const start = noiseForPass(up, plan, run.noise);
  const control = await prepareControl(
    cache,
    model,
    request,
    plan.width,
    plan.height,
    run.onLoading,
  );
  const segment = {
    model,
    scheduler: plan.scheduler,
    timesteps: run.timesteps ?? plan.timesteps,
    fractionOf: plan.timesteps.length,
    cond: resizeConditioning(model, run.cond, plan, request.batch),
    shape: plan.shape,
    noise: run.noise,
    control: control.steps,
    idleFeeds: zeroResiduals(model, plan.shape),
  };
  return { model, latents: await denoise(segment, start, loop), hints: control.hints };
}
