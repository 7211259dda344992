/**
 * A minimal DDIM sampler (Song et al. 2021, eq. 12 with η = 0) with classifier-free guidance,
 * written for these tests so ControlNet and refiner passes can be checked without the engine.
 * Timesteps follow diffusers' DDIMScheduler with SD's config: "leading" spacing, steps_offset 1,
 * and ᾱ_prev = ᾱ_0 after the last step (set_alpha_to_one = false).
 */
import * as ort from 'onnxruntime-node';
import { alphasCumprod } from '../../../main/demo-model/schedule.ts';
import { gaussians } from './reference.ts';

export function ddimTimesteps(steps: number): number[] {
  const ratio = Math.floor(1000 / steps);
  return Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + 1);
}

export interface Unit {
  session: ort.InferenceSession;
  /** Planar RGB [3,H,W] in 0..1, repeated for both CFG halves. */
  hint: Float32Array;
  scale: number;
}

export interface SampleOptions {
  /** [2,77,768]: uncond first, then cond. */
  ehs: Float32Array;
  h: number;
  w: number;
  steps: number;
  cfg: number;
  seed: number;
  /** Model for each timestep (the refiner hand-off picks a different UNet for late steps). */
  unetFor: (t: number) => ort.InferenceSession;
  /** ControlNet units; the UNet must then accept residuals. */
  control?: Unit[];
}

const ac = alphasCumprod();

export async function sampleDdim(o: SampleOptions): Promise<Float32Array> {
  const n = 4 * o.h * o.w;
  let x = gaussians(n, o.seed);
  const ts = ddimTimesteps(o.steps);
  for (let k = 0; k < ts.length; k++) {
    const t = ts[k];
    const doubled = new Float32Array(2 * n);
    doubled.set(x, 0);
    doubled.set(x, n);
    const unet = o.unetFor(t);
    const rank1 = unet.inputMetadata.find((m) => m.name === 'timestep');
    const scalar = rank1?.isTensor && rank1.shape.length === 0;
    const feeds: Record<string, ort.Tensor> = {
      sample: new ort.Tensor('float32', doubled, [2, 4, o.h, o.w]),
      timestep: scalar
        ? new ort.Tensor('float32', Float32Array.of(t), [])
        : new ort.Tensor('float32', Float32Array.of(t, t), [2]),
      encoder_hidden_states: new ort.Tensor('float32', o.ehs, [2, 77, 768]),
    };
    if (o.control) {
      const sums: Record<string, Float32Array> = {};
      const dims: Record<string, readonly number[]> = {};
      for (const unit of o.control) {
        const cond = new Float32Array(2 * unit.hint.length);
        cond.set(unit.hint, 0);
        cond.set(unit.hint, unit.hint.length);
        const res = await unit.session.run({
          ...feeds,
          timestep: new ort.Tensor('float32', Float32Array.of(t, t), [2]),
          controlnet_cond: new ort.Tensor('float32', cond, [2, 3, 8 * o.h, 8 * o.w]),
          conditioning_scale: new ort.Tensor('float64', Float64Array.of(unit.scale), [1]),
        });
        for (const [name, value] of Object.entries(res)) {
          const d = value.data as Float32Array;
          const acc = (sums[name] ??= new Float32Array(d.length));
          for (let i = 0; i < d.length; i++) acc[i] += d[i];
          dims[name] = value.dims;
        }
      }
      for (const name of Object.keys(sums)) {
        feeds[name] = new ort.Tensor('float32', sums[name], dims[name]);
      }
    }
    const out = (await unet.run(feeds)).out_sample.data as Float32Array;
    const a = ac[t];
    const prev = k + 1 < ts.length ? ac[ts[k + 1]] : ac[0];
    const next = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const eps = out[i] + o.cfg * (out[n + i] - out[i]);
      const x0 = (x[i] - Math.sqrt(1 - a) * eps) / Math.sqrt(a);
      next[i] = Math.sqrt(prev) * x0 + Math.sqrt(1 - prev) * eps;
    }
    x = next;
  }
  return x;
}
