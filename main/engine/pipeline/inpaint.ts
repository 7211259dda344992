/**
 * Inpainting: repaint the white part of a mask over the init image.
 *
 * - The mask is read at the generation size (white = repaint), blurred by `blur` px (Gaussian σ),
 *   and reduced to the latent grid by 8×8 averaging and rounding (A1111 `latmask`).
 * - 9-channel inpainting UNets get latents ‖ mask ‖ masked-image latents, the masked image being
 *   the init image with the repaint area set to 0 (grey) before encoding (diffusers
 *   StableDiffusionInpaintPipeline, `image * (mask < 0.5)`).
 * - Regular UNets repaint by latent blending: after every step the unmasked region is replaced by
 *   the init latents noised to the next timestep (the same noise), and by the clean latents after
 *   the last one (diffusers, `num_channels_unet == 4`).
 * - "Only masked": the mask's bounding box plus `padding` px, widened to the generation aspect
 *   ratio, is cut out, generated at the full generation size and pasted back (A1111
 *   inpaint_full_res).
 * - The result is composited over the init image through the blurred mask, so pixels outside it
 *   are the init image's exactly (A1111 `apply_overlay`).
 */
import sharp from 'sharp';
import { EmulsionError, invalidArgument } from '../../../common/errors.ts';
import type { GenerateRequest } from '../../../common/generation.ts';
import { readImageRgb, rgbToTensor, tensorToRgb } from '../image/io.ts';
import type { LoadedModel, ModelCache } from '../model/loaded-model.ts';
import type { NoiseSource, Scheduler } from '../schedulers/types.ts';
import { gaussianBlur } from './canny.ts';
import type { InpaintSteps } from './denoise.ts';
import type { LatentShape } from './unet.ts';
import { encodeImage } from './vae.ts';

/** A crop of the canvas: x, y, width, height in pixels. */
export interface CropBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface InpaintPlan {
  steps: InpaintSteps;
  initial: Float32Array;
  /** The canvas the result is composited over, with the blurred mask (both at W × H). */
  canvas: Uint8Array;
  mask: Float32Array;
  crop?: CropBox;
}

/** The mask image as luminance in [0, 1] at width × height (transparency counts as black). */
export async function readMask(
  request: GenerateRequest,
  width: number,
  height: number,
): Promise<Float32Array> {
  const source = request.mask!.image;
  let flat: Uint8Array;
  try {
    // Flatten transparency onto black first, so a transparent area keeps the init pixels.
    const input = 'path' in source ? source.path : Buffer.from(source.data);
    const png = await sharp(input)
      .flatten({ background: { r: 0, g: 0, b: 0 } })
      .png()
      .toBuffer();
    flat = new Uint8Array(png);
  } catch (err) {
    const name = 'path' in source ? source.path : (source.name ?? 'the mask');
    throw new EmulsionError(
      'IMAGE_INVALID',
      `\`mask.image\` could not be read as an image (${name}): ${(err as Error).message}.`,
      { field: 'mask.image', received: name },
    );
  }
  const rgb = await readImageRgb({ data: flat }, width, height, request.init!.resize, 'mask.image');
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++) {
    out[i] = (0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2]) / 255;
  }
  return out;
}

