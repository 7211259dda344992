/**
 * The gallery's calls: thin handlers over the Gallery service that check what the validators
 * cannot see (an id that names no image, a path outside the app's folders) before anything is
 * changed, so a refused call leaves the gallery as it was.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { EmulsionError, invalidArgument } from '../../common/errors.ts';
import type { GalleryItemDetail } from '../../common/gallery.ts';
import type { CallName } from '../../common/ipc.ts';
import type { Gallery } from '../gallery/gallery.ts';
import { readImageSettings } from '../metadata/read.ts';
import { resolveInside } from './paths.ts';
import { IMAGE_TYPES } from './protocol.ts';
import { restoreForStudio, type RestoreContext } from './restore.ts';
import type { StudioHandlers } from './studio.ts';

export const GALLERY_CALLS = [
  'galleryQuery',
  'galleryGet',
  'galleryModels',
  'galleryTags',
  'gallerySetFavourite',
  'gallerySetTags',
  'galleryDelete',
  'galleryListTrash',
  'galleryRestore',
  'galleryEmptyTrash',
  'galleryRescan',
  'galleryUseSettings',
  'galleryImage',
  'readImageSettings',
  'revealInFolder',
] as const satisfies readonly CallName[];

export type GalleryCallName = (typeof GALLERY_CALLS)[number];

export interface GalleryHandlerDeps extends RestoreContext {
  gallery: () => Gallery;
  /** The startup reconcile: gallery calls answer once it is done, so the first page is whole. */
  ready?: Promise<void>;
  /** The folders the renderer may reach. */
  roots: () => string[];
  /** Shows a file in the OS file manager; absent in server mode. */
  revealInOs?: (path: string) => void;
}

const FORMAT_TYPES: Record<string, string | undefined> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
};

const noSuchImage = (id: number) =>
  invalidArgument('id', id, 'the id of an image in the gallery', 'Refresh the gallery.');

function distinct(field: string, values: number[]): void {
  const seen = new Set<number>();
  for (const v of values) {
    if (seen.has(v)) throw invalidArgument(field, v, 'ids listed once each');
    seen.add(v);
  }
}

export function createGalleryHandlers(
  deps: GalleryHandlerDeps,
): Pick<StudioHandlers, GalleryCallName> {
  const detail = (id: number): GalleryItemDetail => {
    const item = deps.gallery().get(id);
    if (!item) throw noSuchImage(id);
    return item;
  };

  const handlers: Pick<StudioHandlers, GalleryCallName> = {
    galleryQuery: async (query) => deps.gallery().query(query),
    galleryGet: async ({ id }) => detail(id),
    galleryModels: async () => deps.gallery().models(),
    galleryTags: async () => deps.gallery().tags(),
    async gallerySetFavourite({ id, favourite }) {
      detail(id);
      return deps.gallery().setFavourite(id, favourite);
    },
    async gallerySetTags({ id, tags }) {
      detail(id);
      return deps.gallery().setTags(id, tags);
    },
    async galleryDelete({ ids }) {
      distinct('ids', ids);
      // All or nothing: every id is checked before the first file moves.
      for (const id of ids) {
        if (!deps.gallery().get(id)) {
          throw invalidArgument('ids', id, 'ids of images in the gallery', 'Refresh the gallery.');
        }
      }
      return deps.gallery().delete(ids);
    },
    galleryListTrash: async () => deps.gallery().listTrash(),
    async galleryRestore({ trashIds }) {
      distinct('trashIds', trashIds);
      const known = new Set(
        deps
          .gallery()
          .listTrash()
          .map((e) => e.id),
      );
      const missing = trashIds.find((id) => !known.has(id));
      if (missing !== undefined) {
        throw invalidArgument('trashIds', missing, 'ids of entries in the trash');
      }
      return deps.gallery().restore(trashIds);
    },
    galleryEmptyTrash: async () => ({ deleted: await deps.gallery().emptyTrash() }),
    galleryRescan: () => deps.gallery().rescan(),
    async galleryUseSettings({ id }) {
      const item = detail(id);
      if (!item.settings) {
        throw new EmulsionError(
          'INVALID_ARGUMENT',
          'No settings found in this image. It can still be used as an init or control image.',
          { field: 'id', received: id },
        );
      }
      return restoreForStudio(item.settings, item.source, deps);
    },
    async galleryImage({ id }) {
      const item = detail(id);
      const real = await resolveInside('id', item.path, deps.roots()).catch(() => {
        throw invalidArgument('id', id, 'an image whose file still exists', 'Rescan the gallery.');
      });
      const data = await fs.readFile(real).catch((err: Error) => {
        throw new EmulsionError('IO_ERROR', `Could not read ${real}: ${err.message}`, {
          file: real,
        });
      });
      const type =
        FORMAT_TYPES[item.format] ?? IMAGE_TYPES[path.extname(real).toLowerCase()] ?? 'image/png';
      return { data: new Uint8Array(data), name: path.basename(real), type };
    },
    async readImageSettings({ data }) {
      const read = await readImageSettings(data);
      const restore = read.settings
        ? await restoreForStudio(read.settings, read.source, deps)
        : null;
      return { ...read, restore };
    },
    async revealInFolder({ path: target }) {
      const real = await resolveInside('path', target, deps.roots());
      if (!deps.revealInOs) {
        throw new EmulsionError(
          'INVALID_ARGUMENT',
          'Showing files in the file manager needs the desktop app.',
          { field: 'path' },
        );
      }
      deps.revealInOs(real);
      return null;
    },
  };
  return afterReady(handlers, deps.ready);
}

/** Each handler waits for the startup reconcile before it runs. */
function afterReady<H extends Record<string, (request: never) => Promise<unknown>>>(
  handlers: H,
  ready: Promise<void> | undefined,
): H {
  if (!ready) return handlers;
  const wrapped: Record<string, (request: never) => Promise<unknown>> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    wrapped[name] = async (request) => {
      await ready;
      return handler(request);
    };
  }
  return wrapped as H;
}
