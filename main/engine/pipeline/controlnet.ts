/**
 * ControlNet units during the denoising loop (diffusers StableDiffusionControlNetPipeline; OnnxStack
 * ControlNetDiffuser; docs/onnx-contract.md §3). Each active unit runs its ControlNet on the same
 * CFG-doubled latents, timestep and text embeddings as the UNet, with its hint repeated for every
 * item; the residuals of all active units are summed by name and bound to the UNet's inputs of the
 * same name. A unit is active at step i of N unless i/N < start or (i + 1)/N > end (diffusers'
 * `controlnet_keep`). Steps where no unit is active run the model's plain UNet.
 */
import type * as ort from 'onnxruntime-node';
import { EmulsionError } from '../../../common/errors.ts';
import type { ControlUnit, GenerateRequest } from '../../../common/generation.ts';
import { attachControlNet, attachControlUnet, type ControlNetModel } from '../model/controlnet.ts';
import { residualInputs } from '../model/family.ts';
import type { LoadedModel, ModelCache } from '../model/loaded-model.ts';
import { makeTensor, toFloat32 } from '../ort/tensors.ts';
import { hintPng, prepareHint, type ControlHint } from './control-preprocess.ts';
import type { ControlSteps } from './denoise.ts';
import { feedTensors, sliceItems, type BatchedFeed } from './feeds.ts';
import type { Conditioning, LatentShape } from './unet.ts';

interface PreparedUnit {
  unit: ControlUnit;
  net: ControlNetModel;
  hint: ControlHint;
}

export function unitActive(
  unit: Pick<ControlUnit, 'start' | 'end'>,
  i: number,
  n: number,
): boolean {
  return !(i / n < unit.start || (i + 1) / n > unit.end);
}

/**
 * Opens and checks every unit's ControlNet against the model and preprocesses the hints at
 * width × height. Throws before any step runs when a ControlNet does not fit.
 */
export async function prepareControl(
  cache: ModelCache,
  model: LoadedModel,
  request: Pick<GenerateRequest, 'control'>,
  width: number,
  height: number,
  onLoading?: (component: string) => void,
): Promise<{ steps?: ControlSteps; hints: ControlHint[] }> {
  const units = request.control ?? [];
  if (units.length === 0) return { hints: [] };
  const unet = await attachControlUnet(cache, model, onLoading);
  const prepared: PreparedUnit[] = [];
  for (const [index, unit] of units.entries()) {
    const field = `control[${index}].model`;
    const net = await attachControlNet(cache, model, unet, unit.model, field, onLoading);
    const hint = await prepareHint(
      unit,
      index,
      width,
      height,
      model.requestedProvider,
      cache.clock,
    );
    prepared.push({ unit, net, hint });
  }
  const steps: ControlSteps = {
    unet,
    active: (i, n) => prepared.some((p) => unitActive(p.unit, i, n)),
    residuals: (i, n, sample, items, t, cond, shape) =>
      sumResiduals(
        prepared.filter((p) => unitActive(p.unit, i, n)),
        sample,
        items,
        t,
        cond,
        shape,
      ),
  };
  return { steps, hints: prepared.map((p) => p.hint) };
}

export function hintsToPng(hints: ControlHint[]): Promise<Uint8Array[]> {
  return Promise.all(hints.map(hintPng));
}

function scalarTensor(
  meta: { type: string; shape: readonly (number | string)[] },
  value: number,
  n: number,
  what: string,
): ort.Tensor {
  if (meta.shape.length === 0) return makeTensor(meta.type, [value], [], what);
  const count = meta.shape[0] === 1 ? 1 : n;
  return makeTensor(meta.type, new Array(count).fill(value), [count], what);
}

/** Hint [3,H,W] repeated for each of the n items. */
function repeatHint(hint: ControlHint, n: number): BatchedFeed {
  const data = new Float32Array(n * hint.tensor.length);
  for (let i = 0; i < n; i++) data.set(hint.tensor, i * hint.tensor.length);
  return { name: 'controlnet_cond', data, itemDims: [3, hint.height, hint.width] };
}

