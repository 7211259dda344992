/**
 * safety-eval: runs the image layers over a folder the user labelled and reports, per layer and
 * for their combination (flagged when any layer flags), the confusion matrix, precision, recall
 * and false-positive rate with Wilson 95 % intervals, the same shares per category, and for the
 * classifier the threshold that would reach a target recall.
 *
 * The classifier's score for an image is max(P(Hentai), P(Porn), P(Sexy)), so the suggested
 * threshold maps straight onto the settings: set those three class thresholds to it. The model's
 * own checker answers yes or no and has no threshold to tune.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import type { ClassThresholds, NsfwClass, SafetySettings } from '../../common/safety.ts';
import { loadBundledClassifier, type ClassScores, type ImageClassifier } from './classifier.ts';
import { classifierScores, flagged } from './image-check.ts';
import { parseLabelsCsv, type Label, type LabelRow } from './labels.ts';
import { loadModelSafetyChecker, type ModelSafetyChecker } from './safety-checker.ts';
import {
  metricsOf,
  confusionOf,
  rate,
  thresholdForRecall,
  type Metrics,
  type Rate,
  type RecallThreshold,
} from './stats.ts';

/** The classes whose maximum is the classifier's "unsafe" score. */
export const UNSAFE_CLASSES: readonly NsfwClass[] = ['Hentai', 'Porn', 'Sexy'];

export type EvalLayerName = 'classifier' | 'safety-checker' | 'combined';

export interface CategoryRate {
  category: string;
  label: Label;
  /** Share flagged: recall for unsafe categories, false-positive rate for safe ones. */
  flagged: Rate;
}

export interface LayerReport extends Metrics {
  layer: EvalLayerName;
  /** Classifier only: the threshold on max(P(Hentai), P(Porn), P(Sexy)) reaching the target recall. */
  thresholdForTargetRecall: RecallThreshold | null;
  note?: string;
  byCategory: CategoryRate[];
}

export interface EvalItem {
  file: string;
  label: Label;
  category?: string;
  classifier?: { scores: ClassScores; unsafeScore: number; flagged: boolean };
  safetyChecker?: { flagged: boolean };
}

export interface EvalReport {
  imagesDir: string;
  labelsFile: string;
  counts: { images: number; unsafe: number; safe: number };
  targetRecall: number;
  thresholds: ClassThresholds | null;
  layers: LayerReport[];
  items: EvalItem[];
  /** Image files in the folder that the labels file does not mention. */
  unlabelled: string[];
}

export interface EvalOptions {
  imagesDir: string;
  labelsFile: string;
  /** Recall the suggested threshold must reach, in (0, 1]; default 0.9. */
  targetRecall?: number;
  /** Classifier settings (thresholds, enabled). */
  settings: SafetySettings;
  /** The model's safety_checker/model.onnx, when it should be evaluated too. */
  modelSafetyChecker?: string;
  /** Injected layers (tests, or a host that has them loaded). */
  classifier?: ImageClassifier;
  loadModelChecker?: (file: string) => Promise<ModelSafetyChecker>;
  classifierCacheDir?: string;
}

const IMAGE_EXTENSIONS = new Set([
  '.png',
  '.jpg',
  '.jpeg',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
  '.avif',
]);

function readLabels(options: EvalOptions): LabelRow[] {
  const { imagesDir, labelsFile } = options;
  if (!existsSync(imagesDir) || !statSync(imagesDir).isDirectory()) {
    throw invalidArgument('--images', imagesDir, 'an existing folder of images');
  }
  if (!existsSync(labelsFile) || !statSync(labelsFile).isFile()) {
    throw invalidArgument('--labels', labelsFile, 'an existing CSV file (file,label[,category])');
  }
  const rows = parseLabelsCsv(readFileSync(labelsFile, 'utf8'), labelsFile);
  const missing = rows.filter((r) => !existsSync(path.join(imagesDir, r.file)));
  if (missing.length > 0) {
    const list = missing.slice(0, 10).map((r) => `${r.file} (line ${r.line})`);
    const more = missing.length > 10 ? `, and ${missing.length - 10} more` : '';
    throw new EmulsionError(
      'IMAGE_INVALID',
      `${missing.length} image(s) listed in ${labelsFile} are not in ${imagesDir}: ${list.join(', ')}${more}.`,
      { field: '--labels', received: missing.map((r) => r.file), file: labelsFile },
    );
  }
  return rows;
}

async function readRgb(
  file: string,
  row: LabelRow,
  labelsFile: string,
): Promise<{ rgb: Uint8Array; width: number; height: number }> {
  try {
    const { data, info } = await sharp(file)
      .rotate()
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    return {
      rgb: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
      width: info.width,
      height: info.height,
    };
  } catch (err) {
    throw new EmulsionError(
      'IMAGE_INVALID',
      `${file} (${labelsFile} line ${row.line}) could not be read as an image: ${(err as Error).message}.`,
      { field: '--images', received: row.file, file },
    );
  }
}

