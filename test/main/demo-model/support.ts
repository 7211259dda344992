/**
 * Shared helpers for the demo-model tests: the built folders, ORT sessions, a plain vocab.json
 * lookup for prompts made of whole words, and image/latent helpers.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  ensureDemoModels,
  findClipDir,
  type DemoModelPaths,
} from '../../../main/demo-model/index.ts';

let built: Promise<DemoModelPaths> | undefined;

/** The demo folders in resources/models, built once per test process. */
export function demoModels(): Promise<DemoModelPaths> {
  built ??= ensureDemoModels();
  return built;
}

export async function openSession(file: string): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(file, { intraOpNumThreads: 1 });
}

let vocab: Record<string, number> | undefined;

/**
 * CLIP ids for a prompt of plain lower-case words: [BOS, word</w>..., EOS, pad with EOS] (the SD
 * 1.x framing, onnx-contract.md §6). Every word must be one vocabulary token.
 */
export function promptIds(prompt: string, length = 77): BigInt64Array {
  vocab ??= JSON.parse(readFileSync(path.join(findClipDir(), 'vocab.json'), 'utf8')) as Record<
    string,
    number
  >;
  const ids = new BigInt64Array(length).fill(49407n);
  ids[0] = 49406n;
  prompt
    .split(/\s+/)
    .filter(Boolean)
    .forEach((w, i) => {
      const id = vocab![`${w}</w>`];
      if (id === undefined) throw new Error(`"${w}" is not a single CLIP token`);
      ids[i + 1] = BigInt(id);
    });
  return ids;
}

export const f32 = (data: Float32Array, dims: number[]) => new ort.Tensor('float32', data, dims);

/** 2×2 box downscale of a planar [3,S,S] image. */
export function halve(img: Float32Array, size: number): Float32Array {
  const s = size / 2;
  const out = new Float32Array(3 * s * s);
  for (let c = 0; c < 3; c++) {
    for (let r = 0; r < s; r++) {
      for (let q = 0; q < s; q++) {
        const at = (rr: number, qq: number) => img[c * size * size + rr * size + qq];
        out[c * s * s + r * s + q] =
          (at(2 * r, 2 * q) +
            at(2 * r + 1, 2 * q) +
            at(2 * r, 2 * q + 1) +
            at(2 * r + 1, 2 * q + 1)) /
          4;
      }
    }
  }
  return out;
}

/** Runs vae_encoder on 0..1 planar RGB images and returns the UNet-space latent means (× sf). */
export async function encodeImages(
  encoder: ort.InferenceSession,
  images: Float32Array[],
  h: number,
  w: number,
  scalingFactor: number,
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const img of images) {
    const x = img.map((v) => 2 * v - 1);
    const params = (await encoder.run({ sample: f32(x, [1, 3, h, w]) })).latent_parameters;
    const plane = (h / 8) * (w / 8);
    out.push((params.data as Float32Array).slice(0, 4 * plane).map((v) => v * scalingFactor));
  }
  return out;
}

/** Intersection over union of two boolean masks. */
export function iou(a: ArrayLike<boolean | number>, b: ArrayLike<boolean | number>): number {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] && b[i]) inter++;
    if (a[i] || b[i]) union++;
  }
  return inter / union;
}
