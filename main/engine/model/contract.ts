/**
 * Checks each session's declared inputs and outputs against the contract of docs/onnx-contract.md
 * §2.2 before any generation starts, so a wrong export fails with one message naming the file, the
 * input, and the expected against the found dtype or shape.
 */
import { EmulsionError } from '../../../common/errors.ts';
import type { LoadedSession } from '../ort/session.ts';
import type { TensorMeta } from '../ort/tensors.ts';

const FLOAT = ['float32', 'float16'];
const INT = ['int32', 'int64'];
const TIMESTEP = ['float32', 'float16', 'int64', 'int32', 'float64'];

export function findInput(session: LoadedSession, name: string): TensorMeta | undefined {
  return session.inputs.find((m) => m.name === name);
}

export function requireInput(
  session: LoadedSession,
  name: string,
  dtypes: readonly string[],
  rank?: number,
): TensorMeta {
  const meta = findInput(session, name);
  if (!meta) {
    const found = session.inputs.map((m) => m.name).join(', ');
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${session.component} (${session.file}) has no input \`${name}\`; its inputs are: ${found}.`,
      { file: session.file },
    );
  }
  if (!dtypes.includes(meta.type)) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${session.component} (${session.file}) input \`${name}\` has dtype ${meta.type}; ` +
        `expected ${dtypes.join(' or ')}.`,
      { file: session.file },
    );
  }
  if (rank !== undefined && meta.shape.length !== rank) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${session.component} (${session.file}) input \`${name}\` has shape [${meta.shape.join(', ')}]; ` +
        `expected rank ${rank}.`,
      { file: session.file },
    );
  }
  return meta;
}

export function requireOutput(session: LoadedSession, names: readonly string[]): TensorMeta {
  const meta = session.outputs.find((m) => names.includes(m.name));
  if (!meta) {
    const found = session.outputs.map((m) => m.name).join(', ');
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${session.component} (${session.file}) has no output named ${names.join(' or ')}; ` +
        `its outputs are: ${found}.`,
      { file: session.file },
    );
  }
  return meta;
}

/** The last dimension when it is a fixed number, e.g. the text width 768/1024/2048. */
export function fixedLastDim(meta: TensorMeta): number | undefined {
  const last = meta.shape[meta.shape.length - 1];
  return typeof last === 'number' && last > 0 ? last : undefined;
}

export interface TextEncoderContract {
  idsType: string;
  hiddenOutput: string;
  width?: number;
}

export function checkTextEncoder(session: LoadedSession): TextEncoderContract {
  const ids = requireInput(session, 'input_ids', INT, 2);
  const hidden = requireOutput(session, ['last_hidden_state']);
  return { idsType: ids.type, hiddenOutput: hidden.name, width: fixedLastDim(hidden) };
}

export interface UnetContract {
  sampleType: string;
  timestep: TensorMeta;
  hiddenType: string;
  width?: number;
  channels?: number;
  output: string;
  /** Extra inputs beyond the SD1/2 trio (SDXL text_embeds/time_ids, LCM timestep_cond, residuals). */
  extraInputs: string[];
  /** A literal batch of 1 means cond and uncond must run as two calls (§2.2). */
  fixedBatchOne: boolean;
  /** Latent height and width when the export fixes them (NPU builds), else undefined. */
  fixedLatentSize?: { height: number; width: number };
}

export function checkUnet(session: LoadedSession, textWidth: number | undefined): UnetContract {
  const sample = requireInput(session, 'sample', FLOAT, 4);
  const timestep = requireInput(session, 'timestep', TIMESTEP);
  if (timestep.shape.length > 1) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${session.component} (${session.file}) input \`timestep\` has shape [${timestep.shape.join(', ')}]; ` +
        `expected a scalar or [batch].`,
      { file: session.file },
    );
  }
  const hidden = requireInput(session, 'encoder_hidden_states', FLOAT, 3);
  const width = fixedLastDim(hidden);
  if (width !== undefined && textWidth !== undefined && width !== textWidth) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${session.component} (${session.file}) expects encoder_hidden_states of width ${width}, but ` +
        `the text encoder produces width ${textWidth}. The unet and text_encoder come from different models.`,
      { file: session.file },
    );
  }
  const out = requireOutput(session, ['out_sample', 'noise_pred']);
  const channels = typeof sample.shape[1] === 'number' ? sample.shape[1] : undefined;
  const known = new Set(['sample', 'timestep', 'encoder_hidden_states']);
  return {
    sampleType: sample.type,
    timestep,
    hiddenType: hidden.type,
    width,
    channels,
    output: out.name,
    extraInputs: session.inputs.map((m) => m.name).filter((n) => !known.has(n)),
    fixedBatchOne: sample.shape[0] === 1,
    ...(typeof sample.shape[2] === 'number' && typeof sample.shape[3] === 'number'
      ? { fixedLatentSize: { height: sample.shape[2], width: sample.shape[3] } }
      : {}),
  };
}

export interface VaeDecoderContract {
  latentType: string;
  output: string;
}

export function checkVaeDecoder(session: LoadedSession): VaeDecoderContract {
  const latent = requireInput(session, 'latent_sample', FLOAT, 4);
  const out = requireOutput(session, ['sample']);
  return { latentType: latent.type, output: out.name };
}

export interface VaeEncoderContract {
  sampleType: string;
  /** `latent_sample` (sampled in the graph) or `latent_parameters` (mean ‖ logvar). */
  output: 'latent_sample' | 'latent_parameters';
}

export function checkVaeEncoder(session: LoadedSession): VaeEncoderContract {
  const sample = requireInput(session, 'sample', FLOAT, 4);
  const out = requireOutput(session, ['latent_parameters', 'latent_sample']);
  return { sampleType: sample.type, output: out.name as VaeEncoderContract['output'] };
}
