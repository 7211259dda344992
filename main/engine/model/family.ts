/**
 * Which kind of Stable Diffusion a folder holds, and the defaults that follow from it.
 *
 * The family comes from the folder first (text_encoder_2 → SDXL; cross_attention_dim 768/1024 →
 * SD 1.x/2.x; docs/onnx-contract.md §1) and is then confirmed by the UNet's ONNX inputs once the
 * session is open: `text_embeds` + `time_ids` (SDXL, 5 time ids for the refiner), `timestep_cond`
 * (LCM, §2.5), a 9-channel `sample` (inpainting) and ControlNet residual inputs (§3).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { EmulsionError } from '../../../common/errors.ts';
import type { GenerateRequest } from '../../../common/generation.ts';
import type { LoadedSession } from '../ort/session.ts';
import type { TensorMeta } from '../ort/tensors.ts';

export type Family = 'sd1' | 'sd2' | 'sdxl' | 'sdxl-refiner' | 'unknown';

export interface ModelTraits {
  family: Family;
  /** SD-Turbo / SDXL-Turbo: trailing timestep spacing, 1–4 steps, no CFG (§2.5). */
  turbo: boolean;
  /** An LCM-distilled UNet: guidance enters as the `timestep_cond` embedding, never as CFG. */
  lcm: boolean;
  /** A 9-channel inpainting UNet: latents ‖ mask ‖ masked-image latents. */
  inpaint: boolean;
}

export type FamilyDefaults = Pick<
  GenerateRequest,
  'width' | 'height' | 'steps' | 'cfg' | 'scheduler'
>;

type Json = Record<string, unknown>;

function readJson(file: string): Json | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Json)
      : undefined;
  } catch {
    return undefined;
  }
}

export interface FolderConfigs {
  index?: Json;
  unet?: Json;
  scheduler?: Json;
  hasTextEncoder: boolean;
  hasTextEncoder2: boolean;
}

export function readFolderConfigs(root: string): FolderConfigs {
  return {
    index: readJson(path.join(root, 'model_index.json')),
    unet: readJson(path.join(root, 'unet', 'config.json')),
    scheduler: readJson(path.join(root, 'scheduler', 'scheduler_config.json')),
    hasTextEncoder: existsSync(path.join(root, 'text_encoder', 'model.onnx')),
    hasTextEncoder2: existsSync(path.join(root, 'text_encoder_2', 'model.onnx')),
  };
}

/** Traits from the folder's files alone, without opening a session (for the model list). */
export function traitsFromConfigs(c: FolderConfigs): ModelTraits {
  const width = c.unet?.cross_attention_dim;
  let family: Family = 'unknown';
  if (c.hasTextEncoder2) family = c.hasTextEncoder ? 'sdxl' : 'sdxl-refiner';
  else if (c.index?.requires_aesthetics_score === true || width === 1280) family = 'sdxl-refiner';
  else if (width === 2048) family = 'sdxl';
  else if (width === 1024) family = 'sd2';
  else if (width === 768 || (c.unet === undefined && c.hasTextEncoder)) family = 'sd1';
  return {
    family,
    turbo: c.scheduler?.timestep_spacing === 'trailing',
    lcm:
      typeof c.unet?.time_cond_proj_dim === 'number' || c.scheduler?._class_name === 'LCMScheduler',
    inpaint: c.unet?.in_channels === 9,
  };
}

/** Names of the ControlNet residual inputs a UNet declares, in order (down 0..n−1, then mid). */
export function residualInputs(session: LoadedSession): string[] {
  const down = session.inputs
    .map((m) => /^down_block_(\d+)_additional_residual$/.exec(m.name))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
  const names = down.map((i) => `down_block_${i}_additional_residual`);
  if (session.inputs.some((m) => m.name === 'mid_block_additional_residual')) {
    names.push('mid_block_additional_residual');
  }
  return names;
}

const BASE_INPUTS = new Set(['sample', 'timestep', 'encoder_hidden_states']);
const SDXL_INPUTS = new Set(['text_embeds', 'time_ids']);

function input(session: LoadedSession, name: string): TensorMeta | undefined {
  return session.inputs.find((m) => m.name === name);
}

/**
 * Confirms the traits with the UNet's declared inputs, which are what the engine must feed.
 * An input Emulsion cannot feed is a MODEL_CONTRACT error here, before any generation.
 */
