/**
 * Model discovery for the model picker: every folder with a model_index.json directly inside the
 * given directories, plus the bundled demo model. Family and defaults come from the configs alone,
 * without loading any ONNX session.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { demoModelPath } from '../../demo-model/index.ts';
import { familyDefaults, readFolderConfigs, traitsFromConfigs } from './family.ts';
import type { ModelInfo } from '../worker/types.ts';

type Family = ModelInfo['family'];

const DEFAULTS: Record<Family, ModelInfo['defaults']> = {
  sd1: { width: 512, height: 512, steps: 25, cfg: 7.5, scheduler: 'DPM++ 2M Karras' },
  sd2: { width: 768, height: 768, steps: 25, cfg: 7.5, scheduler: 'DPM++ 2M Karras' },
  sdxl: { width: 1024, height: 1024, steps: 30, cfg: 7, scheduler: 'DPM++ 2M Karras' },
  'sdxl-refiner': { width: 1024, height: 1024, steps: 30, cfg: 7, scheduler: 'Euler' },
  unknown: { width: 512, height: 512, steps: 25, cfg: 7.5, scheduler: 'Euler a' },
};

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function detectFamily(root: string): Family {
  return traitsFromConfigs(readFolderConfigs(root)).family;
}

export function describeModel(root: string, bundled = false): ModelInfo {
  const configs = readFolderConfigs(root);
  const traits = traitsFromConfigs(configs);
  const defaults = { ...DEFAULTS[traits.family] };
  const unet = readJson(path.join(root, 'unet', 'config.json'));
  if (typeof unet?.sample_size === 'number') {
    defaults.width = defaults.height = unet.sample_size * 8;
  }
  // Turbo (trailing spacing) and LCM want few steps and no CFG batch: the engine's own family
  // defaults (family.ts) replace the table's.
  if (traits.turbo || traits.lcm) {
    const { width, height, steps, cfg, scheduler } = familyDefaults(traits, configs.unet);
    Object.assign(defaults, { width, height, steps, cfg, scheduler });
  }
  return {
    path: root,
    name: path.basename(root),
    family: traits.family,
    defaults,
    bundled,
    traits: { turbo: traits.turbo, lcm: traits.lcm, inpaint: traits.inpaint },
  };
}

export async function listModels(directories: string[]): Promise<ModelInfo[]> {
  const found: ModelInfo[] = [];
  const demo = demoModelPath();
  if (existsSync(path.join(demo, 'model_index.json'))) found.push(describeModel(demo, true));
  for (const dir of directories) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const root = path.resolve(dir, entry.name);
      if (!entry.isDirectory() || root === demo) continue;
      if (existsSync(path.join(root, 'model_index.json'))) found.push(describeModel(root));
    }
  }
  return found;
}

/** A ControlNet folder in the OnnxStack layout (model.onnx with a controlnet_cond input). */
export interface ControlNetInfo {
  path: string;
  name: string;
  /** Text-encoder width from config.json (768 SD 1.x, 1024 SD 2.x, 2048 SDXL), when given. */
  crossAttentionDim?: number;
  /** What hint the model expects, from config.json's `_emulsion.hint`, when given. */
  hint?: string;
}

/**
 * Above this size model.onnx holds its weights inline, and scanning it for an input name would
 * read gigabytes; such a folder needs config.json's `_class_name: "ControlNetModel"` marker.
 * Files with external data (model.onnx.data) are a few kilobytes to megabytes.
 */
const SCAN_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * Whether model.onnx names a `controlnet_cond` input. The graph's input names are stored as
 * plain UTF-8 strings in the protobuf, so a byte search finds them without parsing the model.
 */
function mentionsControlCond(file: string): boolean {
  try {
    if (statSync(file).size > SCAN_LIMIT_BYTES) return false;
    return readFileSync(file).includes('controlnet_cond');
  } catch {
    return false;
  }
}

/** Describes `root` when it is a ControlNet folder, else undefined. Reads files only. */
export function describeControlNet(root: string): ControlNetInfo | undefined {
  const onnx = path.join(root, 'model.onnx');
  if (!existsSync(onnx) || existsSync(path.join(root, 'model_index.json'))) return undefined;
  const config = readJson(path.join(root, 'config.json'));
  if (config?._class_name !== 'ControlNetModel' && !mentionsControlCond(onnx)) return undefined;
  const info: ControlNetInfo = { path: root, name: path.basename(root) };
  if (typeof config?.cross_attention_dim === 'number') {
    info.crossAttentionDim = config.cross_attention_dim;
  }
  const extra = config?._emulsion as Record<string, unknown> | undefined;
  if (typeof extra?.hint === 'string') info.hint = extra.hint;
  return info;
}

/** Every ControlNet folder directly inside the given directories, each listed once. */
export async function listControlNets(directories: string[]): Promise<ControlNetInfo[]> {
  const found = new Map<string, ControlNetInfo>();
  for (const dir of directories) {
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const root = path.resolve(dir, entry.name);
      if (!entry.isDirectory() || found.has(root)) continue;
      const info = describeControlNet(root);
      if (info) found.set(root, info);
    }
  }
  return [...found.values()];
}
