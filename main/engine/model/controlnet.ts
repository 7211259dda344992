/**
 * ControlNet models in the OnnxStack convention (docs/onnx-contract.md §3 A): a separate
 * ControlNet (sample, timestep, encoder_hidden_states, controlnet_cond [B,3,H,W] in [0,1] and an
 * optional conditioning_scale → down_block_{i}_additional_residual, mid_block_additional_residual)
 * feeding a UNet that takes those residuals by name. The residual-taking UNet is the model's own
 * unet/ when it declares the residual inputs, else OnnxStack's `controlnet/model.onnx` in the
 * model folder. Everything is checked when the job starts, so a ControlNet that does not fit the
 * model fails with one MODEL_CONTRACT error before the first step.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { EmulsionError } from '../../../common/errors.ts';
import { loadSession, type LoadedSession } from '../ort/session.ts';
import type { TensorMeta } from '../ort/tensors.ts';
import { checkUnet, fixedLastDim, requireInput, type UnetContract } from './contract.ts';
import { residualInputs, traitsFromUnet } from './family.ts';
import type { LoadedModel, ModelCache } from './loaded-model.ts';

export interface ControlNetModel {
  root: string;
  session: LoadedSession;
  timestep: TensorMeta;
  cond: TensorMeta;
  /** `conditioning_scale`, when the export takes the scale as an input (else it is applied here). */
  scale?: TensorMeta;
  /** Residual outputs, down blocks in order then mid. */
  residuals: string[];
  /** SDXL ControlNets also take text_embeds and time_ids. */
  addedInputs: string[];
  fixedBatchOne: boolean;
}

export interface ControlUnet {
  session: LoadedSession;
  contract: UnetContract;
  residuals: string[];
}

const FLOAT = ['float32', 'float16'];
const KNOWN = new Set([
  'sample',
  'timestep',
  'encoder_hidden_states',
  'controlnet_cond',
  'conditioning_scale',
  'text_embeds',
  'time_ids',
]);

function contractError(message: string, field: string, file?: string): EmulsionError {
  return new EmulsionError('MODEL_CONTRACT', message, { field, ...(file ? { file } : {}) });
}

/** `dir/model.onnx`, or the .onnx file itself. */
export function controlNetFile(dir: string, field: string): string {
  const resolved = path.resolve(dir);
  const file =
    existsSync(resolved) && statSync(resolved).isFile()
      ? resolved
      : path.join(resolved, 'model.onnx');
  if (!existsSync(file)) {
    throw new EmulsionError(
      'MODEL_INVALID',
      `ControlNet ${resolved} has no model.onnx; give the folder of an OnnxStack-style ControlNet ` +
        '(model.onnx with controlnet_cond in and down_block_*_additional_residual out).',
      { field, received: dir, file },
    );
  }
  return file;
}

/** Reads a loaded ControlNet session's interface; `field` names the request field for errors. */
export function checkControlNet(session: LoadedSession, root: string, field: string) {
  const where = `ControlNet ${session.file}`;
  const unknown = session.inputs.map((m) => m.name).filter((n) => !KNOWN.has(n));
  if (unknown.length > 0) {
    throw contractError(
      `${where} declares input ${unknown.map((n) => `\`${n}\``).join(', ')}, which Emulsion ` +
        "cannot feed; the supported ControlNet convention is OnnxStack's (docs/onnx-contract.md §3).",
      field,
      session.file,
    );
  }
  const sample = requireInput(session, 'sample', FLOAT, 4);
  const timestep = requireInput(session, 'timestep', [...FLOAT, 'int64', 'int32', 'float64']);
  requireInput(session, 'encoder_hidden_states', FLOAT, 3);
  const cond = requireInput(session, 'controlnet_cond', FLOAT, 4);
  if (typeof cond.shape[1] === 'number' && cond.shape[1] !== 3) {
    throw contractError(
      `${where} takes controlnet_cond with ${cond.shape[1]} channels; Emulsion gives RGB hints (3).`,
      field,
      session.file,
    );
  }
  const scale = session.inputs.find((m) => m.name === 'conditioning_scale');
  if (scale && !['float32', 'float16', 'float64'].includes(scale.type)) {
    throw contractError(
      `${where} input conditioning_scale has dtype ${scale.type}; expected a float.`,
      field,
      session.file,
    );
  }
  const outputs = new Set(session.outputs.map((m) => m.name));
  const down: string[] = [];
  for (let i = 0; outputs.has(`down_block_${i}_additional_residual`); i++) {
    down.push(`down_block_${i}_additional_residual`);
  }
  if (down.length === 0 || !outputs.has('mid_block_additional_residual')) {
    throw contractError(
      `${where} has no down_block_0_additional_residual … mid_block_additional_residual outputs ` +
        `(found: ${[...outputs].join(', ')}). If this is a model folder's controlnet/ UNet, give ` +
        'the ControlNet itself instead.',
      field,
      session.file,
    );
  }
  const net: ControlNetModel = {
    root,
    session,
    timestep,
    cond,
    ...(scale ? { scale } : {}),
    residuals: [...down, 'mid_block_additional_residual'],
    addedInputs: ['text_embeds', 'time_ids'].filter((n) =>
      session.inputs.some((m) => m.name === n),
    ),
    fixedBatchOne: sample.shape[0] === 1,
  };
  return net;
}