export function traitsFromUnet(
  configs: ModelTraits,
  unet: LoadedSession,
  requiresAestheticsScore: boolean,
): ModelTraits {
  const traits = { ...configs };
  const residuals = new Set(residualInputs(unet));
  const unknown = unet.inputs
    .map((m) => m.name)
    .filter(
      (n) =>
        !BASE_INPUTS.has(n) && !SDXL_INPUTS.has(n) && n !== 'timestep_cond' && !residuals.has(n),
    );
  if (unknown.length > 0) {
    const fused = unknown.includes('controlnet_conds');
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${unet.component} (${unet.file}) declares input${unknown.length > 1 ? 's' : ''} ` +
        `${unknown.map((n) => `\`${n}\``).join(', ')}, which Emulsion cannot feed. ` +
        (fused
          ? "This is the diffusers script's fused ControlNet UNet; use a separate ControlNet and a residual-taking UNet (OnnxStack convention, docs/onnx-contract.md §3)."
          : 'Supported extra inputs: text_embeds, time_ids, timestep_cond and ControlNet residuals.'),
      { file: unet.file },
    );
  }
  const timeIds = input(unet, 'time_ids');
  if (input(unet, 'text_embeds') && timeIds) {
    const count = timeIds.shape[1];
    const refiner = count === 5 || (typeof count !== 'number' && requiresAestheticsScore);
    traits.family = refiner ? 'sdxl-refiner' : 'sdxl';
  } else if (input(unet, 'text_embeds') || timeIds) {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${unet.component} (${unet.file}) declares only one of text_embeds and time_ids; an SDXL UNet takes both.`,
      { file: unet.file },
    );
  } else if (traits.family === 'sdxl' || traits.family === 'sdxl-refiner') {
    throw new EmulsionError(
      'MODEL_CONTRACT',
      `${unet.component} (${unet.file}) has no text_embeds/time_ids inputs, but the folder has ` +
        'text_encoder_2 (an SDXL layout). The unet and text encoders come from different models.',
      { file: unet.file },
    );
  }
  const timestepCond = input(unet, 'timestep_cond');
  traits.lcm = timestepCond !== undefined;
  const channels = input(unet, 'sample')?.shape[1];
  if (typeof channels === 'number') traits.inpaint = channels === 9;
  return traits;
}

/** The generic defaults, which suit SD 1.x at 512 px. */
const GENERIC: FamilyDefaults = {
  width: 512,
  height: 512,
  steps: 20,
  cfg: 7,
  scheduler: 'Euler a',
};

const FAMILY_SIZE: Record<Family, number> = {
  sd1: 512,
  sd2: 768,
  sdxl: 1024,
  'sdxl-refiner': 1024,
  unknown: 512,
};

/**
 * Defaults for a request that leaves these fields out. Size comes from the UNet's sample_size
 * (× 8) or the family; steps, CFG and scheduler change only for the few-step models, whose
 * generic values would be wrong rather than merely slow:
 * - Turbo: 4 steps at CFG 0 (no CFG batch) with Euler a on trailing spacing at 512 px
 *   (diffusers sdxl_turbo docs; onnx-contract §2.5);
 * - LCM: 4 steps with the LCM scheduler; CFG 8.5 is diffusers' LatentConsistencyModelPipeline
 *   default, which enters as the w-embedding w = 7.5, not as CFG.
 */
export function familyDefaults(traits: ModelTraits, unetConfig?: Json): FamilyDefaults {
  const sampleSize = unetConfig?.sample_size;
  const size = typeof sampleSize === 'number' ? sampleSize * 8 : FAMILY_SIZE[traits.family];
  const out: FamilyDefaults = { ...GENERIC, width: size, height: size };
  if (traits.turbo) Object.assign(out, { width: 512, height: 512, steps: 4, cfg: 0 });
  if (traits.lcm) Object.assign(out, { steps: 4, cfg: 8.5, scheduler: 'LCM' });
  return out;
}

/**
 * Defaults for a job on `root`, or none when the folder cannot be read (the pipeline reports the
 * folder's problem itself, with its own error).
 */
export function requestDefaults(root: unknown): Partial<FamilyDefaults> {
  if (typeof root !== 'string' || root === '' || !existsSync(root)) return {};
  const configs = readFolderConfigs(root);
  if (!configs.index) return {};
  return familyDefaults(traitsFromConfigs(configs), configs.unet);
}
