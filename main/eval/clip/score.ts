/**
 * What the CLIP embeddings are used for: zero-shot labels and CLIPScore.
 *
 * Zero-shot (Radford et al. 2021, §3.1.2): p(k | image) = softmax_k(s · cos(image, text_k)), with
 * s = 100, the logit scale CLIP learned (exp(4.6052); it is clipped there during training).
 *
 * CLIPScore (Hessel et al. 2021): w · max(cos(image, caption), 0). The paper uses w = 2.5;
 * torchmetrics and most reported numbers use w = 100, so we do too (a score of 30 reads as
 * usual). The scale does not change rankings or agreement rates.
 */
import type { ClipModel } from './model.ts';

export const CLIP_LOGIT_SCALE = 100;
export const CLIPSCORE_WEIGHT = 100;

export function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

/** Numerically stable softmax (subtracts the maximum first). */
export function softmax(logits: readonly number[]): number[] {
  const max = Math.max(...logits);
  const exps = logits.map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

export function zeroShotProbabilities(
  image: Float32Array,
  texts: readonly Float32Array[],
  scale = CLIP_LOGIT_SCALE,
): number[] {
  return softmax(texts.map((t) => scale * cosine(image, t)));
}

export function clipScoreOf(
  image: Float32Array,
  caption: Float32Array,
  weight = CLIPSCORE_WEIGHT,
): number {
  return weight * Math.max(cosine(image, caption), 0);
}

/** CLIPScore of each image against its own caption. */
export async function clipScores(
  model: ClipModel,
  items: readonly { image: Uint8Array; caption: string }[],
): Promise<number[]> {
  const images = await model.embedImages(items.map((i) => i.image));
  const texts = await model.embedTexts(items.map((i) => i.caption));
  return images.map((img, i) => clipScoreOf(img, texts[i]));
}
