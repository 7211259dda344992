/**
 * LCM's guidance embedding (Luo et al. 2023, §4.2; diffusers LatentConsistencyModelPipeline
 * `get_guidance_scale_embedding`, docs/onnx-contract.md §2.5). A distilled LCM UNet takes the
 * guidance scale as an input instead of running a CFG batch: w = guidance − 1, embedded as
 * [sin(1000·w·f_i) ‖ cos(1000·w·f_i)] with f_i = exp(−ln(10000)·i/(half − 1)), i < half = d/2.
 * Each stage is rounded to float32, as torch computes it, so the feed matches diffusers bit for bit
 * up to the last rounding of sin/cos.
 */
import { EmulsionError } from '../../../common/errors.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import { stackRows, type BatchedFeed } from './feeds.ts';

const f = Math.fround;

export function guidanceEmbedding(w: number, dim: number): Float32Array {
  const half = Math.floor(dim / 2);
  const out = new Float32Array(dim);
  const step = f(f(Math.log(10000)) / (half - 1));
  const scaled = f(f(w) * 1000);
  for (let i = 0; i < half; i++) {
    const freq = f(Math.exp(f(i * -step)));
    const angle = f(scaled * freq);
    out[i] = Math.sin(angle);
    out[half + i] = Math.cos(angle);
  }
  // An odd width is padded with one zero, as diffusers does.
  return out;
}

/** The `timestep_cond` feed for `batch` images (LCM never doubles the batch for CFG). */
export function timestepCondFeed(model: LoadedModel, guidance: number, batch: number): BatchedFeed {
  const meta = model.unet.session.inputs.find((m) => m.name === 'timestep_cond');
  const declared = meta?.shape[1];
  const configured = model.folder.unetConfig.time_cond_proj_dim;
  const dim =
    typeof declared === 'number' ? declared : typeof configured === 'number' ? configured : 0;
  if (dim < 2) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${model.unet.session.file}: the width of timestep_cond is not declared (shape ` +
        `[${meta?.shape.join(', ')}]) and unet/config.json has no time_cond_proj_dim.`,
      { file: model.unet.session.file },
    );
  }
  return stackRows('timestep_cond', [guidanceEmbedding(guidance - 1, dim)], [batch], [dim]);
}
