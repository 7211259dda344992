/**
 * Prompt → text-encoder hidden states, with A1111 attention weights applied after the encoder
 * (docs/onnx-contract.md §6): z ← z·w per token, then z rescaled so its mean equals the mean
 * before weighting (A1111 "Original" emphasis, modules/sd_emphasis.py).
 */
import type { LoadedModel } from '../model/loaded-model.ts';
import { makeTensor, toFloat32 } from '../ort/tensors.ts';
import { tokenizeWeighted } from './index.ts';

export interface EncodedPrompt {
  /** [1, 77, width] hidden states, float32. */
  hidden: Float32Array;
  tokens: number;
  width: number;
  /** The words cut off because the prompt exceeded the model's token window, if any. */
  truncatedText: string | null;
  /** BREAK keywords removed: one 77-token window has no chunks to break between. */
  ignoredBreaks: number;
  /** Milliseconds spent tokenizing (the rest of the call is the text encoder). */
  tokenizeMs: number;
}

export function applyEmphasis(
  hidden: Float32Array,
  weights: readonly number[],
  width: number,
): void {
  if (weights.every((w) => w === 1)) return;
  let before = 0;
  for (let i = 0; i < hidden.length; i++) before += hidden[i];
  for (let t = 0; t < weights.length; t++) {
    const w = weights[t];
    if (w === 1) continue;
    for (let d = 0, o = t * width; d < width; d++) hidden[o + d] *= w;
  }
  let after = 0;
  for (let i = 0; i < hidden.length; i++) after += hidden[i];
  // Guard the all-zero case (an empty prompt through an encoder that outputs zeros).
  if (after === 0 || before === 0) return;
  const ratio = before / after;
  for (let i = 0; i < hidden.length; i++) hidden[i] *= ratio;
}

export async function encodePrompt(model: LoadedModel, prompt: string): Promise<EncodedPrompt> {
  const t0 = performance.now();
  const { ids, weights, truncatedText, ignoredBreaks } = tokenizeWeighted(model.tokenizer, prompt);
  const tokenizeMs = performance.now() - t0;
  const { session, contract } = model.textEncoder;
  const feeds = {
    input_ids: makeTensor(contract.idsType, ids, [1, ids.length], 'text_encoder input_ids'),
  };
  const out = await session.run(feeds, [contract.hiddenOutput]);
  const tensor = out[contract.hiddenOutput];
  const hidden = Float32Array.from(toFloat32(tensor));
  const width = tensor.dims[tensor.dims.length - 1];
  applyEmphasis(hidden, weights, width);
  return { hidden, tokens: ids.length, width, truncatedText, tokenizeMs, ignoredBreaks };
}
