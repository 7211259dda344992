/**
 * The safety filter the engine calls: `checkPrompt` before generating, `filterImage` on every
 * decoded image and every live preview before it leaves the engine.
 *
 * Policy (common/safety.ts):
 *   off    nothing is checked; everything passes.
 *   warn   flagged content passes unchanged, with its reasons.
 *   blur   flagged images come back blurred (blur.ts) with their reasons; the caller keeps the
 *          original in memory so the user can reveal it and choose to keep it.
 *   block  flagged images come back without pixels: nothing of them may be written or shown,
 *          previews included; a flagged prompt is refused before generation.
 * A prompt flagged under `blur` makes every image of that job count as flagged too: the layers
 * add up, so a classifier miss on an explicitly requested image is still caught.
 *
 * The engine's rule is a single one: show or write `decision.rgb` when it is set, and nothing
 * when it is not. `rgb` is the input itself for pass and warn, the blurred pixels for blur, and
 * absent for block.
 *
 * Terms in the negative prompt are reported but never flag: "nude, nsfw" in a negative prompt
 * steers away from that content.
 *
 * Logging: decisions only (layer, class, score, threshold; term and category for prompts).
 * Image data never reaches the log.
 */
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import type { ExecutionProviderName } from '../../common/generation.ts';
import {
  describeReason,
  type PromptReason,
  type SafetyAction,
  type SafetyDecision,
  type SafetyReason,
  type SafetySettings,
} from '../../common/safety.ts';
import { createLogger } from '../engine/log.ts';
import { blurRgb } from './blur.ts';
import { loadBundledClassifier, type ImageClassifier } from './classifier.ts';
import { checkImageLayers } from './image-check.ts';
import { createPromptChecker } from './prompt-check.ts';
import { loadModelSafetyChecker, type ModelSafetyChecker } from './safety-checker.ts';
import { validateSafetySettings } from './settings.ts';
import { loadTermLists } from './terms.ts';

const log = createLogger('safety');

export interface PromptDecision extends SafetyDecision {
  kind: 'prompt';
  reasons: PromptReason[];
  /** Terms found in the negative prompt: reported, never acted on. */
  negative: PromptReason[];
}

export interface ImageDecision extends SafetyDecision {
  kind: 'preview' | 'final';
  /** The pixels the caller may show or write: the input (pass, warn), blurred (blur), or none (block). */
  rgb?: Uint8Array;
}

export interface ImageContext {
  /** Path of the model's safety_checker/model.onnx, when the folder has one. */
  modelSafetyChecker?: string;
  kind: 'preview' | 'final';
  /** The job's prompt decision: under `blur` a flagged prompt flags its images too. */
  prompt?: PromptDecision;
}

export interface SafetyFilter {
  readonly settings: SafetySettings;
  checkPrompt(prompt: string, negative?: string): PromptDecision;
  filterImage(
    rgb: Uint8Array,
    width: number,
    height: number,
    context: ImageContext,
  ): Promise<ImageDecision>;
  /** Frees the classifier and checker sessions. */
  release(): Promise<void>;
}

export interface SafetyFilterConfig {
  /** Settings (validated; missing fields take the defaults). */
  settings?: unknown;
  /** Folder of the shipped word lists; default resources/safety/terms. */
  termsDir?: string;
  /** Where the converted classifier is cached; default resources/models/safety. */
  classifierCacheDir?: string;
  /** Provider for the model's own checker (a CLIP ViT-L/14); default auto. */
  checkerProvider?: ExecutionProviderName;
  /** Replaces the bundled classifier (tests, or a host that loaded it already). */
  classifier?: ImageClassifier;
  /** Replaces the checker loader (tests). */
  loadModelChecker?: (file: string) => Promise<ModelSafetyChecker>;
}

function actionFor(
  policy: SafetySettings['policy'],
  reasons: readonly SafetyReason[],
): SafetyAction {
  return policy === 'off' || reasons.length === 0 ? 'pass' : policy;
}

function logged(r: SafetyReason): Record<string, unknown> {
  return r.layer === 'prompt'
    ? { layer: r.layer, category: r.category, term: r.term, start: r.start, end: r.end }
    : { layer: r.layer, class: r.class, score: r.score, threshold: r.threshold };
}

function logDecision(d: SafetyDecision): void {
  const data = { kind: d.kind, policy: d.policy, action: d.action, reasons: d.reasons.map(logged) };
  if (d.action === 'pass') log.debug('safety decision', data);
  else log.info('safety decision', data);
}