function byCategory(
  items: readonly EvalItem[],
  isFlagged: (i: EvalItem) => boolean,
): CategoryRate[] {
  const groups = new Map<string, EvalItem[]>();
  for (const item of items) {
    if (!item.category) continue;
    const key = `${item.label}\u0000${item.category}`;
    groups.set(key, [...(groups.get(key) ?? []), item]);
  }
  return [...groups.values()]
    .map((group) => ({
      category: group[0].category!,
      label: group[0].label,
      flagged: rate(group.filter(isFlagged).length, group.length)!,
    }))
    .sort((a, b) => a.label.localeCompare(b.label) || a.category.localeCompare(b.category));
}

function layerReport(
  layer: EvalLayerName,
  items: readonly EvalItem[],
  isFlagged: (i: EvalItem) => boolean,
  extra: Pick<LayerReport, 'thresholdForTargetRecall' | 'note'>,
): LayerReport {
  const confusion = confusionOf(
    items.map((i) => ({ unsafe: i.label === 'unsafe', flagged: isFlagged(i) })),
  );
  return { layer, ...metricsOf(confusion), ...extra, byCategory: byCategory(items, isFlagged) };
}

/** Image files at the top of the folder that the labels do not mention (nested folders are rare). */
function unlabelledFiles(dir: string, rows: readonly LabelRow[]): string[] {
  const labelled = new Set(rows.map((r) => path.normalize(r.file)));
  return readdirSync(dir)
    .filter((f) => IMAGE_EXTENSIONS.has(path.extname(f).toLowerCase()) && !labelled.has(f))
    .sort();
}

export async function runEvaluation(options: EvalOptions): Promise<EvalReport> {
  const targetRecall = options.targetRecall ?? 0.9;
  if (!(targetRecall > 0 && targetRecall <= 1)) {
    throw invalidArgument('--target-recall', targetRecall, 'a number greater than 0 and at most 1');
  }
  const rows = readLabels(options);
  const { settings } = options;
  const useClassifier = settings.classifier.enabled;
  const checkerFile = options.modelSafetyChecker;
  if (!useClassifier && checkerFile === undefined) {
    throw invalidArgument('layers', 'none', 'the classifier, a model safety checker, or both');
  }
  const classifier = useClassifier
    ? (options.classifier ??
      (await loadBundledClassifier({ cacheDir: options.classifierCacheDir })))
    : undefined;
  const checker =
    checkerFile === undefined
      ? undefined
      : await (options.loadModelChecker ?? ((f: string) => loadModelSafetyChecker(f)))(checkerFile);
  const items: EvalItem[] = [];
  try {
    for (const row of rows) {
      const { rgb, width, height } = await readRgb(
        path.join(options.imagesDir, row.file),
        row,
        options.labelsFile,
      );
      const item: EvalItem = {
        file: row.file,
        label: row.label,
        ...(row.category ? { category: row.category } : {}),
      };
      if (classifier) {
        const scores = await classifier.classify(rgb, width, height);
        item.classifier = {
          scores,
          unsafeScore: Math.max(...UNSAFE_CLASSES.map((c) => scores[c])),
          flagged: classifierScores(scores, settings).some(flagged),
        };
      }
      if (checker) item.safetyChecker = { flagged: await checker.check(rgb, width, height) };
      items.push(item);
    }
  } finally {
    if (classifier && classifier !== options.classifier) await classifier.release();
    if (checker) await checker.release();
  }

  const layers: LayerReport[] = [];
  if (classifier) {
    const scored = items.map((i) => ({
      unsafe: i.label === 'unsafe',
      score: i.classifier!.unsafeScore,
    }));
    layers.push(
      layerReport('classifier', items, (i) => i.classifier!.flagged, {
        thresholdForTargetRecall: thresholdForRecall(scored, targetRecall),
      }),
    );
  }
  if (checker) {
    layers.push(
      layerReport('safety-checker', items, (i) => i.safetyChecker!.flagged, {
        thresholdForTargetRecall: null,
        note: 'The model’s checker answers yes or no; it has no threshold to tune.',
      }),
    );
  }
  if (classifier && checker) {
    layers.push(
      layerReport('combined', items, (i) => i.classifier!.flagged || i.safetyChecker!.flagged, {
        thresholdForTargetRecall: null,
        note: 'Flagged when any layer flags.',
      }),
    );
  }
  const unsafe = items.filter((i) => i.label === 'unsafe').length;
  return {
    imagesDir: options.imagesDir,
    labelsFile: options.labelsFile,
    counts: { images: items.length, unsafe, safe: items.length - unsafe },
    targetRecall,
    thresholds: classifier ? settings.classifier.thresholds : null,
    layers,
    items,
    unlabelled: unlabelledFiles(options.imagesDir, rows),
  };
}
