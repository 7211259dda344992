/**
 * The one thing evaluation needs from the engine: "make this image". Audits, XY/Z plots,
 * benchmarks and A/B pairs all take a `GenerateFn`, so their resume logic and bookkeeping are
 * tested with a fake and run for real with `engineGenerator`.
 */
import { EmulsionError } from '../../common/errors.ts';
import type { GenerateRequest, GenerateResult } from '../../common/generation.ts';
import { describeReason } from '../../common/safety.ts';
import type { GenerateInput } from '../engine/worker/types.ts';

export interface EvalImage {
  /** PNG bytes without metadata. */
  png: Uint8Array;
  width: number;
  height: number;
  seed: number;
  /** The request after the engine applied defaults (what reproduces the image). */
  request: Partial<GenerateRequest>;
  /** Display name of the scheduler the engine resolved, e.g. "Euler a". */
  scheduler?: string;
  modelName?: string;
  /** The engine's whole result, when there is one (for writing image metadata). */
  result?: GenerateResult;
}

export type GenerateFn = (input: GenerateInput, signal?: AbortSignal) => Promise<EvalImage>;

/** The in-process Engine (`submit`) or the worker client (`generate`). */
export type EngineLike =
  | {
      submit(jobId: string, input: GenerateInput): Promise<GenerateResult>;
      cancel(jobId: string): void;
    }
  | {
      generate(input: GenerateInput): { jobId: string; result: Promise<GenerateResult> };
      cancel(jobId: string): void;
    };

let counter = 0;

/**
 * A result without an image: the safety policy `block` withheld it. The cell fails with the
 * decision's reasons rather than being skipped, because an audit that quietly drops withheld
 * images measures a filtered distribution and no longer says what the model does (README.md).
 */
function withheldError(result: GenerateResult): EmulsionError {
  const blocked = result.safety?.find((d) => d.action === 'block');
  if (!blocked) {
    return new EmulsionError('INTERNAL', 'The engine returned no image and no safety decision.');
  }
  const reasons = blocked.reasons.map(describeReason).join('; ') || 'no reason recorded';
  return new EmulsionError('SAFETY_BLOCKED', `The safety policy withheld this image: ${reasons}.`, {
    field: 'safety',
  });
}

function toEvalImage(result: GenerateResult): EvalImage {
  const image = result.images[0];
  if (!image) throw withheldError(result);
  return {
    png: image.png,
    width: image.width,
    height: image.height,
    seed: image.seed,
    request: result.request,
    scheduler: result.scheduler.displayName,
    modelName: result.modelName,
    result: { ...result, images: [image] },
  };
}

/** Adapts an engine to a GenerateFn; one image per call (batch is forced to 1). */
export function engineGenerator(engine: EngineLike): GenerateFn {
  return async (input, signal) => {
    signal?.throwIfAborted();
    const single = { ...input, batch: 1 };
    let jobId: string;
    let pending: Promise<GenerateResult>;
    if ('submit' in engine) {
      jobId = `eval-${process.pid}-${++counter}`;
      pending = engine.submit(jobId, single);
    } else {
      const handle = engine.generate(single);
      jobId = handle.jobId;
      pending = handle.result;
    }
    const onAbort = () => engine.cancel(jobId);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return toEvalImage(await pending);
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  };
}
