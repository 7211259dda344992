/**
 * VAE encode (img2img) and decode. Latents live in UNet space: encoder output × scaling_factor,
 * ÷ scaling_factor before decoding (Rombach et al. 2022, §4.3.2; diffusers AutoencoderKL).
 */
import { EmulsionError } from '../../../common/errors.ts';
import type { LoadedModel, ModelCache } from '../model/loaded-model.ts';
import { makeTensor, toFloat32 } from '../ort/tensors.ts';
import type { NoiseSource } from '../schedulers/types.ts';

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
      for (let i = 0; i < per; i++) {
        const logvar = Math.min(20, Math.max(-30, data[per + i]));
        result[b * per + i] = (data[i] + Math.exp(0.5 * logvar) * eps[b * per + i]) * sf;
      }
    }
    return result;
  }
  const latent = new Float32Array(per * batch);
  for (let b = 0; b < batch; b++) {
    const data = source(b);
    for (let i = 0; i < per; i++) latent[b * per + i] = data[i] * sf;
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
  const images = [];
  for (let b = 0; b < batch; b++) {
    const z = new Float32Array(per);
    for (let i = 0; i < per; i++) z[i] = latents[b * per + i] / sf;
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