function checkRgb(rgb: Uint8Array, width: number, height: number): void {
  if (!Number.isInteger(width) || width < 1)
    throw invalidArgument('width', width, 'a positive integer');
  if (!Number.isInteger(height) || height < 1)
    throw invalidArgument('height', height, 'a positive integer');
  if (!(rgb instanceof Uint8Array) || rgb.length !== width * height * 3) {
    throw invalidArgument(
      'rgb.length',
      rgb?.length,
      `${width * height * 3} (width × height × 3 bytes)`,
    );
  }
}

export function createSafetyFilter(config: SafetyFilterConfig = {}): SafetyFilter {
  const settings = validateSafetySettings(config.settings ?? {});
  const lists = loadTermLists({ shippedDir: config.termsDir, userDir: settings.userTermsDir });
  const prompts = createPromptChecker(lists, settings.promptCategories);

  let classifier: Promise<ImageClassifier> | undefined;
  const checkers = new Map<string, Promise<ModelSafetyChecker>>();
  const loadChecker =
    config.loadModelChecker ??
    ((file: string) => loadModelSafetyChecker(file, config.checkerProvider));
  const layers = {
    classifier: () => {
      if (!classifier) {
        classifier = config.classifier
          ? Promise.resolve(config.classifier)
          : loadBundledClassifier({ cacheDir: config.classifierCacheDir });
        // A failed load is retried on the next image rather than cached as a failure.
        classifier.catch(() => (classifier = undefined));
      }
      return classifier;
    },
    modelChecker: (file: string) => {
      let checker = checkers.get(file);
      if (!checker) {
        checker = loadChecker(file);
        checkers.set(file, checker);
        checker.catch(() => checkers.delete(file));
      }
      return checker;
    },
  };

  return {
    settings,
    checkPrompt(prompt, negative) {
      if (typeof prompt !== 'string') throw invalidArgument('prompt', prompt, 'a string');
      if (negative !== undefined && typeof negative !== 'string') {
        throw invalidArgument('negativePrompt', negative, 'a string');
      }
      const off = settings.policy === 'off';
      const reasons = off ? [] : prompts.find(prompt);
      const decision: PromptDecision = {
        policy: settings.policy,
        action: actionFor(settings.policy, reasons),
        kind: 'prompt',
        reasons,
        scores: [],
        negative: off || !negative ? [] : prompts.find(negative),
      };
      logDecision(decision);
      return decision;
    },
    async filterImage(rgb, width, height, context) {
      checkRgb(rgb, width, height);
      if (context.kind !== 'preview' && context.kind !== 'final') {
        throw invalidArgument('context.kind', context.kind, ['preview', 'final']);
      }
      const base = { policy: settings.policy, kind: context.kind };
      if (settings.policy === 'off')
        return { ...base, action: 'pass', reasons: [], scores: [], rgb };
      const check = await checkImageLayers(rgb, width, height, {
        settings,
        kind: context.kind,
        modelSafetyChecker: context.modelSafetyChecker,
        layers,
      });
      const reasons: SafetyReason[] = [...(context.prompt?.reasons ?? []), ...check.reasons];
      const action = actionFor(settings.policy, reasons);
      const decision: ImageDecision = { ...base, action, reasons, scores: check.scores };
      if (action === 'pass' || action === 'warn') decision.rgb = rgb;
      else if (action === 'blur') decision.rgb = await blurRgb(rgb, width, height);
      logDecision(decision);
      return decision;
    },
    async release() {
      const all = [classifier, ...checkers.values()].filter((p) => p !== undefined);
      classifier = undefined;
      checkers.clear();
      for (const p of all) {
        const loaded = await p.catch(() => undefined);
        if (loaded && loaded !== config.classifier) await loaded.release();
      }
    },
  };
}

/** The record to store in metadata and job events: the decision without pixels. */
export function toSafetyDecision(
  d: SafetyDecision & { rgb?: Uint8Array; negative?: PromptReason[] },
): SafetyDecision {
  const { policy, action, kind, reasons, scores, revealed } = d;
  return { policy, action, kind, reasons, scores, ...(revealed !== undefined ? { revealed } : {}) };
}

/** The error for a prompt refused under `block`: names every matched term and its category. */
export function promptBlockedError(decision: PromptDecision): EmulsionError {
  const list = decision.reasons.map(describeReason).join('; ');
  return new EmulsionError(
    'SAFETY_BLOCKED',
    `The prompt was blocked by the safety policy: ${list}.`,
    {
      field: 'prompt',
      received: decision.reasons.map((r) => r.matched),
      allowed:
        'a prompt without terms from the enabled safety word lists (or a different safety policy)',
    },
  );
}

/** Reasons as lines for people (CLI output, warnings). */
export function describeDecision(d: SafetyDecision): string[] {
  return d.reasons.map(describeReason);
}
