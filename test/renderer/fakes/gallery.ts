/**
 * An in-memory gallery behind the fake transport: enough of the host's behaviour (filters, pages,
 * trash) for the renderer's tests, with every call recorded by the transport.
 */
import { EmulsionError } from '../../../common/errors.ts';
import type {
  DroppedImageSettings,
  GalleryItem,
  GalleryItemDetail,
  StudioRestore,
  TrashEntry,
} from '../../../common/gallery.ts';
import type { FakeTransport } from './transport.ts';

/** 2 Jan 2025 12:00 UTC; item i is i minutes older than item 0. */
export const T0 = Date.UTC(2025, 0, 2, 12);

export function fakeItem(i: number): GalleryItem {
  return {
    id: i + 1,
    path: `/home/ana/Pictures/Emulsion/${String(i).padStart(5, '0')}-${1000 + i}.png`,
    relPath: `${String(i).padStart(5, '0')}-${1000 + i}.png`,
    createdAt: T0 - i * 60_000,
    source: 'emulsion',
    format: 'png',
    width: 512,
    height: 512,
    prompt: i % 2 === 0 ? `a castle number ${i}` : `a boat number ${i}`,
    negativePrompt: 'blurry',
    model: i % 3 === 0 ? 'sd15' : 'emulsion-shapes',
    modelHash: null,
    seed: 1000 + i,
    favourite: i === 1,
    tags: [],
  };
}

export const RESTORE: StudioRestore = {
  fields: {
    prompt: 'a castle number 0',
    negativePrompt: 'blurry',
    steps: 30,
    cfg: 6.5,
    scheduler: 'DPM++ 2M Karras',
    seed: 1000,
    width: 512,
    height: 768,
  },
  model: '/models/sd15',
  modelName: 'sd15',
  warnings: ['The image used GPU noise; the same seed gives a different image.'],
};

export interface FakeGallery {
  items: GalleryItem[];
  trash: (TrashEntry & { item: GalleryItem })[];
  /** Answers of readImageSettings, by file name; anything else has no settings. */
  dropped: Record<string, DroppedImageSettings>;
}

export function installFakeGallery(transport: FakeTransport, count: number): FakeGallery {
  const g: FakeGallery = {
    items: Array.from({ length: count }, (_, i) => fakeItem(i)),
    trash: [],
    dropped: {},
  };
  let trashIds = 0;
  const find = (id: number) => {
    const item = g.items.find((i) => i.id === id);
    if (!item) throw new EmulsionError('INVALID_ARGUMENT', `no image ${id}`, { field: 'id' });
    return item;
  };
  const detail = (item: GalleryItem): GalleryItemDetail => ({
    ...item,
    settings: {
      prompt: item.prompt,
      negativePrompt: item.negativePrompt,
      steps: 30,
      cfg: 6.5,
      seed: item.seed ?? undefined,
      scheduler: 'DPM++ 2M Karras',
      model: { name: item.model ?? undefined },
      extra: {},
    },
    warnings: [],
  });
  Object.assign(transport.handlers, {
    galleryQuery(q) {
      let list = g.items.filter(
        (i) =>
          (!q.text || q.text.split(/\s+/).every((w) => i.prompt.includes(w))) &&
          (!q.model || i.model === q.model) &&
          (q.favourite === undefined || i.favourite === q.favourite) &&
          (q.from === undefined || i.createdAt >= q.from) &&
          (q.to === undefined || i.createdAt <= q.to) &&
          (!q.tag || i.tags.includes(q.tag)),
      );
      list = [...list].sort((a, b) =>
        q.order === 'oldest' ? a.createdAt - b.createdAt : b.createdAt - a.createdAt,
      );
      const offset = q.offset ?? 0;
      return { items: list.slice(offset, offset + (q.limit ?? 100)), total: list.length, offset };
    },
    galleryGet: ({ id }) => detail(find(id)),
    galleryModels: () => [
      { model: 'emulsion-shapes', count: g.items.filter((i) => i.model !== 'sd15').length },
      { model: 'sd15', count: g.items.filter((i) => i.model === 'sd15').length },
    ],
    galleryTags: () => [],
    gallerySetFavourite({ id, favourite }) {
      const item = find(id);
      item.favourite = favourite;
      return { ...item };
    },
    gallerySetTags({ id, tags }) {
      const item = find(id);
      item.tags = tags;
      return { ...item };
    },
    galleryDelete({ ids }) {
      return ids.map((id) => {
        const item = find(id);
        g.items = g.items.filter((i) => i !== item);
        const entry = {
          id: ++trashIds,
          path: `/home/ana/Pictures/Emulsion/.emulsion/trash/${item.relPath}`,
          originalRelPath: item.relPath,
          deletedAt: T0 + 3_600_000,
          prompt: item.prompt,
        };
        g.trash.push({ ...entry, item });
        return entry;
      });
    },
    galleryListTrash: () => g.trash.map(({ item: _item, ...entry }) => entry),
    galleryRestore({ trashIds: ids }) {
      return ids.map((id) => {
        const entry = g.trash.find((e) => e.id === id)!;
        g.trash = g.trash.filter((e) => e !== entry);
        g.items.push(entry.item);
        return entry.item;
      });
    },
    galleryEmptyTrash() {
      const deleted = g.trash.length;
      g.trash = [];
      return { deleted };
    },
    galleryRescan: () => ({
      files: g.items.length,
      added: 0,
      updated: 0,
      removed: 0,
      recovered: 0,
      trash: g.trash.length,
      durationMs: 1200,
      errors: [],
    }),
    galleryUseSettings: ({ id }) => (find(id), RESTORE),
    galleryImage: ({ id }) => ({
      data: new Uint8Array([137, 80, 78, 71, id]),
      name: find(id).relPath,
      type: 'image/png',
    }),
    readImageSettings: ({ name }) =>
      g.dropped[name ?? ''] ?? {
        source: 'none',
        format: 'png',
        settings: null,
        message: 'No settings found. The image can still be used as an init or control image.',
        warnings: [],
        restore: null,
      },
    revealInFolder: () => null,
  } satisfies Partial<FakeTransport['handlers']>);
  return g;
}
