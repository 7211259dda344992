/**
 * One guided noise prediction: expand the latents for classifier-free guidance, run the UNet with
 * every feed cast to its declared dtype and rank, then combine ε = ε_u + g·(ε_c − ε_u)
 * (Ho & Salimans 2022, eq. 6). The batch order is [uncond; cond], as in diffusers.
 */
import type * as ort from 'onnxruntime-node';
import type { LoadedModel } from '../model/loaded-model.ts';
import { makeTensor, toFloat32 } from '../ort/tensors.ts';

export interface Conditioning {
  /** [uncond×B; cond×B] when guiding, else [cond×B]; each item is tokens × width floats. */
  hidden: Float32Array;
  tokens: number;
  width: number;
  guidance: number;
  doCfg: boolean;
}

export interface LatentShape {
  batch: number;
  channels: number;
  height: number;
  width: number;
}

function timestepTensor(model: LoadedModel, t: number, n: number): ort.Tensor {
  const meta = model.unet.contract.timestep;
  if (meta.shape.length === 0) return makeTensor(meta.type, [t], [], 'unet timestep');
  // A literal [1] (the legacy script's export) broadcasts inside the graph.
  const count = meta.shape[0] === 1 ? 1 : n;
  return makeTensor(meta.type, new Array(count).fill(t), [count], 'unet timestep');
}

async function runUnet(
  model: LoadedModel,
  sample: Float32Array,
  hidden: Float32Array,
  t: number,
  n: number,
  shape: LatentShape,
  tokens: number,
  width: number,
): Promise<Float32Array> {
  const { session, contract } = model.unet;
  const feeds: Record<string, ort.Tensor> = {
    sample: makeTensor(
      contract.sampleType,
      sample,
      [n, shape.channels, shape.height, shape.width],
      'unet sample',
    ),
    timestep: timestepTensor(model, t, n),
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
): Promise<Float32Array> {
  const per = shape.channels * shape.height * shape.width;
  const B = shape.batch;
  const sample = cond.doCfg ? concat(scaled, scaled) : scaled;
  const n = cond.doCfg ? 2 * B : B;
  let output: Float32Array;
  if (model.unet.contract.fixedBatchOne && n > 1) {
    // Fixed-shape exports take one image per call (docs/onnx-contract.md §2.2).
    output = new Float32Array(n * per);
    const hid = cond.tokens * cond.width;
    for (let i = 0; i < n; i++) {
      const part = await runUnet(
        model,
        sample.subarray(i * per, (i + 1) * per),
        cond.hidden.subarray(i * hid, (i + 1) * hid),
        t,
        1,
        shape,
        cond.tokens,
        cond.width,
      );
      output.set(part, i * per);
    }
  } else {
    output = await runUnet(model, sample, cond.hidden, t, n, shape, cond.tokens, cond.width);
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

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
