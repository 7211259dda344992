/**
 * Step 7 and the live previews: everything that turns pixels into something a user sees passes
 * through here, so the image filter (the safety layers) sees every preview and every final image
 * before it leaves the engine.
 */
import type { GeneratedImage, GenerateRequest } from '../../../common/generation.ts';
import type { SafetyDecision } from '../../../common/safety.ts';
import { encodePng, tensorToRgb } from '../image/io.ts';
import type { LoadedModel } from '../model/loaded-model.ts';
import type { Scheduler } from '../schedulers/types.ts';
import { imageSeed } from './noise.ts';
import { latentPreview, previewFactors } from './preview.ts';
import type { LatentShape } from './unet.ts';

export interface FilterContext {
  kind: 'preview' | 'final';
  /** The model's own safety_checker/model.onnx, when the folder has one. */
  modelSafetyChecker?: string;
}

export interface FilterResult {
  decision: SafetyDecision;
  /** Pixels to show instead (blurred), when the decision changes the image. */
  rgb?: Uint8Array;
}

/** The engine's view of the safety filter: given HWC RGB, decide what may be shown. */
export interface ImageFilter {
  filterImage(
    rgb: Uint8Array,
    width: number,
    height: number,
    context: FilterContext,
  ): Promise<FilterResult>;
}

export interface FilteredImage extends GeneratedImage {
  safety?: SafetyDecision;
}

/** A preview of the first image's predicted x0 (or current latents), or nothing if blocked. */
export async function makePreview(
  model: LoadedModel,
  scheduler: Scheduler,
  latents: Float32Array,
  shape: LatentShape,
  filter?: ImageFilter,
): Promise<Uint8Array | undefined> {
  const source = scheduler.predictedOriginal ?? latents;
  let rgb = latentPreview(source, 0, shape.height, shape.width, previewFactors(model.folder));
  if (filter) {
    const context = {
      kind: 'preview' as const,
      modelSafetyChecker: model.folder.files.safetyChecker,
    };
    const { decision, rgb: replaced } = await filter.filterImage(
      rgb,
      shape.width,
      shape.height,
      context,
    );
    if (decision.action === 'block') return undefined;
    if (replaced) rgb = replaced;
  }
  return encodePng(rgb, shape.width, shape.height);
}

/**
 * Decoded NCHW images → PNGs. A blocked image is dropped entirely (nothing of it is returned);
 * a blurred one is returned blurred, with the decision that explains it.
 */
export async function finishImages(
  model: LoadedModel,
  decoded: { data: Float32Array; height: number; width: number }[],
  request: GenerateRequest,
  filter?: ImageFilter,
): Promise<{ images: FilteredImage[]; decisions: SafetyDecision[] }> {
  const images: FilteredImage[] = [];
  const decisions: SafetyDecision[] = [];
  for (let b = 0; b < decoded.length; b++) {
    const { data, height, width } = decoded[b];
    let rgb = tensorToRgb(data, 0, width, height);
    const seed = request.seedMode === 'emulsion' ? imageSeed(request.seed, b) : request.seed;
    let safety: SafetyDecision | undefined;
    let originalPng: Uint8Array | undefined;
    if (filter) {
      const context = {
        kind: 'final' as const,
        modelSafetyChecker: model.folder.files.safetyChecker,
      };
      const result = await filter.filterImage(rgb, width, height, context);
      safety = result.decision;
      decisions.push(safety);
      if (safety.action === 'block') continue;
      if (result.rgb) {
        originalPng = await encodePng(rgb, width, height);
        rgb = result.rgb;
      }
    }
    const png = await encodePng(rgb, width, height);
    images.push({
      png,
      width,
      height,
      seed,
      index: b,
      ...(safety ? { safety } : {}),
      ...(originalPng ? { originalPng } : {}),
    });
  }
  return { images, decisions };
}