async function runControlNet(
  p: PreparedUnit,
  sample: Float32Array,
  n: number,
  t: number,
  cond: Conditioning,
  shape: LatentShape,
): Promise<Record<string, { data: Float32Array; dims: number[] }>> {
  const { net, unit } = p;
  const hidden: BatchedFeed = {
    name: 'encoder_hidden_states',
    data: cond.hidden,
    itemDims: [cond.tokens, cond.width],
  };
  const latents: BatchedFeed = {
    name: 'sample',
    data: sample,
    itemDims: [shape.channels, shape.height, shape.width],
  };
  const added = (cond.extra ?? []).filter((f) => net.addedInputs.includes(f.name));
  const batched = [latents, hidden, repeatHint(p.hint, n), ...added];
  const calls = net.fixedBatchOne && n > 1 ? n : 1;
  const per = n / calls;
  const outputs: Record<string, { data: Float32Array; dims: number[] }> = {};
  for (let c = 0; c < calls; c++) {
    const feeds: Record<string, ort.Tensor> = {
      ...feedTensors(
        net.session,
        batched.map((f) => (calls === 1 ? f : sliceItems(f, c * per, (c + 1) * per))),
      ),
      timestep: scalarTensor(net.timestep, t, per, 'controlnet timestep'),
    };
    if (net.scale)
      feeds.conditioning_scale = scalarTensor(
        net.scale,
        unit.scale,
        1,
        'controlnet conditioning_scale',
      );
    const out = await net.session.run(feeds, net.residuals);
    for (const name of net.residuals) {
      const tensor = out[name];
      const values = toFloat32(tensor);
      const dims = [...tensor.dims];
      if (!outputs[name]) {
        outputs[name] = {
          data: new Float32Array(values.length * calls),
          dims: [n, ...dims.slice(1)],
        };
      }
      outputs[name].data.set(values, c * values.length);
    }
  }
  // Without a conditioning_scale input the scale multiplies the residuals here, as diffusers'
  // ControlNetModel does inside its forward pass.
  if (!net.scale && unit.scale !== 1) {
    for (const r of Object.values(outputs))
      for (let i = 0; i < r.data.length; i++) r.data[i] *= unit.scale;
  }
  return outputs;
}

async function sumResiduals(
  active: PreparedUnit[],
  sample: Float32Array,
  n: number,
  t: number,
  cond: Conditioning,
  shape: LatentShape,
): Promise<BatchedFeed[]> {
  const sums = new Map<string, { data: Float32Array; dims: number[] }>();
  for (const p of active) {
    const outputs = await runControlNet(p, sample, n, t, cond, shape);
    for (const [name, r] of Object.entries(outputs)) {
      const acc = sums.get(name);
      if (!acc) sums.set(name, { data: Float32Array.from(r.data), dims: r.dims });
      else for (let i = 0; i < acc.data.length; i++) acc.data[i] += r.data[i];
    }
  }
  return [...sums].map(([name, r]) => ({ name, data: r.data, itemDims: r.dims.slice(1) }));
}

/**
 * Zero residuals for a model whose own unet takes them, at steps without an active unit. Down
 * residual j sits at downsampling level ⌊j/3⌋ (conv_in + 3 per block; the mid block at the last
 * level), so its size is ⌈h/2^level⌉ × ⌈w/2^level⌉ (docs/onnx-contract.md §3).
 */
export function zeroResiduals(
  model: LoadedModel,
  shape: LatentShape,
): ((n: number) => BatchedFeed[]) | undefined {
  const names = residualInputs(model.unet.session);
  if (names.length === 0) return undefined;
  const downs = names.length - 1;
  const specs = names.map((name, j) => {
    const meta = model.unet.session.inputs.find((m) => m.name === name)!;
    const channels = meta.shape[1];
    if (typeof channels !== 'number') {
      throw new EmulsionError(
        'MODEL_CONTRACT',
        `${model.unet.session.file} takes ${name} with an undeclared channel count, so Emulsion ` +
          'cannot run it without a ControlNet.',
        { file: model.unet.session.file },
      );
    }
    const level = Math.floor((j < downs ? j : downs - 1) / 3);
    const scale = 2 ** level;
    return {
      name,
      itemDims: [channels, Math.ceil(shape.height / scale), Math.ceil(shape.width / scale)],
    };
  });
  return (n) =>
    specs.map((s) => ({ ...s, data: new Float32Array(n * s.itemDims.reduce((a, b) => a * b, 1)) }));
}
