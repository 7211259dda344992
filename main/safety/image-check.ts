/**
 * The image layers: the bundled classifier (per-class thresholds) and, when the model folder has
 * one, the model's own safety_checker. Each layer yields scores; a score at or above its
 * threshold is a reason. A layer that fails to run yields an `error` reason, so the filter fails
 * closed: an image that could not be checked is treated as flagged, and the user is told why.
 */
import { NSFW_CLASSES, type ImageReason, type SafetySettings } from '../../common/safety.ts';
import { createLogger } from '../engine/log.ts';
import type { ClassScores, ImageClassifier } from './classifier.ts';
import type { ModelSafetyChecker } from './safety-checker.ts';

const log = createLogger('safety');

export interface ImageLayers {
  /** The bundled classifier, or null when it is disabled. */
  classifier: () => Promise<ImageClassifier> | null;
  /** The model's checker for a given file, or null when none should run. */
  modelChecker: (file: string) => Promise<ModelSafetyChecker> | null;
}

export interface ImageCheck {
  reasons: ImageReason[];
  scores: ImageReason[];
}

export function flagged(r: ImageReason): boolean {
  return r.threshold !== null && r.score >= r.threshold;
}

/** Scores of the five classes against their thresholds, in NSFW_CLASSES order. */
export function classifierScores(scores: ClassScores, settings: SafetySettings): ImageReason[] {
  return NSFW_CLASSES.map((c) => ({
    layer: 'classifier',
    class: c,
    score: scores[c],
    threshold: settings.classifier.thresholds[c],
  }));
}

function errorReason(layer: ImageReason['layer'], err: unknown): ImageReason {
  const message = err instanceof Error ? err.message : String(err);
  log.error(`${layer} failed; treating the image as flagged`, { message });
  return { layer, class: 'error', score: 1, threshold: 1, message };
}

export interface CheckImageOptions {
  settings: SafetySettings;
  kind: 'preview' | 'final';
  modelSafetyChecker?: string;
  layers: ImageLayers;
}

export async function checkImageLayers(
  rgb: Uint8Array,
  width: number,
  height: number,
  options: CheckImageOptions,
): Promise<ImageCheck> {
  const { settings, kind, layers } = options;
  const scores: ImageReason[] = [];
  if (settings.classifier.enabled) {
    try {
      const classifier = await layers.classifier();
      if (classifier)
        scores.push(...classifierScores(await classifier.classify(rgb, width, height), settings));
    } catch (err) {
      scores.push(errorReason('classifier', err));
    }
  }
  const checkerFile = options.modelSafetyChecker;
  const runChecker =
    checkerFile !== undefined &&
    settings.modelSafetyChecker.enabled &&
    (kind === 'final' || settings.modelSafetyChecker.onPreviews);
  if (runChecker) {
    try {
      const checker = await layers.modelChecker(checkerFile);
      if (checker) {
        const hit = await checker.check(rgb, width, height);
        scores.push({
          layer: 'safety-checker',
          class: 'nsfw_concept',
          score: hit ? 1 : 0,
          threshold: 1,
        });
      }
    } catch (err) {
      scores.push(errorReason('safety-checker', err));
    }
  }
  return { reasons: scores.filter(flagged), scores };
}
