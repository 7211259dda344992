/**
 * Builds the three demo folders in memory: a pure function of the design, the code and the CLIP
 * vocabulary, so the same inputs give the same bytes (no clocks, no randomness, no Python).
 */
import { serializeModel, type GraphBuilder, type SaveOptions } from '../onnx-builder/index.ts';
import { baseCard, controlNetCard, refinerCard } from './card.ts';
import * as configs from './configs.ts';
import { buildControlNet } from './controlnet.ts';
import type { DemoKind } from './folders.ts';
import { sceneSet } from './dataset.ts';
import { buildTextEncoder } from './text-encoder.ts';
import { buildUnet } from './unet.ts';
import { buildVaeDecoder, buildVaeEncoder } from './vae.ts';

/** Opset 17 (ORT 1.30 accepts ≤ 26); IR 8 matches onnx-proto's ONNX 1.10 schema. */
const MODEL_OPTIONS = { opset: 17, irVersion: 8, producerName: 'emulsion-demo-model' } as const;

/** The CLIP tokenizer files copied into tokenizer/ (vocab.json also drives the text encoder). */
export interface ClipFiles {
  vocabJson: Uint8Array;
  merges: Uint8Array;
  notice: Uint8Array;
}

/** Relative path (with '/') → bytes, for one model folder. */
export type FolderFiles = Map<string, Uint8Array>;

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const json = (v: unknown): Uint8Array => text(JSON.stringify(v, null, 2) + '\n');

function addModel(
  files: FolderFiles,
  dir: string,
  g: GraphBuilder,
  extra: Partial<SaveOptions> = {},
) {
  const prefix = dir === '' ? '' : `${dir}/`;
  const { model, data } = serializeModel(g, { ...MODEL_OPTIONS, ...extra });
  files.set(`${prefix}${extra.fileName ?? 'model.onnx'}`, model);
  if (data !== undefined && extra.externalData) files.set(`${prefix}${extra.externalData}`, data);
}

function parseVocab(bytes: Uint8Array): Map<string, number> {
  const obj = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, number>;
  return new Map(Object.entries(obj));
}

/** A full SD 1.x pipeline folder (tokenizer, text encoder, UNet, VAE) over one scene set. */
function pipelineFolder(kind: 'base' | 'refiner', clip: ClipFiles): FolderFiles {
  const files: FolderFiles = new Map();
  const set = sceneSet(kind);
  files.set('README.md', text(kind === 'base' ? baseCard() : refinerCard()));
  files.set('model_index.json', json(configs.modelIndex()));
  files.set('scheduler/scheduler_config.json', json(configs.schedulerConfig()));
  files.set('tokenizer/vocab.json', clip.vocabJson);
  files.set('tokenizer/merges.txt', clip.merges);
  files.set('tokenizer/NOTICE', clip.notice);
  files.set('tokenizer/special_tokens_map.json', json(configs.specialTokensMap()));
  files.set('tokenizer/tokenizer_config.json', json(configs.tokenizerConfig()));
  files.set('text_encoder/config.json', json(configs.textEncoderConfig()));
  addModel(files, 'text_encoder', buildTextEncoder(parseVocab(clip.vocabJson)));
  files.set('unet/config.json', json(configs.unetConfig(kind)));
  // Three external-data names are in use in the wild (onnx-contract.md §1); cover two here.
  const unetData = kind === 'base' ? 'model.onnx_data' : 'weights.pb';
  addModel(files, 'unet', buildUnet(set), { externalData: unetData });
  files.set('vae_encoder/config.json', json(configs.vaeConfig()));
  addModel(files, 'vae_encoder', buildVaeEncoder());
  files.set('vae_decoder/config.json', json(configs.vaeConfig()));
  addModel(files, 'vae_decoder', buildVaeDecoder());
  if (kind === 'base') {
    files.set('controlnet/config.json', json(configs.unetConfig('controlnet-unet')));
    addModel(files, 'controlnet', buildUnet(set, { controlnet: true }), {
      externalData: 'model.onnx.data',
    });
  }
  return files;
}

function controlNetFolder(): FolderFiles {
  const files: FolderFiles = new Map();
  files.set('README.md', text(controlNetCard()));
  files.set('config.json', json(configs.controlNetConfig()));
  addModel(files, '', buildControlNet(sceneSet('base')), { externalData: 'model.onnx.data' });
  return files;
}

/** All three folders, keyed by kind. */
export function buildDemoModels(clip: ClipFiles): Record<DemoKind, FolderFiles> {
  return {
    base: pipelineFolder('base', clip),
    controlnet: controlNetFolder(),
    refiner: pipelineFolder('refiner', clip),
  };
}
