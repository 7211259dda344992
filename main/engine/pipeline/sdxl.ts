/**
 * SDXL prompt encoding (diffusers StableDiffusionXLPipeline.encode_prompt and
 * StableDiffusionXLImg2ImgPipeline._get_add_time_ids; docs/onnx-contract.md §2.3–2.4):
 * - base: encoder_hidden_states = te1 `hidden_states.11` ‖ te2 `hidden_states.31` (768 + 1280 =
 *   2048, no final layer norm), pooled `text_embeds` from te2, and
 *   time_ids = [orig_h, orig_w, crop_top, crop_left, target_h, target_w];
 * - refiner: te2 alone, and time_ids = [orig_h, orig_w, crop_top, crop_left, aesthetic_score]
 *   with 6.0 for the prompt and 2.5 for the negative (diffusers' defaults).
 * With no negative prompt and `force_zeros_for_empty_prompt` (the base's default), the negative
 * embeddings are zeros instead of an encoded "".
 */
import { EmulsionError } from '../../../common/errors.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import type { SdxlTextEncoderContract } from '../model/sdxl-contract.ts';
import type { LoadedSession } from '../ort/session.ts';
import { makeTensor, toFloat32 } from '../ort/tensors.ts';
import { applyEmphasis } from '../text/encode.ts';
import { tokenizeWeighted, type ClipTokenizer } from '../text/index.ts';

/** diffusers StableDiffusionXLImg2ImgPipeline defaults. */
export const AESTHETIC_SCORE = 6;
export const NEGATIVE_AESTHETIC_SCORE = 2.5;

export interface SdxlPrompt {
  /** [tokens, width] hidden states. */
  hidden: Float32Array;
  /** The pooled text_embeds [1280]. */
  pooled: Float32Array;
  tokens: number;
  width: number;
  truncatedText: string | null;
  tokenizeMs: number;
}

interface Encoded {
  hidden: Float32Array;
  pooled?: Float32Array;
  tokens: number;
  width: number;
  truncatedText: string | null;
  tokenizeMs: number;
}

async function runEncoder(
  session: LoadedSession,
  contract: SdxlTextEncoderContract,
  tokenizer: ClipTokenizer,
  prompt: string,
): Promise<Encoded> {
  const t0 = performance.now();
  const { ids, weights, truncatedText } = tokenizeWeighted(tokenizer, prompt);
  const tokenizeMs = performance.now() - t0;
  const feeds = {
    input_ids: makeTensor(contract.idsType, ids, [1, ids.length], `${session.component} input_ids`),
  };
  const names = [contract.hiddenOutput, ...(contract.pooledOutput ? [contract.pooledOutput] : [])];
  const out = await session.run(feeds, names);
  const tensor = out[contract.hiddenOutput];
  const hidden = Float32Array.from(toFloat32(tensor));
  const width = tensor.dims[tensor.dims.length - 1];
  applyEmphasis(hidden, weights, width);
  const pooled = contract.pooledOutput
    ? Float32Array.from(toFloat32(out[contract.pooledOutput]))
    : undefined;
  return { hidden, pooled, tokens: ids.length, width, truncatedText, tokenizeMs };
}

/** Interleaves two [tokens, a] and [tokens, b] tensors into [tokens, a + b]. */
export function concatLastDim(
  a: Float32Array,
  b: Float32Array,
  tokens: number,
  wa: number,
  wb: number,
): Float32Array {
  const out = new Float32Array(tokens * (wa + wb));
  for (let t = 0; t < tokens; t++) {
    out.set(a.subarray(t * wa, (t + 1) * wa), t * (wa + wb));
    out.set(b.subarray(t * wb, (t + 1) * wb), t * (wa + wb) + wa);
  }
  return out;
}

/** Encodes one prompt with the model's SDXL encoders (both for the base, te2 for a refiner). */
export async function encodeSdxlPrompt(model: LoadedModel, prompt: string): Promise<SdxlPrompt> {
  const text = model.sdxlText;
  if (!text) throw new Error(`${model.folder.root} is not an SDXL model`);
  if (!text.first) {
    const te2 = await runEncoder(model.textEncoder.session, text.second, model.tokenizer, prompt);
    return { ...te2, pooled: te2.pooled! };
  }
  const te1 = await runEncoder(model.textEncoder.session, text.first, model.tokenizer, prompt);
  const te2 = await runEncoder(model.textEncoder2!.session, text.second, model.tokenizer2!, prompt);
  if (te1.tokens !== te2.tokens) {
    throw new EmulsionError(
      'MODEL_INVALID',
      `tokenizer and tokenizer_2 of ${model.folder.root} frame prompts to different lengths ` +
        `(${te1.tokens} and ${te2.tokens} tokens); SDXL concatenates them token by token.`,
      { file: model.folder.tokenizer2Dir },
    );
  }
  return {
    hidden: concatLastDim(te1.hidden, te2.hidden, te1.tokens, te1.width, te2.width),
    pooled: te2.pooled!,
    tokens: te1.tokens,
    width: te1.width + te2.width,
    truncatedText: te1.truncatedText ?? te2.truncatedText,
    tokenizeMs: te1.tokenizeMs + te2.tokenizeMs,
  };
}

/** The all-zero negative of `force_zeros_for_empty_prompt`, shaped like `like`. */
export function zeroPrompt(like: SdxlPrompt): SdxlPrompt {
  return {
    ...like,
    hidden: new Float32Array(like.hidden.length),
    pooled: new Float32Array(like.pooled.length),
    truncatedText: null,
    tokenizeMs: 0,
  };
}

/**
 * diffusers reads `force_zeros_for_empty_prompt` from the pipeline config: true by default for the
 * base pipeline, false in the refiner's model_index.json.
 */
export function forceZerosForEmptyPrompt(model: LoadedModel): boolean {
  const flag = model.folder.index.force_zeros_for_empty_prompt;
  if (typeof flag === 'boolean') return flag;
  return model.traits.family === 'sdxl';
}

/** time_ids for one image: 6 values for the base, 5 (with the aesthetic score) for a refiner. */
export function timeIds(
  model: LoadedModel,
  width: number,
  height: number,
  negative: boolean,
): number[] {
  if (model.traits.family === 'sdxl-refiner') {
    return [height, width, 0, 0, negative ? NEGATIVE_AESTHETIC_SCORE : AESTHETIC_SCORE];
  }
  return [height, width, 0, 0, height, width];
}