/** Bounding box of mask values above half a grey level, grown by `padding` and clamped. */
export function maskBounds(
  mask: Float32Array,
  width: number,
  height: number,
  padding: number,
): CropBox | undefined {
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (mask[y * width + x] * 255 < 0.5) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  if (x1 < 0) return undefined;
  const left = Math.max(x0 - padding, 0);
  const top = Math.max(y0 - padding, 0);
  const right = Math.min(x1 + 1 + padding, width);
  const bottom = Math.min(y1 + 1 + padding, height);
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Grows one side of [start, start + size) to `target` px, centred, kept inside [0, limit). */
function grow(start: number, size: number, target: number, limit: number): [number, number] {
  const want = Math.min(Math.round(target), limit);
  if (want <= size) return [start, size];
  let from = start - Math.floor((want - size) / 2);
  from = Math.min(Math.max(from, 0), limit - want);
  return [from, want];
}

/** Widens a crop to the generation aspect ratio (A1111 expand_crop_region), within the canvas. */
export function fitAspect(box: CropBox, width: number, height: number): CropBox {
  const aspect = width / height;
  if (box.width / box.height > aspect) {
    const [y, h] = grow(box.y, box.height, box.width / aspect, height);
    return { ...box, y, height: h };
  }
  const [x, w] = grow(box.x, box.width, box.height * aspect, width);
  return { ...box, x, width: w };
}

async function resizeRaw(
  data: Uint8Array,
  channels: 1 | 3,
  from: { width: number; height: number },
  to: { width: number; height: number },
  box?: CropBox,
): Promise<Uint8Array> {
  let img = sharp(data, { raw: { width: from.width, height: from.height, channels } });
  if (box) img = img.extract({ left: box.x, top: box.y, width: box.width, height: box.height });
  const { data: out } = await img
    .resize(to.width, to.height, { fit: 'fill', kernel: channels === 3 ? 'lanczos3' : 'linear' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Per latent cell: 1 when at least half of its 8×8 pixels are to be repainted (rounded mean). */
export function latentMask(
  mask: Float32Array,
  width: number,
  height: number,
  f: number,
): Float32Array {
  const w = width / f;
  const h = height / f;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let sum = 0;
      for (let dy = 0; dy < f; dy++) {
        for (let dx = 0; dx < f; dx++) sum += mask[(y * f + dy) * width + x * f + dx];
      }
      out[y * w + x] = sum / (f * f) >= 0.5 ? 1 : 0;
    }
  }
  return out;
}

export async function prepareInpaint(
  cache: ModelCache,
  model: LoadedModel,
  request: GenerateRequest,
  scheduler: Scheduler,
  timesteps: readonly number[],
  shape: LatentShape,
  noise: NoiseSource,
): Promise<InpaintPlan> {
  const { width, height } = request;
  const settings = request.mask!;
  const init = request.init!;
  const canvas = await readImageRgb(init.image, width, height, init.resize, 'init.image');
  const mask = gaussianBlur(await readMask(request, width, height), width, height, settings.blur);
  for (let i = 0; i < mask.length; i++) mask[i] = Math.min(Math.max(mask[i], 0), 1);
  const bounds = maskBounds(mask, width, height, settings.onlyMasked ? settings.padding : 0);
  if (!bounds) {
    throw invalidArgument(
      'mask.image',
      'an all-black mask',
      'a mask with white where the image should be repainted',
    );
  }
  const crop = settings.onlyMasked ? fitAspect(bounds, width, height) : undefined;
  const size = { width, height };
  const rgb = crop ? await resizeRaw(canvas, 3, size, size, crop) : canvas;
  const workMask = crop
    ? Float32Array.from(
        await resizeRaw(
          Uint8Array.from(mask, (v) => Math.round(v * 255)),
          1,
          size,
          size,
          crop,
        ),
        (v) => v / 255,
      )
    : mask;

  const f = model.folder.vaeScaleFactor;
  const cells = latentMask(workMask, width, height, f);
  const image = rgbToTensor(rgb, width, height);
  const z = await encodeImage(cache, model, image, height, width, shape.batch, noise);
  const per = shape.channels * shape.height * shape.width;
  const eps = noise.next(per * shape.batch);
  let initial: Float32Array;
  if (init.strength >= 1 || timesteps.length === 0) {
    // diffusers' is_strength_max: start from pure noise.
    initial = Float32Array.from(eps, (v) => v * scheduler.initNoiseSigma);
  } else {
    initial = scheduler.addNoise(z, eps, timesteps[0]);
  }

  const steps: InpaintSteps = {};
  if (model.traits.inpaint) {
    const plane = width * height;
    const masked = Float32Array.from(image, (v, i) => (workMask[i % plane] < 0.5 ? v : 0));
    const maskedLatents = await encodeImage(
      cache,
      model,
      masked,
      height,
      width,
      shape.batch,
      noise,
    );
    const cellCount = shape.height * shape.width;
    const data = new Float32Array(shape.batch * (cellCount + per));
    for (let b = 0; b < shape.batch; b++) {
      data.set(cells, b * (cellCount + per));
      data.set(maskedLatents.subarray(b * per, (b + 1) * per), b * (cellCount + per) + cellCount);
    }
    steps.extraChannels = { data, channels: 1 + shape.channels };
  } else {
    const cellCount = shape.height * shape.width;
    steps.blend = (latents, index, ts) => {
      const known = index < ts.length - 1 ? scheduler.addNoise(z, eps, ts[index + 1]) : z;
      const out = new Float32Array(latents.length);
      for (let i = 0; i < latents.length; i++) {
        const m = cells[i % cellCount];
        out[i] = (1 - m) * known[i] + m * latents[i];
      }
      return out;
    };
  }
  return { steps, initial, canvas, mask, ...(crop ? { crop } : {}) };
}

/**
 * Pastes each decoded image (at W × H; the crop's content when inpainting only the masked area)
 * over the canvas through the blurred mask, and returns it in the decoded form again.
 */
export async function compositeInpaint(
  plan: InpaintPlan,
  decoded: { data: Float32Array; height: number; width: number }[],
): Promise<{ data: Float32Array; height: number; width: number }[]> {
  const out = [];
  for (const image of decoded) {
    const { width, height } = image;
    let generated = tensorToRgb(image.data, 0, width, height);
    let region: CropBox = { x: 0, y: 0, width, height };
    if (plan.crop) {
      region = plan.crop;
      generated = await resizeRaw(generated, 3, { width, height }, plan.crop);
    }
    const rgb = Uint8Array.from(plan.canvas);
    for (let y = 0; y < region.height; y++) {
      for (let x = 0; x < region.width; x++) {
        const p = (region.y + y) * width + region.x + x;
        const m = plan.mask[p];
        for (let c = 0; c < 3; c++) {
          const g = generated[(y * region.width + x) * 3 + c];
          rgb[p * 3 + c] = Math.round(plan.canvas[p * 3 + c] * (1 - m) + g * m);
        }
      }
    }
    out.push({ data: rgbToTensor(rgb, width, height), height, width });
  }
  return out;
}

/**
 * A 9-channel inpainting UNet used without a mask (text-to-image or img2img) repaints
 * everything: mask all ones and the masked image all grey (0), as A1111's
 * txt2img_image_conditioning gives it.
 */
export async function repaintEverything(
  cache: ModelCache,
  model: LoadedModel,
  request: GenerateRequest,
  shape: LatentShape,
  noise: NoiseSource,
): Promise<InpaintSteps> {
  const { width, height } = request;
  const grey = new Float32Array(3 * width * height);
  const latents = await encodeImage(cache, model, grey, height, width, shape.batch, noise);
  const cells = shape.height * shape.width;
  const per = shape.channels * cells;
  const data = new Float32Array(shape.batch * (cells + per));
  for (let b = 0; b < shape.batch; b++) {
    data.fill(1, b * (cells + per), b * (cells + per) + cells);
    data.set(latents.subarray(b * per, (b + 1) * per), b * (cells + per) + cells);
  }
  return { extraChannels: { data, channels: 1 + shape.channels } };
}
