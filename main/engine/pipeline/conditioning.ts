/**
 * Step 2, per family: the prompt and negative prompt become the UNet's conditioning, batched
 * [uncond×B; cond×B] (diffusers order), with each family's extra inputs:
 * - SD 1.x/2.x: last_hidden_state only (onnx-contract §2.3);
 * - SDXL base/refiner: see sdxl.ts (text_embeds, time_ids);
 * - LCM: no CFG batch ever, and the guidance scale enters as `timestep_cond` (lcm.ts);
 * - Turbo and any model at CFG ≤ 1: the negative prompt is not encoded at all (§8 step 1).
 */
import type { GenerateRequest, StageTimings } from '../../../common/generation.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import { encodePrompt } from '../text/encode.ts';
import { stackRows } from './feeds.ts';
import { timestepCondFeed } from './lcm.ts';
import { encodeSdxlPrompt, forceZerosForEmptyPrompt, timeIds, zeroPrompt } from './sdxl.ts';
import type { Conditioning } from './unet.ts';

type Prompts = Pick<GenerateRequest, 'prompt' | 'negativePrompt' | 'cfg' | 'batch'>;

/** CFG runs when guidance > 1 (strictly; diffusers and OnnxStack alike), never for LCM. */
export function usesCfg(model: LoadedModel, cfg: number): boolean {
  return !model.traits.lcm && cfg > 1;
}

/** [neg×B; pos×B] (or pos×B) of per-item arrays of equal length. */
function batchRows(pos: Float32Array, neg: Float32Array | undefined, B: number): Float32Array {
  const per = pos.length;
  const out = new Float32Array((neg ? 2 : 1) * B * per);
  for (let b = 0; b < B; b++) {
    if (neg) out.set(neg, b * per);
    out.set(pos, ((neg ? B : 0) + b) * per);
  }
  return out;
}

export async function encodeConditioning(
  model: LoadedModel,
  request: Prompts,
  size: { width: number; height: number },
  stages: StageTimings,
  warn: (m: string) => void,
): Promise<Conditioning> {
  const doCfg = usesCfg(model, request.cfg);
  const started = performance.now();
  const encode = model.sdxlText
    ? (text: string) => encodeSdxlPrompt(model, text)
    : (text: string) => encodePrompt(model, text).then((p) => ({ ...p, pooled: undefined }));
  const pos = await encode(request.prompt);
  if (pos.truncatedText) {
    warn(
      `The prompt is longer than the model's ${pos.tokens}-token window; dropped: "${pos.truncatedText}"`,
    );
  }
  const breaks = 'ignoredBreaks' in pos ? (pos.ignoredBreaks as number) : 0;
  if (breaks > 0) {
    warn(
      `BREAK was ignored ${breaks === 1 ? 'once' : `${breaks} times`}: prompts here are one ` +
        '75-token window, so there is no chunk boundary to break at; the words on both sides are kept.',
    );
  }
  // NOTE: a request cannot tell an absent negative prompt from "", so an empty one counts as
  // absent: SDXL's force_zeros_for_empty_prompt then gives zeros, as diffusers does for None.
  let neg: Awaited<ReturnType<typeof encode>> | undefined;
  if (doCfg) {
    const zeros =
      model.sdxlText && request.negativePrompt === '' && forceZerosForEmptyPrompt(model);
    neg = zeros ? zeroPrompt(pos as Awaited<ReturnType<typeof encodeSdxlPrompt>>) : undefined;
    neg ??= await encode(request.negativePrompt);
    if (neg.truncatedText) warn(`The negative prompt is too long; dropped: "${neg.truncatedText}"`);
  }
  stages.tokenize += pos.tokenizeMs + (neg?.tokenizeMs ?? 0);
  stages.textEncoder += performance.now() - started - pos.tokenizeMs - (neg?.tokenizeMs ?? 0);

  const B = request.batch;
  const cond: Conditioning = {
    hidden: batchRows(pos.hidden, neg?.hidden, B),
    tokens: pos.tokens,
    width: pos.width,
    guidance: request.cfg,
    doCfg,
    extra: [],
  };
  if (model.sdxlText && pos.pooled) {
    const times = neg ? [B, B] : [B];
    const pooled = neg?.pooled ? [neg.pooled, pos.pooled] : [pos.pooled];
    cond.extra!.push(stackRows('text_embeds', pooled, times, [pos.pooled.length]));
    cond.extra!.push(sdxlTimeIds(model, size, doCfg, B));
  }
  if (model.traits.lcm) cond.extra!.push(timestepCondFeed(model, request.cfg, B));
  return cond;
}

function sdxlTimeIds(
  model: LoadedModel,
  size: { width: number; height: number },
  doCfg: boolean,
  B: number,
) {
  const pos = timeIds(model, size.width, size.height, false);
  const rows = doCfg ? [timeIds(model, size.width, size.height, true), pos] : [pos];
  return stackRows('time_ids', rows, doCfg ? [B, B] : [B], [pos.length]);
}

/** The same conditioning at another size: only SDXL's time_ids depend on it (hires fix). */
export function resizeConditioning(
  model: LoadedModel,
  cond: Conditioning,
  size: { width: number; height: number },
  batch: number,
): Conditioning {
  if (!cond.extra?.some((f) => f.name === 'time_ids')) return cond;
  const extra = cond.extra.map((f) =>
    f.name === 'time_ids' ? sdxlTimeIds(model, size, cond.doCfg, batch) : f,
  );
  return { ...cond, extra };
}
