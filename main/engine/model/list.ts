/**
 * Model discovery for the model picker: every folder with a model_index.json directly inside the
 * given directories, plus the bundled demo model. Family and defaults come from the configs alone,
 * without loading any ONNX session.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { demoModelPath } from '../../demo-model/index.ts';
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
  const hasTe1 = existsSync(path.join(root, 'text_encoder', 'model.onnx'));
  const hasTe2 = existsSync(path.join(root, 'text_encoder_2', 'model.onnx'));
  if (hasTe2) return hasTe1 ? 'sdxl' : 'sdxl-refiner';
  const unet = readJson(path.join(root, 'unet', 'config.json'));
  const width = unet?.cross_attention_dim;
  if (width === 1024) return 'sd2';
  if (width === 768 || !unet) return hasTe1 ? 'sd1' : 'unknown';
  return 'unknown';
}

export function describeModel(root: string, bundled = false): ModelInfo {
  const family = detectFamily(root);
  const defaults = { ...DEFAULTS[family] };
  const unet = readJson(path.join(root, 'unet', 'config.json'));
  if (typeof unet?.sample_size === 'number') {
    defaults.width = defaults.height = unet.sample_size * 8;
  }
  const scheduler = readJson(path.join(root, 'scheduler', 'scheduler_config.json'));
  // Turbo models ship trailing spacing and want few steps without CFG (diffusers sdxl_turbo docs).
  if (scheduler?.timestep_spacing === 'trailing')
    Object.assign(defaults, { steps: 4, cfg: 1, scheduler: 'Euler a' });
  return { path: root, name: path.basename(root), family, defaults, bundled };
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
