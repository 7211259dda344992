/**
 * The safety calls: the word lists in effect (read-only), revealing and keeping the original of a
 * blurred image, and safety-eval over a labelled folder. Blurred images' originals are held in
 * memory here (`OriginalsStore`), never written unless the user keeps one.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import type { GenerateResult } from '../../common/generation.ts';
import type {
  SafetyEvalReport,
  SafetyImageRef,
  SafetyTermsInfo,
  StudioModel,
} from '../../common/ipc.ts';
import { createLogger } from '../engine/log.ts';
import type { Gallery } from '../gallery/gallery.ts';
import type { EvalOptions, EvalReport } from '../safety/eval.ts';
import { loadTermLists, type TermList } from '../safety/terms.ts';
import { replaceWithOriginal, type HashLookup, type HeldOriginal } from './gallery-service.ts';
import { resolveInside } from './paths.ts';
import type { SettingsStore } from './settings.ts';
import type { StudioHandlers } from './studio.ts';

const log = createLogger('safety-ui');

/**
 * Originals of the most recent blurred images. A 1024² PNG is about 1.5 MB, so 16 of them stay
 * under ~25 MB; older ones are dropped, after which "Reveal" says the original is gone.
 */
export const MAX_HELD_ORIGINALS = 16;

export class OriginalsStore {
  private readonly held = new Map<string, HeldOriginal>();

  constructor(private readonly limit = MAX_HELD_ORIGINALS) {}

  private static key(ref: SafetyImageRef): string {
    return `${ref.jobId}:${ref.index}`;
  }

  /** Keeps the originals of a finished job's blurred images, with their saved gallery items. */
  add(jobId: string, result: GenerateResult, items: (HeldOriginal['item'] | undefined)[]): void {
    const bare: GenerateResult = { ...result, images: [], controlHints: undefined };
    result.images.forEach((image, i) => {
      if (!image.originalPng) return;
      const key = OriginalsStore.key({ jobId, index: image.index });
      this.held.set(key, {
        result: bare,
        image: { ...image, originalPng: image.originalPng },
        item: items[i] ?? null,
      });
      while (this.held.size > this.limit) this.held.delete(this.held.keys().next().value!);
    });
  }

  get(ref: SafetyImageRef): HeldOriginal {
    const held = this.held.get(OriginalsStore.key(ref));
    if (!held) {
      throw invalidArgument(
        'index',
        ref.index,
        `a blurred image of this session (job ${ref.jobId})`,
        `Originals are kept in memory only, for the last ${this.limit} blurred images.`,
      );
    }
    return held;
  }

  update(ref: SafetyImageRef, held: HeldOriginal): void {
    this.held.set(OriginalsStore.key(ref), held);
  }

  get size(): number {
    return this.held.size;
  }
}

/** Strips the originals from a result before it leaves main (they are revealed on request). */
export function withoutOriginals(result: GenerateResult): GenerateResult {
  if (!result.images.some((i) => i.originalPng)) return result;
  return {
    ...result,
    images: result.images.map(({ originalPng: _held, ...image }) => image),
  };
}

export type SafetyEvalRunner = (options: EvalOptions) => Promise<EvalReport>;

export interface SafetyHandlerDeps {
  settings: SettingsStore;
  gallery: Gallery;
  hashes: HashLookup;
  originals: OriginalsStore;
  roots: () => string[];
  models: () => Promise<StudioModel[]>;
  /** The app's own folder of user word lists. */
  userTermsDir: string;
  /** Gives the engine the current settings again (after the lists were edited). */
  reapply: () => Promise<void>;
  /** Default: main/safety/eval.ts runEvaluation, loaded on first use (it loads onnxruntime). */
  runEvaluation?: SafetyEvalRunner;
  classifierCacheDir?: string;
}

function termsInfo(userTermsDir: string): SafetyTermsInfo {
  const shape = (lists: Record<string, TermList>) =>
    Object.values(lists).map((l) => ({
      category: l.category,
      terms: l.terms,
      exceptions: l.exceptions,
      reason: l.reason,
      files: l.files,
    }));
  try {
    return { lists: shape(loadTermLists({ userDir: userTermsDir })), userTermsDir };
  } catch (err) {
    return {
      lists: shape(loadTermLists()),
      userTermsDir,
      error: `Your word lists could not be read, so only the shipped ones are shown: ${(err as Error).message}`,
    };
  }
}

/** safety-eval names its fields as command-line flags; the studio names the form's fields. */
const EVAL_FIELDS: Record<string, string> = {
  '--images': 'imagesDir',
  '--labels': 'labelsFile',
  '--target-recall': 'targetRecall',
};

function renameField(err: unknown): unknown {
  if (!(err instanceof EmulsionError) || !err.details.field) return err;
  const field = EVAL_FIELDS[err.details.field];
  return field ? new EmulsionError(err.code, err.message, { ...err.details, field }) : err;
}

export function createSafetyHandlers(deps: SafetyHandlerDeps) {
  let evaluating = false;
  const run: SafetyEvalRunner =
    deps.runEvaluation ??
    (async (options) => (await import('../safety/eval.ts')).runEvaluation(options));

  const handlers: Pick<
    StudioHandlers,
    'safetyTerms' | 'safetyReloadTerms' | 'safetyReveal' | 'safetyKeepOriginal' | 'safetyEval'
  > = {
    safetyTerms: async () => termsInfo(deps.userTermsDir),
    async safetyReloadTerms() {
      await deps.reapply();
      return termsInfo(deps.userTermsDir);
    },
    async safetyReveal(ref) {
      return { png: deps.originals.get(ref).image.originalPng };
    },
    async safetyKeepOriginal(ref) {
      const held = deps.originals.get(ref);
      const item = await replaceWithOriginal(deps.gallery, deps.hashes, held);
      deps.originals.update(ref, { ...held, item });
      return item;
    },
    async safetyEval(request) {
      const roots = deps.roots();
      const imagesDir = await resolveInside('imagesDir', request.imagesDir, roots);
      if (!statSync(imagesDir).isDirectory()) {
        throw invalidArgument('imagesDir', request.imagesDir, 'a folder of images');
      }
      const labelsFile = await resolveInside('labelsFile', request.labelsFile, roots);
      if (!statSync(labelsFile).isFile()) {
        throw invalidArgument(
          'labelsFile',
          request.labelsFile,
          'a CSV file (file,label[,category])',
        );
      }
      let modelSafetyChecker: string | undefined;
      if (request.model !== undefined) {
        const models = await deps.models();
        if (!models.some((m) => m.path === request.model)) {
          throw invalidArgument('model', request.model, 'a model from the models list');
        }
        modelSafetyChecker = path.join(request.model, 'safety_checker', 'model.onnx');
        if (!existsSync(modelSafetyChecker)) {
          throw invalidArgument('model', request.model, 'a model folder with a safety_checker');
        }
      }
      if (evaluating) {
        throw new EmulsionError('INVALID_ARGUMENT', 'A safety evaluation is already running.', {
          field: 'imagesDir',
        });
      }
      evaluating = true;
      try {
        const report: SafetyEvalReport = await run({
          imagesDir,
          labelsFile,
          targetRecall: request.targetRecall,
          settings: deps.settings.get().safety,
          modelSafetyChecker,
          classifierCacheDir: deps.classifierCacheDir,
        });
        log.info(`safety-eval over ${imagesDir}: ${report.counts.images} images`);
        return report;
      } catch (err) {
        throw renameField(err);
      } finally {
        evaluating = false;
      }
    },
  };
  return handlers;
}
