/**
 * An independent text-to-image loop for the tests, written from diffusers'
 * StableDiffusionPipeline.__call__ and EulerDiscreteScheduler (docs/onnx-contract.md §8,
 * docs/schedulers.md "Euler") and run directly on a fixture's ONNX sessions, in float64 where the
 * maths is ours. It shares no code with main/engine: the engine's result must agree with it.
 */
import path from 'node:path';
import * as ort from 'onnxruntime-node';

const TRAIN_STEPS = 1000;

/** σ_i = √((1 − ᾱ_i)/ᾱ_i) for the SD `scaled_linear` betas (float32, as torch computes them). */
export function trainingSigmas(betaStart = 0.00085, betaEnd = 0.012): Float64Array {
  const sigmas = new Float64Array(TRAIN_STEPS);
  const a = Math.sqrt(betaStart);
  const b = Math.sqrt(betaEnd);
  let cumprod = 1;
  for (let i = 0; i < TRAIN_STEPS; i++) {
    const root = Math.fround(a + ((b - a) * i) / (TRAIN_STEPS - 1));
    const beta = Math.fround(root * root);
    cumprod = Math.fround(cumprod * Math.fround(1 - beta));
    sigmas[i] = Math.sqrt((1 - cumprod) / cumprod);
  }
  return sigmas;
}

/** Euler with `linspace` spacing: t = linspace(0, 999, n) reversed, σ by np.interp, then 0. */
export function eulerLinspace(steps: number): { timesteps: number[]; sigmas: number[] } {
  const train = trainingSigmas();
  const timesteps: number[] = [];
  for (let i = 0; i < steps; i++) {
    timesteps.push(steps === 1 ? 0 : ((TRAIN_STEPS - 1) * (steps - 1 - i)) / (steps - 1));
  }
  const sigmas = timesteps.map((t) => {
    const lo = Math.floor(t);
    const hi = Math.min(lo + 1, TRAIN_STEPS - 1);
    return train[lo] + (train[hi] - train[lo]) * (t - lo);
  });
  sigmas.push(0);
  return { timesteps, sigmas };
}

export interface ReferenceInput {
  modelDir: string;
  /** The two 77-id sequences, as the engine's tokenizer produced them (tested on its own). */
  condIds: number[];
  uncondIds: number[];
  idsType: 'int32' | 'int64';
  timestepType: 'float32' | 'int64';
  /** [] or [n], as the UNet declares. */
  timestepRank: 0 | 1;
  /** x_T, the initial latents (already × init_noise_sigma). */
  initial: Float32Array;
  latentShape: [number, number, number, number];
  steps: number;
  guidance: number;
  prediction: 'epsilon' | 'v_prediction';
  scalingFactor: number;
}

export interface ReferenceOutput {
  /** The latents handed to the VAE decoder (already ÷ scaling_factor). */
  decoderInput: Float32Array;
  /** HWC uint8 RGB. */
  rgb: Uint8Array;
  width: number;
  height: number;
}

async function open(dir: string, component: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(path.join(dir, component, 'model.onnx'));
}

function idsTensor(ids: number[], type: 'int32' | 'int64'): ort.Tensor {
  return type === 'int32'
    ? new ort.Tensor('int32', Int32Array.from(ids), [1, ids.length])
    : new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]);
}

export async function referenceTxt2Img(input: ReferenceInput): Promise<ReferenceOutput> {
  const te = await open(input.modelDir, 'text_encoder');
  const unet = await open(input.modelDir, 'unet');
  const vae = await open(input.modelDir, 'vae_decoder');
  try {
    const embed = async (ids: number[]) =>
      (await te.run({ input_ids: idsTensor(ids, input.idsType) })).last_hidden_state;
    const cond = await embed(input.condIds);
    const uncond = await embed(input.uncondIds);
    const [, seq, width] = cond.dims;
    // Classifier-free guidance batch: [uncond; cond] (diffusers encode_prompt).
    const hidden = new Float32Array(2 * seq * width);
    hidden.set(uncond.data as Float32Array, 0);
    hidden.set(cond.data as Float32Array, seq * width);

    const { timesteps, sigmas } = eulerLinspace(input.steps);
    const per = input.initial.length;
    const x = Float64Array.from(input.initial);
    for (let i = 0; i < timesteps.length; i++) {
      const sigma = sigmas[i];
      const scale = 1 / Math.sqrt(sigma * sigma + 1);
      const sample = new Float32Array(2 * per);
      for (let k = 0; k < per; k++) sample[k] = sample[per + k] = x[k] * scale;
      const t = timesteps[i];
      const tData =
        input.timestepType === 'int64'
          ? new ort.Tensor('int64', BigInt64Array.from([BigInt(Math.trunc(t))]), [])
          : new ort.Tensor('float32', Float32Array.from([t]), []);
      const timestep =
        input.timestepRank === 0
          ? tData
          : input.timestepType === 'int64'
            ? new ort.Tensor(
                'int64',
                BigInt64Array.from([1, 1], () => BigInt(Math.trunc(t))),
                [2],
              )
            : new ort.Tensor('float32', Float32Array.from([t, t]), [2]);
      const out = await unet.run({
        sample: new ort.Tensor('float32', sample, [2, ...input.latentShape.slice(1)]),
        timestep,
        encoder_hidden_states: new ort.Tensor('float32', hidden, [2, seq, width]),
      });
      const eps = out.out_sample.data as Float32Array;
      const next = sigmas[i + 1];
      for (let k = 0; k < per; k++) {
        const guided = eps[k] + input.guidance * (eps[per + k] - eps[k]);
        // x0 from the model output (diffusers EulerDiscreteScheduler.step, gamma = 0).
        const x0 =
          input.prediction === 'epsilon'
            ? x[k] - sigma * guided
            : guided * (-sigma / Math.sqrt(sigma * sigma + 1)) + x[k] / (sigma * sigma + 1);
        const derivative = (x[k] - x0) / sigma;
        x[k] = x[k] + derivative * (next - sigma);
      }
    }

    const decoderInput = new Float32Array(per);
    for (let k = 0; k < per; k++) decoderInput[k] = x[k] / input.scalingFactor;
    const image = (
      await vae.run({
        latent_sample: new ort.Tensor('float32', decoderInput, input.latentShape),
      })
    ).sample;
    const [, , height, w] = image.dims;
    const data = image.data as Float32Array;
    const plane = height * w;
    const rgb = new Uint8Array(plane * 3);
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < plane; p++) {
        // diffusers denormalize + numpy_to_pil: (x/2 + 0.5).clamp(0, 1), ×255, round.
        const v = Math.min(1, Math.max(0, data[c * plane + p] / 2 + 0.5));
        rgb[p * 3 + c] = Math.round(v * 255);
      }
    }
    return { decoderInput, rgb, width: w, height };
  } finally {
    await Promise.all([te.release(), unet.release(), vae.release()]);
  }
}
