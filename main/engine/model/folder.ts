/**
 * Reading a model folder in the diffusers ONNX layout (docs/onnx-contract.md §1): which components
 * exist, their configs, and the documented defaults for exports that ship no per-component
 * config.json (the legacy diffusers script, OnnxStack).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EmulsionError } from '../../../common/errors.ts';

export type Json = Record<string, unknown>;

export interface ModelFolder {
  root: string;
  name: string;
  index: Json;
  /** Absolute paths of each component's model.onnx, when present. */
  files: {
    /** Absent in an SDXL refiner, which ships only text_encoder_2. */
    textEncoder?: string;
    textEncoder2?: string;
    unet: string;
    vaeDecoder: string;
    vaeEncoder?: string;
    safetyChecker?: string;
    /** OnnxStack's ControlNet UNet: the UNet that takes ControlNet residuals (§3). */
    controlUnet?: string;
  };
  /** The first text encoder's tokenizer (tokenizer_2 in a refiner, which has no other). */
  tokenizerDir: string;
  tokenizer2Dir?: string;
  schedulerConfig: Json;
  unetConfig: Json;
  vaeConfig: Json;
  /** latents × scalingFactor after encoding, ÷ before decoding. */
  scalingFactor: number;
  /** 2^(len(block_out_channels) − 1): pixels per latent cell. */
  vaeScaleFactor: number;
}

/** SD 1.5's scheduler file, used when a legacy export ships none. */
export const SD15_SCHEDULER_CONFIG: Json = {
  _class_name: 'PNDMScheduler',
  beta_end: 0.012,
  beta_schedule: 'scaled_linear',
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  clip_sample: false,
};

function readJson(file: string, what: string, required: boolean): Json | undefined {
  if (!existsSync(file)) {
    if (!required) return undefined;
    throw new EmulsionError('MODEL_INVALID', `${what} is missing: expected ${file}.`, { file });
  }
  const text = readFileSync(file, 'utf8');
  if (text.trim() === '') {
    throw new EmulsionError('MODEL_INVALID', `${what} is empty: ${file} must hold a JSON object.`, {
      file,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new EmulsionError(
      'MODEL_INVALID',
      `${what} is not valid JSON (${(err as Error).message}): ${file}.`,
      { file },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EmulsionError('MODEL_INVALID', `${what} must hold a JSON object: ${file}.`, { file });
  }
  return value as Json;
}

function componentFile(root: string, component: string, required: true): string;
function componentFile(root: string, component: string, required: false): string | undefined;
function componentFile(root: string, component: string, required: boolean): string | undefined {
  const file = path.join(root, component, 'model.onnx');
  if (existsSync(file)) return file;
  if (!required) return undefined;
  throw new EmulsionError(
    'MODEL_INVALID',
    `The model folder has no ${component}: expected ${file}. A diffusers ONNX export has ` +
      `text_encoder/, unet/ and vae_decoder/ folders, each with a model.onnx.`,
    { file },
  );
}

export function readModelFolder(root: string): ModelFolder {
  const dir = path.resolve(root);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new EmulsionError('MODEL_INVALID', `Model folder ${dir} does not exist.`, {
      field: 'model',
      received: root,
      file: dir,
    });
  }
  const index = readJson(path.join(dir, 'model_index.json'), 'model_index.json', true)!;
  if (Object.keys(index).length === 0) {
    throw new EmulsionError(
      'MODEL_INVALID',
      `model_index.json in ${dir} is an empty object; it must name the pipeline's components.`,
      { file: path.join(dir, 'model_index.json') },
    );
  }
  // An SDXL refiner ships only text_encoder_2 and tokenizer_2 (onnx-contract.md §1).
  const textEncoder2 = componentFile(dir, 'text_encoder_2', false);
  const files = {
    textEncoder: textEncoder2
      ? componentFile(dir, 'text_encoder', false)
      : componentFile(dir, 'text_encoder', true),
    textEncoder2,
    unet: componentFile(dir, 'unet', true),
    vaeDecoder: componentFile(dir, 'vae_decoder', true),
    vaeEncoder: componentFile(dir, 'vae_encoder', false),
    safetyChecker: componentFile(dir, 'safety_checker', false),
    controlUnet: componentFile(dir, 'controlnet', false),
  };
  const tokenizer2Dir = existsSync(path.join(dir, 'tokenizer_2', 'vocab.json'))
    ? path.join(dir, 'tokenizer_2')
    : undefined;
  const tokenizerDir =
    files.textEncoder === undefined && tokenizer2Dir ? tokenizer2Dir : path.join(dir, 'tokenizer');
  if (!existsSync(path.join(tokenizerDir, 'vocab.json'))) {
    throw new EmulsionError(
      'MODEL_INVALID',
      `The model folder has no tokenizer: expected ${path.join(tokenizerDir, 'vocab.json')}.`,
      { file: path.join(tokenizerDir, 'vocab.json') },
    );
  }
  const schedulerConfig =
    readJson(path.join(dir, 'scheduler', 'scheduler_config.json'), 'scheduler config', false) ??
    SD15_SCHEDULER_CONFIG;
  const unetConfig = readJson(path.join(dir, 'unet', 'config.json'), 'unet config', false) ?? {};
  const vaeConfig =
    readJson(path.join(dir, 'vae_decoder', 'config.json'), 'vae_decoder config', false) ??
    readJson(path.join(dir, 'vae_encoder', 'config.json'), 'vae_encoder config', false) ??
    {};
  // Without a VAE config, SDXL's VAE (a text_encoder_2 folder) scales by 0.13025 and the SD 1/2
  // VAE by 0.18215 (diffusers AutoencoderKL default; OnnxStack ModelFactory for SDXL).
  const scalingFactor =
    typeof vaeConfig.scaling_factor === 'number'
      ? vaeConfig.scaling_factor
      : textEncoder2
        ? 0.13025
        : 0.18215;
  const blocks = Array.isArray(vaeConfig.block_out_channels)
    ? vaeConfig.block_out_channels.length
    : 4;
  return {
    root: dir,
    name: path.basename(dir),
    index,
    files,
    tokenizerDir,
    tokenizer2Dir,
    schedulerConfig,
    unetConfig,
    vaeConfig,
    scalingFactor,
    vaeScaleFactor: 2 ** (blocks - 1),
  };
}
