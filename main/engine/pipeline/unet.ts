/**
 * One guided noise prediction: expand the latents for classifier-free guidance, run the UNet with
 * every feed cast to its declared dtype and rank, then combine ε = ε_u + g·(ε_c − ε_u)
 * (Ho & Salimans 2022, eq. 6). The batch order is [uncond; cond], as in diffusers.
 */
import type * as ort from 'onnxruntime-node';
import type { UnetContract } from '../model/contract.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import type { LoadedSession } from '../ort/session.ts';
import { makeTensor, toFloat32 } from '../ort/tensors.ts';
import { feedTensors, sliceItems, type BatchedFeed } from './feeds.ts';

export interface Conditioning {
  /** [uncond×B; cond×B] when guiding, else [cond×B]; each item is tokens × width floats. */
  hidden: Float32Array;
  tokens: number;
  width: number;
  guidance: number;
  doCfg: boolean;
  /** Extra UNet inputs batched like `hidden` (SDXL text_embeds/time_ids, LCM timestep_cond). */
  extra?: BatchedFeed[];
}

/** A UNet session and its checked contract: the model's own, or its ControlNet UNet (§3). */
export interface UnetHandle {
  session: LoadedSession;
  contract: UnetContract;
}

export interface PredictOptions {
  /** The UNet to run; the model's own by default. */
  unet?: UnetHandle;
  /**
   * This step's extra inputs (ControlNet residuals), computed from the UNet's 4-channel input
   * after CFG doubling: `sample` holds `n` items.
   */
  stepFeeds?: (sample: Float32Array, n: number) => Promise<BatchedFeed[]>;
  /**
   * Channels appended to each image's sample, one item per image (B items): the 9-channel
   * inpainting UNet's mask ‖ masked-image latents (diffusers StableDiffusionInpaintPipeline).
   */
  extraChannels?: { data: Float32Array; channels: number };
}

export interface LatentShape {
  batch: number;
  channels: number;
  height: number;
  width: number;
}

function timestepTensor(unet: UnetHandle, t: number, n: number): ort.Tensor {
  const meta = unet.contract.timestep;
  if (meta.shape.length === 0) return makeTensor(meta.type, [t], [], 'unet timestep');
  // A literal [1] (the legacy script's export) broadcasts inside the graph.
  const count = meta.shape[0] === 1 ? 1 : n;
  return makeTensor(meta.type, new Array(count).fill(t), [count], 'unet timestep');
}

async function runUnet(
  unet: UnetHandle,
  sample: Float32Array,
  hidden: Float32Array,
  t: number,
  n: number,
  shape: LatentShape,
  tokens: number,
  width: number,
  extra: readonly BatchedFeed[],
): Promise<Float32Array> {
  const { session, contract } = unet;
  const feeds: Record<string, ort.Tensor> = {
    ...feedTensors(session, extra),
    sample: makeTensor(
      contract.sampleType,
      sample,
      [n, shape.channels, shape.height, shape.width],
      'unet sample',
    ),
    timestep: timestepTensor(unet, t, n),
    encoder_hidden_states: makeTensor(
      contract.hiddenType,
      hidden,
      [n, tokens, width],
      'unet encoder_hidden_states',
    ),
  };
  const out = await session.run(feeds, [contract.output]);
  return toFloat32(out[contract.output]);
}

/** Returns the guided model output for the current (already scaled) latents. */
export async function predictNoise(
  model: LoadedModel,
  scaled: Float32Array,
  t: number,
  cond: Conditioning,
  shape: LatentShape,
  options: PredictOptions = {},
): Promise<Float32Array> {
  const unet = options.unet ?? model.unet;
  const per = shape.channels * shape.height * shape.width;
  const B = shape.batch;
  const sample = cond.doCfg ? concat(scaled, scaled) : scaled;
  const n = cond.doCfg ? 2 * B : B;
  const extra = [...(cond.extra ?? []), ...((await options.stepFeeds?.(sample, n)) ?? [])];
  const added = options.extraChannels;
  const input = added ? appendChannels(sample, n, B, per, added) : sample;
  const inShape = { ...shape, channels: shape.channels + (added?.channels ?? 0) };
  const inPer = inShape.channels * shape.height * shape.width;
  let output: Float32Array;
  if (unet.contract.fixedBatchOne && n > 1) {
    // Fixed-shape exports take one image per call (docs/onnx-contract.md §2.2).
    output = new Float32Array(n * per);
    const hid = cond.tokens * cond.width;
    for (let i = 0; i < n; i++) {
      const part = await runUnet(
        unet,
        input.subarray(i * inPer, (i + 1) * inPer),
        cond.hidden.subarray(i * hid, (i + 1) * hid),
        t,
        1,
        inShape,
        cond.tokens,
        cond.width,
        extra.map((f) => sliceItems(f, i, i + 1)),
      );
      output.set(part, i * per);
    }
  } else {
    output = await runUnet(unet, input, cond.hidden, t, n, inShape, cond.tokens, cond.width, extra);
  }
  if (!cond.doCfg) return output.length === B * per ? output : output.slice(0, B * per);
  const guided = new Float32Array(B * per);
  const g = cond.guidance;
  for (let i = 0; i < B * per; i++) {
    const u = output[i];
    guided[i] = u + g * (output[B * per + i] - u);
  }
  return guided;
}

/** Item i of the n-item batch gets image (i mod B)'s extra channels after its own. */
function appendChannels(
  sample: Float32Array,
  n: number,
  B: number,
  per: number,
  added: { data: Float32Array; channels: number },
): Float32Array {
  const extraPer = added.data.length / B;
  const out = new Float32Array(n * (per + extraPer));
  for (let i = 0; i < n; i++) {
    const at = i * (per + extraPer);
    out.set(sample.subarray(i * per, (i + 1) * per), at);
    const b = i % B;
    out.set(added.data.subarray(b * extraPer, (b + 1) * extraPer), at + per);
  }
  return out;
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
