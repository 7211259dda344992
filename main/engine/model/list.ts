/**
 * Model discovery for the model picker: every folder with a model_index.json directly inside the
 * given directories, plus the bundled demo model. Family and defaults come from the configs alone,
 * without loading any ONNX session.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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
