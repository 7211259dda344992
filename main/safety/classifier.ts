/**
 * The bundled image classifier: nsfwjs's MobileNetV2, converted to ONNX and run with
 * onnxruntime-node like every other model in Emulsion.
 *
 * Why this route. nsfwjs (infinitered/nsfwjs, MIT) ships trained weights inside its npm package
 * (`dist/models/mobilenet_v2`: a Keras 2.2.4 MobileNetV2 in TF.js Layers format, uint8-quantised,
 * 2.6 MB), so the classifier works offline with no download. Running it through TF.js would add a
 * second ML runtime whose pure-JS CPU backend takes about 1 s per image here (measured: 1,064 ms
 * for one 224×224 classify on this machine), against a few milliseconds in onnxruntime. So on
 * first use keras-to-onnx.ts converts the package's topology and weights with the project's
 * GraphBuilder into `<cacheDir>/nsfwjs-<version>-mobilenet_v2-c<N>/model.onnx` (about 10 MB of
 * float32; gitignored, never committed) and later runs load that file.
 *
 * Classes (softmax order, nsfwjs README): Drawing (safe-for-work drawings, incl. anime),
 * Hentai (pornographic drawings), Neutral (safe-for-work photos), Porn (pornographic images,
 * sexual acts), Sexy (sexually explicit images that are not pornography).
 *
 * Preprocessing, as nsfwjs's `infer` does it: RGB bytes / 255, then a bilinear resize to 224×224
 * with align_corners = true when the image is not already 224×224 (aspect ratio is not kept),
 * NHWC float32.
 *
 * Cost: `benchSafetyClassifier()` (bench.ts) measures conversion, session load and time per
 * image; on the 2-core development machine one 224×224 image takes about 3–5 ms after warm-up.
 *
 * Known accuracy (docs/evaluation.md A2/A3): the nsfwjs authors report ~90 % top-1 accuracy for
 * this small model on their 15,000-image test set (web scrapes, alex000kim/nsfw_data_scraper),
 * ~93 % for the mid-sized one. It was not trained on generated images, and a comparable
 * photo-trained detector dropped from 96.5 % to 86.0 % accuracy on generated images
 * (AdamCodd/vit-base-nsfw-detector model card). Treat the thresholds as a starting point and
 * measure them on your own images with `emulsion safety-eval`.
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { invalidArgument } from '../../common/errors.ts';
import { NSFW_CLASSES, type NsfwClass } from '../../common/safety.ts';
import { createLogger } from '../engine/log.ts';
import { loadSession, type LoadedSession } from '../engine/ort/session.ts';
import { saveModel } from '../onnx-builder/index.ts';
import { kerasToOnnx } from './keras-to-onnx.ts';
import { nsfwjsPackage, readBundledLayersModel } from './tfjs-model.ts';

const log = createLogger('safety');

/** nsfwjs's IMAGE_SIZE for MobileNetV2 (nsfwjs core.js). */
export const CLASSIFIER_SIZE = 224;

/** Bump when the conversion changes, so stale cached models are rebuilt. */
const CONVERTER_VERSION = 1;

/** Default cache: resources/models/safety (gitignored, next to the demo model). */
export const DEFAULT_CLASSIFIER_CACHE = fileURLToPath(
  new URL('../../resources/models/safety/', import.meta.url),
);

export type ClassScores = Record<NsfwClass, number>;

/** What the image check needs from a classifier; tests inject stubs through the same shape. */
export interface ImageClassifier {
  readonly name: string;
  classify(rgb: Uint8Array, width: number, height: number): Promise<ClassScores>;
  release(): Promise<void>;
}

function checkImage(rgb: Uint8Array, width: number, height: number): void {
  if (!Number.isInteger(width) || width < 1)
    throw invalidArgument('width', width, 'a positive integer');
  if (!Number.isInteger(height) || height < 1)
    throw invalidArgument('height', height, 'a positive integer');
  if (rgb.length !== width * height * 3) {
    throw invalidArgument('rgb.length', rgb.length, `${width * height * 3} (width × height × 3)`);
  }
}

/**
 * RGB bytes → NHWC float32 [1, size, size, 3] in [0, 1]: x / 255, then bilinear resampling with
 * align_corners = true (source = dst · (in − 1) / (out − 1)), which is what nsfwjs asks of
 * tf.image.resizeBilinear. An image already size × size is only scaled.
 */
