/**
 * Shared helpers for the engine acceptance tests: contract fixtures in a temp dir, small requests,
 * PNG decoding, event capture, and a recorder of every onnxruntime `session.run` (feeds and
 * outputs), so a test can read back exactly what the engine fed each session.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { EmulsionError } from '../../../common/errors.ts';
import type { GenerateResult, JobEvent } from '../../../common/generation.ts';
import type { Engine } from '../../../main/engine/engine.ts';
import type { GenerateInput } from '../../../main/engine/worker/types.ts';
import { float16ToFloat32 } from '../../../main/onnx-builder/index.ts';
import {
  variant,
  writeContractModel,
  type ContractSpec,
  type VariantId,
} from '../../fixtures/contract/index.ts';

/** A temp folder for one test file's fixtures; `cleanup` removes it. */
export async function fixtureRoot(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'emulsion-contract-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes the named variants (or specs) under `root` and returns their folders by name. */
export async function buildModels<K extends string>(
  root: string,
  specs: Record<K, VariantId | ContractSpec>,
): Promise<Record<K, string>> {
  const out = {} as Record<K, string>;
  for (const [name, spec] of Object.entries(specs) as [K, VariantId | ContractSpec][]) {
    const full = typeof spec === 'string' ? variant(spec) : spec;
    out[name] = await writeContractModel(path.join(root, name), full);
  }
  return out;
}

/** A small, fast request: 64×64, 3 Euler steps, CFG on, CPU. */
export function smallRequest(model: string, overrides: Partial<GenerateInput> = {}): GenerateInput {
  return {
    model,
    prompt: 'a red circle on a blue square',
    negativePrompt: 'blurry',
    steps: 3,
    cfg: 7.5,
    scheduler: 'Euler',
    seed: 42,
    seedMode: 'emulsion',
    width: 64,
    height: 64,
    batch: 1,
    provider: 'cpu',
    ...overrides,
  };
}

export interface RawImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

export async function decodePng(png: Uint8Array): Promise<RawImage> {
  const { data, info } = await sharp(Buffer.from(png)).raw().toBuffer({ resolveWithObject: true });
  return {
    data: new Uint8Array(data),
    width: info.width,
    height: info.height,
    channels: info.channels,
  };
}

/** A deterministic RGB test card (gradients plus a square), encoded as PNG. */
export async function testCard(width: number, height: number, variant = 0): Promise<Uint8Array> {
  const rgb = testCardRgb(width, height, variant);
  const png = await sharp(Buffer.from(rgb), { raw: { width, height, channels: 3 } })
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

export function testCardRgb(width: number, height: number, variant = 0): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const inSquare =
        x > width / 4 && x < (3 * width) / 4 && y > height / 4 && y < (3 * height) / 4;
      rgb[i] =
        variant === 0
          ? Math.round((255 * x) / (width - 1))
          : 255 - Math.round((255 * y) / (height - 1));
      rgb[i + 1] = variant === 0 ? Math.round((255 * y) / (height - 1)) : inSquare ? 20 : 230;
      rgb[i + 2] = inSquare ? (variant === 0 ? 230 : 40) : 60;
    }
  }
  return rgb;
}

/** Every event the engine emits, in order. */
export function captureEvents(engine: Pick<Engine, 'onEvent'>): {
  events: JobEvent[];
  stop: () => void;
} {
  const events: JobEvent[] = [];
  const stop = engine.onEvent((e) => events.push(e));
  return { events, stop: () => void stop() };
}

/** Awaits a promise that must reject with an EmulsionError and returns that error. */
export async function rejection(promise: Promise<unknown>): Promise<EmulsionError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof EmulsionError) return err;
    throw new Error(`expected an EmulsionError, got ${String(err)}`, { cause: err });
  }
  throw new Error('expected the promise to reject, but it resolved');
}

// ---------------------------------------------------------------------------------------------
// Recording session.run. The engine and this file load the same onnxruntime-node module, so
// wrapping InferenceSession.prototype.run sees every call the engine makes, with its real feeds.

/** SD components by their inputs; `other` is anything else (e.g. Emulsion's own classifier). */
export type Component =
  'text_encoder' | 'unet' | 'vae_decoder' | 'vae_encoder' | 'safety_checker' | 'other';

export interface RecordedTensor {
  type: string;
  dims: number[];
  /** Values as numbers (int64 via Number, float16 decoded). */
  values: Float64Array;
}

export interface RecordedRun {
  component: Component;
  feeds: Record<string, RecordedTensor>;
  outputs: Record<string, RecordedTensor>;
}

function record(tensor: ort.Tensor): RecordedTensor {
  const data = tensor.data;
  let values: Float64Array;
  if (tensor.type === 'float16') values = Float64Array.from(float16ToFloat32(data as Uint16Array));
  else if (tensor.type === 'int64') values = Float64Array.from(data as BigInt64Array, Number);
  else values = Float64Array.from(data as ArrayLike<number>);
  return { type: tensor.type, dims: [...tensor.dims], values };
}

/** Which SD component a session is, from its input names. */
export function classify(inputNames: readonly string[]): Component {
  if (inputNames.includes('input_ids')) return 'text_encoder';
  if (inputNames.includes('timestep')) return 'unet';
  if (inputNames.includes('latent_sample')) return 'vae_decoder';
  if (inputNames.includes('clip_input')) return 'safety_checker';
  if (inputNames.length === 1 && inputNames[0] === 'sample') return 'vae_encoder';
  return 'other';
}

export interface RunRecorder {
  runs: RecordedRun[];
  of(component: Component): RecordedRun[];
  clear(): void;
  restore(): void;
}

export function recordRuns(): RunRecorder {
  type Run = (
    this: ort.InferenceSession,
    feeds: ort.InferenceSession.FeedsType,
    ...rest: unknown[]
  ) => Promise<ort.InferenceSession.ReturnType>;
  const factory = ort.InferenceSession as unknown as { prototype: { run: Run } };
  const proto = factory.prototype;
  const original = proto.run;
  const runs: RecordedRun[] = [];
  proto.run = async function (this: ort.InferenceSession, feeds, ...rest) {
    const entry: RecordedRun = { component: classify(this.inputNames), feeds: {}, outputs: {} };
    for (const [name, tensor] of Object.entries(feeds))
      entry.feeds[name] = record(tensor as ort.Tensor);
    runs.push(entry);
    const result = await original.call(this, feeds, ...rest);
    for (const [name, value] of Object.entries(result))
      entry.outputs[name] = record(value as ort.Tensor);
    return result;
  };
  return {
    runs,
    of: (component) => runs.filter((r) => r.component === component),
    clear: () => void runs.splice(0),
    restore: () => {
      proto.run = original;
    },
  };
}

/** Records which sessions get released (by component) until `restore` is called. */
export function recordReleases(): { released: Component[]; restore: () => void } {
  type Release = (this: ort.InferenceSession) => Promise<void>;
  const proto = (ort.InferenceSession as unknown as { prototype: { release: Release } }).prototype;
  const original = proto.release;
  const released: Component[] = [];
  proto.release = function (this: ort.InferenceSession) {
    released.push(classify(this.inputNames));
    return original.call(this);
  };
  return { released, restore: () => void (proto.release = original) };
}

export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** Population standard deviation of one channel of an interleaved image. */
export function channelStd(image: RawImage, channel: number): number {
  const n = image.width * image.height;
  let sum = 0;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const v = image.data[i * image.channels + channel];
    sum += v;
    sq += v * v;
  }
  const mean = sum / n;
  return Math.sqrt(Math.max(0, sq / n - mean * mean));
}

export type { GenerateResult };