/**
 * The UNet that takes residuals for `model`: its own unet when that declares them, else the
 * folder's controlnet/model.onnx (opened once and kept with the model).
 */
export async function attachControlUnet(
  cache: ModelCache,
  model: LoadedModel,
  onLoading?: (component: string) => void,
): Promise<ControlUnet> {
  const own = residualInputs(model.unet.session);
  if (own.length > 0) return { ...model.unet, residuals: own };
  const cached = model.attached.get('controlnet-unet') as ControlUnet | undefined;
  if (cached) return cached;
  const file = model.folder.files.controlUnet;
  if (!file) {
    throw contractError(
      `${model.folder.root} cannot take a ControlNet: its unet declares no ControlNet residual ` +
        'inputs and the folder has no controlnet/model.onnx (the UNet variant that adds them; ' +
        'docs/onnx-contract.md §3).',
      'control',
      model.folder.files.unet,
    );
  }
  onLoading?.('controlnet_unet');
  const session = await loadSession(file, 'controlnet_unet', model.requestedProvider, cache.clock);
  try {
    const contract = checkUnet(session, model.unet.contract.width);
    traitsFromUnet(model.traits, session, model.folder.index.requires_aesthetics_score === true);
    const residuals = residualInputs(session);
    if (residuals.length === 0) {
      throw contractError(
        `${file} declares no down_block_*_additional_residual inputs, so it cannot take ControlNet residuals.`,
        'control',
        file,
      );
    }
    const unet: ControlUnet = { session, contract, residuals };
    model.attached.set('controlnet-unet', unet);
    return unet;
  } catch (err) {
    await session.release();
    throw err;
  }
}

/** Opens (or reuses) the ControlNet in `dir` for `model`, checked against its residual UNet. */
export async function attachControlNet(
  cache: ModelCache,
  model: LoadedModel,
  unet: ControlUnet,
  dir: string,
  field: string,
  onLoading?: (component: string) => void,
): Promise<ControlNetModel> {
  const file = controlNetFile(dir, field);
  const key = `controlnet:${file}`;
  const cached = model.attached.get(key) as ControlNetModel | undefined;
  if (cached) {
    checkControlPairing(cached, unet, model, field);
    return cached;
  }
  onLoading?.('controlnet');
  const session = await loadSession(file, 'controlnet', model.requestedProvider, cache.clock);
  try {
    const net = checkControlNet(session, path.dirname(file), field);
    checkControlPairing(net, unet, model, field);
    model.attached.set(key, net);
    return net;
  } catch (err) {
    await session.release();
    throw err;
  }
}

function dimsText(meta: TensorMeta | undefined): string {
  return meta ? `[${meta.shape.join(', ')}]` : 'absent';
}

/**
 * The ControlNet must give exactly the residuals the UNet takes, with the same fixed channel and
 * size dims, and read the same text width and added inputs as the model.
 */
export function checkControlPairing(
  net: ControlNetModel,
  unet: ControlUnet,
  model: LoadedModel,
  field: string,
): void {
  const where = `ControlNet ${net.session.file}`;
  const have = net.residuals.length - 1;
  const want = unet.residuals.length - 1;
  if (have !== want || net.residuals.some((n, i) => n !== unet.residuals[i])) {
    throw contractError(
      `${where} gives ${have} down-block residuals but ${unet.session.file} takes ${want}. ` +
        'SD 1.x/2.x ControlNets give 12 and SDXL ControlNets 9 (docs/onnx-contract.md §3); this ' +
        `ControlNet was made for another model family than ${model.folder.name}.`,
      field,
      net.session.file,
    );
  }
  for (const name of net.residuals) {
    const out = net.session.outputs.find((m) => m.name === name);
    const input = unet.session.inputs.find((m) => m.name === name);
    const clash = out?.shape.some((d, k) => {
      const other = input?.shape[k];
      return typeof d === 'number' && typeof other === 'number' && d !== other && k > 0;
    });
    if (!out || !input || clash || out.shape.length !== input.shape.length) {
      throw contractError(
        `${where} output ${name} has shape ${dimsText(out)} but ${unet.session.file} takes ` +
          `${dimsText(input)}; the ControlNet does not fit this model.`,
        field,
        net.session.file,
      );
    }
  }
  const ehs = net.session.inputs.find((m) => m.name === 'encoder_hidden_states');
  const width = ehs ? fixedLastDim(ehs) : undefined;
  const modelWidth = model.unet.contract.width;
  if (width !== undefined && modelWidth !== undefined && width !== modelWidth) {
    throw contractError(
      `${where} reads text embeddings of width ${width}, but ${model.folder.name} gives width ` +
        `${modelWidth} (768 = SD 1.x, 1024 = SD 2.x, 2048 = SDXL).`,
      field,
      net.session.file,
    );
  }
  const sdxl = model.sdxlText !== undefined;
  if (sdxl !== (net.addedInputs.length === 2)) {
    throw contractError(
      sdxl
        ? `${where} lacks the text_embeds and time_ids inputs an SDXL ControlNet takes; ${model.folder.name} is SDXL.`
        : `${where} is an SDXL ControlNet (it takes ${net.addedInputs.join(' and ')}), but ${model.folder.name} is not SDXL.`,
      field,
      net.session.file,
    );
  }
}