export function preprocessForClassifier(
  rgb: Uint8Array,
  width: number,
  height: number,
  size = CLASSIFIER_SIZE,
): Float32Array {
  checkImage(rgb, width, height);
  const out = new Float32Array(size * size * 3);
  if (width === size && height === size) {
    for (let i = 0; i < out.length; i++) out[i] = rgb[i] / 255;
    return out;
  }
  const ry = size > 1 ? (height - 1) / (size - 1) : 0;
  const rx = size > 1 ? (width - 1) / (size - 1) : 0;
  for (let y = 0; y < size; y++) {
    const sy = y * ry;
    const y0 = Math.floor(sy);
    const y1 = Math.min(height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = x * rx;
      const x0 = Math.floor(sx);
      const x1 = Math.min(width - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const tl = rgb[(y0 * width + x0) * 3 + c];
        const tr = rgb[(y0 * width + x1) * 3 + c];
        const bl = rgb[(y1 * width + x0) * 3 + c];
        const br = rgb[(y1 * width + x1) * 3 + c];
        const top = tl + (tr - tl) * fx;
        const bottom = bl + (br - bl) * fx;
        out[(y * size + x) * 3 + c] = (top + (bottom - top) * fy) / 255;
      }
    }
  }
  return out;
}

export interface ClassifierModelFile {
  path: string;
  /** True when this call converted the package (first use or a new nsfwjs version). */
  built: boolean;
  nsfwjsVersion: string;
}

/**
 * Returns the converted model, converting nsfwjs's MobileNetV2 into `cacheDir` when it is not
 * there yet. The file is written under a temporary name and renamed, so two processes converting
 * at once never load a half-written model.
 */
export async function ensureClassifierModel(
  cacheDir = DEFAULT_CLASSIFIER_CACHE,
): Promise<ClassifierModelFile> {
  const pkg = nsfwjsPackage();
  const dir = path.join(cacheDir, `nsfwjs-${pkg.version}-mobilenet_v2-c${CONVERTER_VERSION}`);
  const file = path.join(dir, 'model.onnx');
  if (existsSync(file)) return { path: file, built: false, nsfwjsVersion: pkg.version };
  const started = performance.now();
  const keras = readBundledLayersModel(path.join(pkg.dir, 'dist', 'models', 'mobilenet_v2'));
  const graph = kerasToOnnx(keras);
  const tmpName = `model.onnx.${process.pid}.${Date.now()}.tmp`;
  const saved = await saveModel(graph, dir, {
    opset: 17,
    fileName: tmpName,
    producerName: 'emulsion-safety',
    docString: `nsfwjs ${pkg.version} MobileNetV2 (MIT, infinitered/nsfwjs), converted from TF.js Layers`,
  });
  try {
    await rename(saved.modelPath, file);
  } catch (err) {
    await rm(saved.modelPath, { force: true });
    if (!existsSync(file)) throw err;
  }
  log.info('converted the nsfwjs classifier to ONNX', {
    file,
    bytes: saved.bytes,
    ms: Math.round(performance.now() - started),
  });
  return { path: file, built: true, nsfwjsVersion: pkg.version };
}

export interface BundledClassifierOptions {
  /** Where the converted model is cached; default resources/models/safety. */
  cacheDir?: string;
}

/** The nsfwjs MobileNetV2 classifier, ready to run. */
export async function loadBundledClassifier(
  options: BundledClassifierOptions = {},
): Promise<ImageClassifier & { session: LoadedSession; model: ClassifierModelFile }> {
  const model = await ensureClassifierModel(options.cacheDir);
  const session = await loadSession(model.path, 'safety classifier', 'cpu', { sessionRunMs: 0 });
  return {
    name: `nsfwjs ${model.nsfwjsVersion} MobileNetV2`,
    session,
    model,
    async classify(rgb, width, height) {
      const input = preprocessForClassifier(rgb, width, height);
      const feeds = {
        images: new ort.Tensor('float32', input, [1, CLASSIFIER_SIZE, CLASSIFIER_SIZE, 3]),
      };
      const out = await session.run(feeds);
      const probs = out.probabilities.data as Float32Array;
      const scores = {} as ClassScores;
      NSFW_CLASSES.forEach((c, i) => (scores[c] = probs[i]));
      return scores;
    },
    release: () => session.release(),
  };
}
