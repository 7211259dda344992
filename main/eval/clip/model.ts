/**
 * A user-supplied CLIP model in ONNX, split into its two towers as optimum and transformers.js
 * export them. The folder holds:
 *
 *   vision_model.onnx   pixel_values [N, 3, S, S] → image_embeds [N, D]   (or onnx/vision_model.onnx)
 *   text_model.onnx     input_ids [N, L] (+ attention_mask) → text_embeds [N, D]   (or onnx/…)
 *   vocab.json, merges.txt   the CLIP BPE tokenizer (or tokenizer/vocab.json, …)
 *   preprocessor_config.json   optional: image_mean, image_std, size, crop_size
 *
 * The embeddings must be the projected ones (`image_embeds`, `text_embeds`); when a tower has no
 * output of that name, its only rank-2 output is used. No weights ship with Emulsion.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { EmulsionError } from '../../../common/errors.ts';
import type { ExecutionProviderName } from '../../../common/generation.ts';
import { loadSession, type LoadedSession } from '../../engine/ort/session.ts';
import { makeTensor, toFloat32 } from '../../engine/ort/tensors.ts';
import { loadTokenizer } from '../../engine/text/tokenizer.ts';
import { clipPixelValues, OPENAI_CLIP_IMAGE, type ClipImageConfig } from './preprocess.ts';

export interface ClipModel {
  folder: string;
  dimension: number;
  /** Unit-length image embeddings, one per image (PNG or any format sharp reads). */
  embedImages(images: readonly Uint8Array[]): Promise<Float32Array[]>;
  /** Unit-length text embeddings, one per text. */
  embedTexts(texts: readonly string[]): Promise<Float32Array[]>;
  release(): Promise<void>;
}

function findFile(dir: string, names: string[]): string {
  for (const name of names) {
    const file = path.join(dir, name);
    if (existsSync(file)) return file;
  }
  throw new EmulsionError(
    'MODEL_INVALID',
    `CLIP model folder ${dir} has none of ${names.join(', ')}. It needs vision_model.onnx, text_model.onnx, vocab.json and merges.txt.`,
    { file: dir, field: 'clipModel' },
  );
}

async function imageConfig(dir: string): Promise<ClipImageConfig> {
  const file = path.join(dir, 'preprocessor_config.json');
  if (!existsSync(file)) return OPENAI_CLIP_IMAGE;
  const raw = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  const size = raw.size as number | { shortest_edge?: number } | undefined;
  const crop = raw.crop_size as number | { height?: number } | undefined;
  return {
    size: typeof size === 'number' ? size : (size?.shortest_edge ?? OPENAI_CLIP_IMAGE.size),
    crop: typeof crop === 'number' ? crop : (crop?.height ?? OPENAI_CLIP_IMAGE.crop),
    mean: (raw.image_mean as ClipImageConfig['mean']) ?? OPENAI_CLIP_IMAGE.mean,
    std: (raw.image_std as ClipImageConfig['std']) ?? OPENAI_CLIP_IMAGE.std,
  };
}

function embeddingOutput(session: LoadedSession, preferred: string): string {
  if (session.outputs.some((o) => o.name === preferred)) return preferred;
  const rank2 = session.outputs.filter((o) => o.shape.length === 2);
  if (rank2.length === 1) return rank2[0].name;
  throw new EmulsionError(
    'MODEL_CONTRACT',
    `${session.file} has no \`${preferred}\` output and no single rank-2 output to use instead (outputs: ${session.outputs.map((o) => o.name).join(', ')}).`,
    { file: session.file },
  );
}

export function normalize(v: Float32Array): Float32Array {
  let norm = 0;
  for (const x of v) norm += x * x;
  norm = Math.sqrt(norm);
  return norm > 0 ? v.map((x) => x / norm) : v;
}

function rows(data: Float32Array, n: number): Float32Array[] {
  const d = data.length / n;
  return Array.from({ length: n }, (_, i) => normalize(data.slice(i * d, (i + 1) * d)));
}

export async function loadClipModel(
  dir: string,
  provider: ExecutionProviderName = 'cpu',
): Promise<ClipModel> {
  const folder = path.resolve(dir);
  const visionFile = findFile(folder, ['vision_model.onnx', 'onnx/vision_model.onnx']);
  const textFile = findFile(folder, ['text_model.onnx', 'onnx/text_model.onnx']);
  const tokenizerDir = existsSync(path.join(folder, 'vocab.json'))
    ? folder
    : path.join(folder, 'tokenizer');
  const clock = { sessionRunMs: 0 };
  const [vision, text, tokenizer, config] = await Promise.all([
    loadSession(visionFile, 'clip vision', provider, clock),
    loadSession(textFile, 'clip text', provider, clock),
    loadTokenizer(tokenizerDir),
    imageConfig(folder),
  ]);
  const pixelInput = vision.inputs.find((i) => i.name === 'pixel_values') ?? vision.inputs[0];
  const idsInput = text.inputs.find((i) => i.name === 'input_ids') ?? text.inputs[0];
  const maskInput = text.inputs.find((i) => i.name === 'attention_mask');
  const imageOut = embeddingOutput(vision, 'image_embeds');
  const textOut = embeddingOutput(text, 'text_embeds');
  const declaredDim = vision.outputs.find((o) => o.name === imageOut)?.shape[1];
  return {
    folder,
    dimension: typeof declaredDim === 'number' ? declaredDim : NaN,
    async embedImages(images) {
      if (images.length === 0) return [];
      const pixels = await Promise.all(images.map((img) => clipPixelValues(img, config)));
      const batch = new Float32Array(pixels.length * pixels[0].length);
      pixels.forEach((p, i) => batch.set(p, i * p.length));
      const dims = [images.length, 3, config.crop, config.crop];
      const out = await vision.run(
        { [pixelInput.name]: makeTensor(pixelInput.type, batch, dims, 'clip pixel_values') },
        [imageOut],
      );
      return rows(toFloat32(out[imageOut]), images.length);
    },
    async embedTexts(texts) {
      if (texts.length === 0) return [];
      const length = tokenizer.maxLength;
      const ids: number[] = [];
      const mask: number[] = [];
      for (const t of texts) {
        const framed = tokenizer.encodeWithInfo(t);
        ids.push(...framed.ids);
        // BOS + content + EOS are real tokens; the rest is padding.
        mask.push(...framed.ids.map((_, i) => (i < framed.tokenCount + 2 ? 1 : 0)));
      }
      const feeds: Record<string, ort.Tensor> = {
        [idsInput.name]: makeTensor(idsInput.type, ids, [texts.length, length], 'clip input_ids'),
      };
      if (maskInput)
        feeds[maskInput.name] = makeTensor(
          maskInput.type,
          mask,
          [texts.length, length],
          'clip attention_mask',
        );
      const out = await text.run(feeds, [textOut]);
      return rows(toFloat32(out[textOut]), texts.length);
    },
    async release() {
      await Promise.all([vision.release(), text.release()]);
    },
  };
}
