/**
 * VAE encode (img2img) and decode. Latents live in UNet space: encoder output × scaling_factor,
 * ÷ scaling_factor before decoding (Rombach et al. 2022, §4.3.2; diffusers AutoencoderKL).
 */
import { EmulsionError } from '../../../common/errors.ts';
import type { ModelFolder } from '../model/folder.ts';
import type { LoadedModel, ModelCache } from '../model/loaded-model.ts';
import { makeTensor, toFloat32 } from '../ort/tensors.ts';
import type { NoiseSource } from '../schedulers/types.ts';

/** Per-channel latent statistics some VAEs declare (diffusers: `latents_mean`, `latents_std`). */
export interface LatentStats {
  mean: number[];
  std: number[];
}

export function latentStats(folder: ModelFolder, channels: number): LatentStats | undefined {
  const { latents_mean: mean, latents_std: std } = folder.vaeConfig;
  const ok = (v: unknown): v is number[] =>
    Array.isArray(v) && v.length === channels && v.every((x) => typeof x === 'number');
  return ok(mean) && ok(std) ? { mean, std } : undefined;
}

/**
 * UNet-space latents → what the decoder takes: z/sf, or z·std/sf + mean when the VAE declares
 * latent statistics (diffusers StableDiffusionXLPipeline decode step). `out` may alias `z`.
 */
export function toDecoderSpace(
  z: Float32Array,
  channels: number,
  sf: number,
  stats: LatentStats | undefined,
  out = new Float32Array(z.length),
): Float32Array {
  const plane = z.length / channels;
  for (let c = 0; c < channels; c++) {
    const scale = stats ? stats.std[c] / sf : 1 / sf;
    const shift = stats ? stats.mean[c] : 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) out[i] = z[i] * scale + shift;
  }
  return out;
}

/** The inverse, for encoder output: (x − mean)·sf/std, or x·sf without statistics. */
export function fromEncoderSpace(
  x: ArrayLike<number>,
  channels: number,
  sf: number,
  stats: LatentStats | undefined,
  out = new Float32Array(x.length),
): Float32Array {
  const plane = x.length / channels;
  for (let c = 0; c < channels; c++) {
    const scale = stats ? sf / stats.std[c] : sf;
    const shift = stats ? stats.mean[c] : 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) out[i] = (x[i] - shift) * scale;
  }
  return out;
}

/**
 * Encodes [1,3,H,W] images in [−1,1] and returns scaled latents for every batch item: one image
 * shared by the whole batch, or `batch` distinct images (hires fix), one session run each.
 * With `latent_parameters` the posterior is sampled here (seedable): z = μ + exp(½·logvar)·ε, with
 * logvar clamped to [−30, 20] as diffusers' DiagonalGaussianDistribution does.
 */
export async function encodeImage(
  cache: ModelCache,
  model: LoadedModel,
  image: Float32Array,
  height: number,
  width: number,
  batch: number,
  noise: NoiseSource,
): Promise<Float32Array> {
  const { session, contract } = await cache.vaeEncoder(model);
  const pixels = 3 * height * width;
  const parts: Float32Array[] = [];
  let dims: readonly number[] = [];
  for (let k = 0; k < image.length / pixels; k++) {
    const one = image.subarray(k * pixels, (k + 1) * pixels);
    const feeds = {
      sample: makeTensor(contract.sampleType, one, [1, 3, height, width], 'vae_encoder sample'),
    };
    const out = await session.run(feeds, [contract.output]);
    parts.push(toFloat32(out[contract.output]));
    dims = out[contract.output].dims;
  }
  const source = (b: number) => parts[parts.length === 1 ? 0 : b];
  const [, channels, h, w] = dims;
  const per = 4 * h * w;
  const sf = model.folder.scalingFactor;
  const stats = latentStats(model.folder, 4);
  if (contract.output === 'latent_parameters') {
    if (channels !== 8) {
      throw new EmulsionError(
        'MODEL_CONTRACT',
        `vae_encoder (${session.file}) output latent_parameters has ${channels} channels; ` +
          'expected 8 (mean ‖ logvar of 4 latent channels).',
        { file: session.file },
      );
    }
    const eps = noise.next(per * batch);
    const result = new Float32Array(per * batch);
    for (let b = 0; b < batch; b++) {
      const data = source(b);
      const sample = result.subarray(b * per, (b + 1) * per);
      for (let i = 0; i < per; i++) {
        const logvar = Math.min(20, Math.max(-30, data[per + i]));
        sample[i] = data[i] + Math.exp(0.5 * logvar) * eps[b * per + i];
      }
      fromEncoderSpace(sample, 4, sf, stats, sample);
    }
    return result;
  }
  const latent = new Float32Array(per * batch);
  for (let b = 0; b < batch; b++) {
    const out = latent.subarray(b * per, (b + 1) * per);
    fromEncoderSpace(source(b).subarray(0, per), 4, sf, stats, out);
  }
  return latent;
}

/** Decodes one image at a time (fp16 decoders misbehave at batch > 1, per diffusers' ONNX pipeline). */
export async function decodeLatents(
  model: LoadedModel,
  latents: Float32Array,
  batch: number,
  h: number,
  w: number,
  channels: number,
): Promise<{ data: Float32Array; height: number; width: number }[]> {
  const { session, contract } = model.vaeDecoder;
  const per = channels * h * w;
  const sf = model.folder.scalingFactor;
  const stats = latentStats(model.folder, channels);
  const images = [];
  for (let b = 0; b < batch; b++) {
    const z = toDecoderSpace(latents.subarray(b * per, (b + 1) * per), channels, sf, stats);
    const feeds = {
      latent_sample: makeTensor(
        contract.latentType,
        z,
        [1, channels, h, w],
        'vae_decoder latent_sample',
      ),
    };
    const out = await session.run(feeds, [contract.output]);
    const tensor = out[contract.output];
    images.push({ data: toFloat32(tensor), height: tensor.dims[2], width: tensor.dims[3] });
  }
  return images;
}
