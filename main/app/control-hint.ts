/**
 * The ControlNet hint preview: the engine's own preprocessor (main/engine/pipeline/
 * control-pixels.ts) run on the dropped control image at the generation size, so the user
 * sees the hint the ControlNet will follow before spending a run on it.
 *
 * Only the pixel preprocessors (none, canny, scribble, threshold, invert) run here. Depth and
 * pose need the user's estimator ONNX model, which runs in the engine worker with the job.
 * control-pixels.ts has no onnxruntime dependency, so a preview never loads the inference
 * runtime into this process.
 */
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import type { ControlUnit } from '../../common/generation.ts';
import type { ControlHintPreview, ControlHintRequest } from '../../common/ipc.ts';

const PIXEL_PREPROCESSORS = ['none', 'canny', 'scribble', 'threshold', 'invert'] as const;

type ParamSpec = Record<string, Record<string, [number, number, number]>>;

/** Names and ranges from the engine's table; canny's low threshold may not exceed its high one. */
export function checkHintParams(
  preprocessor: string,
  params: Record<string, number>,
  spec: ParamSpec,
): void {
  const known = spec[preprocessor] ?? {};
  for (const [name, value] of Object.entries(params)) {
    const range = known[name];
    if (!range) {
      const names = Object.keys(known);
      throw invalidArgument(
        `params.${name}`,
        value,
        names.length ? `absent; ${preprocessor} takes ${names.join(', ')}` : 'absent',
      );
    }
    if (value < range[1] || value > range[2]) {
      throw invalidArgument(`params.${name}`, value, `a number from ${range[1]} to ${range[2]}`);
    }
  }
  if (preprocessor === 'canny') {
    const low = params.low ?? known.low[0];
    const high = params.high ?? known.high[0];
    if (low > high) throw invalidArgument('params.low', low, `at most high (${high})`);
  }
}

export async function previewControlHint(request: ControlHintRequest): Promise<ControlHintPreview> {
  const { preprocessor, width, height } = request;
  if (!(PIXEL_PREPROCESSORS as readonly string[]).includes(preprocessor)) {
    throw new EmulsionError(
      'INVALID_ARGUMENT',
      `The ${preprocessor} hint comes from an estimator model and appears after a run.`,
      { field: 'preprocessor', received: preprocessor, allowed: PIXEL_PREPROCESSORS },
    );
  }
  const [
    { applyPreprocessor, preprocessorParams, PREPROCESSOR_PARAMS },
    { readImageRgb, encodePng },
  ] = await Promise.all([
    import('../engine/pipeline/control-pixels.ts'),
    import('../engine/image/io.ts'),
  ]);
  const params = request.params ?? {};
  checkHintParams(preprocessor, params, PREPROCESSOR_PARAMS);
  const unit: ControlUnit = {
    image: { data: request.image.data, name: request.image.name },
    model: '',
    preprocessor,
    params,
    scale: 1,
    start: 0,
    end: 1,
  };
  // The engine resizes control images with `crop` (prepareHint): the preview does the same.
  const rgb = await readImageRgb(unit.image, width, height, 'crop', 'image');
  const hint = applyPreprocessor(preprocessor, rgb, width, height, preprocessorParams(unit));
  return { png: await encodePng(hint, width, height), width, height };
}
