/** Job event builders with the shapes common/generation.ts defines. */
import type { GenerateResult } from '../../../common/generation.ts';
import type { StudioDoneEvent } from '../../../common/ipc.ts';

export function doneEvent(
  jobId: string,
  options: { seed?: number; batch?: number; scheduler?: string; steps?: number; cfg?: number } = {},
): StudioDoneEvent {
  const seed = options.seed ?? 1234;
  const batch = options.batch ?? 1;
  const request = {
    model: '/models/emulsion-shapes',
    prompt: 'a red circle',
    negativePrompt: 'blurry',
    steps: options.steps ?? 8,
    cfg: options.cfg ?? 5,
    scheduler: options.scheduler ?? 'Euler a',
    seed,
    seedMode: 'emulsion' as const,
    width: 64,
    height: 64,
    batch,
    provider: 'auto' as const,
    preview: 'off' as const,
  };
  const result: GenerateResult = {
    images: Array.from({ length: batch }, (_, i) => ({
      png: new Uint8Array([137, 80, 78, 71, i]),
      width: 64,
      height: 64,
      seed: seed + i,
      index: i,
    })),
    request,
    scheduler: { className: 'EulerAncestralDiscreteScheduler', displayName: request.scheduler },
    provider: 'cpu',
    modelName: 'emulsion-shapes',
    timings: {
      totalMs: 1500,
      sessionRunMs: 1200,
      loadMs: 0,
      stages: { tokenize: 1, textEncoder: 10, unet: [], vaeDecode: 20, postprocess: 1 },
    },
    warnings: [],
  };
  return {
    status: 'done',
    jobId,
    result,
    files: result.images.map((_, i) => `/home/ana/Pictures/Emulsion/out-${i}.png`),
    items: result.images.map((image, i) => ({
      id: 100 + i,
      path: `/home/ana/Pictures/Emulsion/out-${i}.png`,
      relPath: `out-${i}.png`,
      createdAt: Date.UTC(2025, 0, 2, 3, 4, 5),
      source: 'emulsion' as const,
      format: 'png' as const,
      width: image.width,
      height: image.height,
      prompt: request.prompt,
      negativePrompt: request.negativePrompt,
      model: 'emulsion-shapes',
      modelHash: null,
      seed: image.seed,
      favourite: false,
      tags: [],
    })),
  };
}
