/**
 * The gallery as the studio uses it, for the Electron app and the local server alike: opened in
 * the app data folder (which holds gallery.db and the model hash cache) over the output folder,
 * reconciled on open so PNGs of an interrupted save are indexed, and the one place finished
 * images are written (both metadata chunks, then the index row).
 */
import path from 'node:path';
import type { GalleryItem } from '../../common/gallery.ts';
import type { GenerateResult, GeneratedImage } from '../../common/generation.ts';
import {
  EmulsionError,
  invalidArgument,
  serializeError,
  type SerializedError,
} from '../../common/errors.ts';
import { createLogger } from '../engine/log.ts';
import { Gallery } from '../gallery/gallery.ts';
import { ModelHashCache, type ModelHashes } from '../metadata/model-hash.ts';
import { withMetadata } from '../metadata/write.ts';
import { writeFileAtomic } from './outputs.ts';
import { createThumbnailCache, type ThumbnailCache } from './thumbnails.ts';

const log = createLogger('studio-gallery');

/** Model hashes for a model path, or undefined when the model cannot be hashed. */
export type HashLookup = (modelPath: string) => Promise<ModelHashes | undefined>;

export interface StudioGallery {
  gallery: Gallery;
  hashes: HashLookup;
  /** Grid thumbnails for the image protocol and the server's /image/ route. */
  thumbnails: ThumbnailCache;
  /** Settles when the startup reconcile is done (it never rejects; failures are logged). */
  ready: Promise<void>;
  /** Closes the index once the startup reconcile has finished. */
  close(): Promise<void>;
}

/** Folder, inside the app data folder, for caches that can be rebuilt (model hashes, thumbnails). */
export const CACHE_DIR = 'cache';

export function createHashLookup(cacheDir: string): HashLookup {
  const cache = new ModelHashCache(cacheDir);
  return async (modelPath) => {
    try {
      return await cache.hashes(modelPath);
    } catch (err) {
      // An image without a model hash is still worth saving; the reason goes to the log.
      log.warn(`Could not hash the model ${modelPath}: ${(err as Error).message}`);
      return undefined;
    }
  };
}

/**
 * Opens the index and starts reconciling it with the output folder in the background: a first
 * start over a folder of thousands of images takes a while, and the window should not wait for
 * it. The gallery calls wait for `ready`; saves queue behind the reconcile inside the Gallery.
 */
export async function openStudioGallery(options: {
  appDataDir: string;
  outputFolder: string;
}): Promise<StudioGallery> {
  const gallery = await Gallery.open({
    appDataDir: options.appDataDir,
    outputDir: options.outputFolder,
    reconcile: false,
  });
  const ready = gallery.reconcile().then(
    (report) => {
      if (report.recovered > 0) log.info(`Recovered ${report.recovered} interrupted saves`);
      if (report.errors.length > 0) log.warn(`Unreadable images: ${report.errors.join('; ')}`);
    },
    (err: unknown) =>
      log.error(`Could not index ${options.outputFolder}: ${(err as Error).message}`),
  );
  const cache = path.join(options.appDataDir, CACHE_DIR);
  return {
    gallery,
    hashes: createHashLookup(cache),
    thumbnails: createThumbnailCache(path.join(cache, 'thumbnails')),
    ready,
    async close() {
      await ready;
      gallery.close();
    },
  };
}

export interface SavedResult {
  /** Paths in image order; null where an image could not be saved. */
  files: (string | null)[];
  items: GalleryItem[];
  error?: SerializedError;
}

/**
 * Saves every image of a result into the gallery with the model's hashes. One image that fails
 * does not stop the others; the first error is reported.
 */
export async function saveResult(
  gallery: Pick<Gallery, 'saveGenerated'>,
  hashes: HashLookup,
  result: GenerateResult,
): Promise<SavedResult> {
  const modelHashes = await hashes(result.request.model);
  const refinerHashes = result.request.refiner
    ? await hashes(result.request.refiner.model)
    : undefined;
  const saved: SavedResult = { files: [], items: [] };
  for (const image of result.images) {
    try {
      const item = await gallery.saveGenerated(result, image, { modelHashes, refinerHashes });
      saved.files.push(item.path);
      saved.items.push(item);
    } catch (err) {
      log.error(
        `Could not save image ${image.index} (seed ${image.seed}): ${(err as Error).message}`,
      );
      saved.files.push(null);
      saved.error ??= serializeError(err);
    }
  }
  return saved;
}

/** A blurred image as it was saved, with the original the engine kept in memory. */
export interface HeldOriginal {
  /** The job's result (its request, scheduler and prompt decision; images left out). */
  result: GenerateResult;
  /** The image as generated: `png` blurred, `originalPng` the unblurred pixels. */
  image: GeneratedImage & { originalPng: Uint8Array };
  /** Its gallery entry, or null when it could not be saved. */
  item: GalleryItem | null;
}

/**
 * "Keep original": writes the original pixels over the saved blurred file, in place, with both
 * metadata chunks rebuilt and the image's safety decision marked `revealed: true`, then indexes
 * the file again. The same path keeps the same gallery row (and its favourite and tags), so the
 * blurred version does not linger as a separate item; the write is atomic (temp file, rename),
 * so a reader sees either the blurred or the original file, never half of one.
 */
export async function replaceWithOriginal(
  gallery: Pick<Gallery, 'get' | 'addFile'>,
  hashes: HashLookup,
  held: HeldOriginal,
): Promise<GalleryItem> {
  const { item, result } = held;
  if (!item) {
    throw new EmulsionError(
      'IO_ERROR',
      'The blurred image was never saved, so there is no file to replace.',
    );
  }
  if (gallery.get(item.id)?.path !== item.path) {
    throw invalidArgument(
      'id',
      item.id,
      'an image still in the gallery',
      'The blurred image was deleted or moved, so its original was not written.',
    );
  }
  const decision = held.image.safety;
  const image: GeneratedImage = {
    png: held.image.originalPng,
    width: held.image.width,
    height: held.image.height,
    seed: held.image.seed,
    index: held.image.index,
    ...(decision ? { safety: { ...decision, revealed: true } } : {}),
  };
  const { png } = withMetadata(result, image, {
    modelHashes: await hashes(result.request.model),
    refinerHashes: result.request.refiner ? await hashes(result.request.refiner.model) : undefined,
    createdAt: new Date(item.createdAt),
  });
  await writeFileAtomic(item.path, png);
  log.info(`Kept the original of ${item.relPath} (safety decision marked revealed)`);
  return gallery.addFile(item.path);
}
