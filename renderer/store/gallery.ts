/**
 * The gallery part of the studio store: filtered pages of the index, the detail view, favourites,
 * tags, delete with undo, the trash, and "use settings / use as init or control image".
 *
 * Pages load one after the other as the grid scrolls (`loadMoreGallery`). Every filter change
 * starts a new generation; a page that answers for an older one is dropped, so a slow reply can
 * never mix results of two searches.
 */
import type { GalleryQuery } from '../../common/gallery.ts';
import { endOfDay, startOfDay } from '../lib/dates.ts';
import type { SliceContext } from './slice.ts';
import type { GalleryActions, GalleryData, GalleryFilters } from './types.ts';

/** Items per page: a multiple of the usual column counts (3, 4, 5, 6, 8), a few screens' worth. */
export const PAGE_SIZE = 120;

export function initialGallery(): GalleryData {
  return {
    filters: {
      text: '',
      model: '',
      from: '',
      to: '',
      favourite: false,
      tag: '',
      order: 'newest',
    },
    items: [],
    total: 0,
    loading: false,
    loaded: false,
    stale: false,
    models: [],
    tags: [],
    mode: 'grid',
    detail: null,
    trash: null,
    undo: null,
  };
}

/** The query a set of filters asks for; empty filters are left out. */
export function filtersToQuery(f: GalleryFilters, offset: number, limit: number): GalleryQuery {
  const query: GalleryQuery = { offset, limit };
  const text = f.text.trim();
  if (text) query.text = text;
  if (f.model) query.model = f.model;
  const from = startOfDay(f.from);
  const to = endOfDay(f.to);
  if (from !== undefined) query.from = from;
  if (to !== undefined) query.to = to;
  if (f.favourite) query.favourite = true;
  if (f.tag) query.tag = f.tag;
  // Relevance ranks by the search words; without words it means nothing, so newest stands in.
  query.order = f.order === 'relevance' && !text ? 'newest' : f.order;
  return query;
}

export function galleryActions(ctx: SliceContext): GalleryActions {
  const { set, get, transport, fail } = ctx;
  let generation = 0;
  const patch = (p: Partial<GalleryData>) => set((s) => ({ gallery: { ...s.gallery, ...p } }));

  async function loadChoices() {
    try {
      const [models, tags] = await Promise.all([
        transport.call('galleryModels'),
        transport.call('galleryTags'),
      ]);
      patch({ models, tags });
    } catch (err) {
      fail(err);
    }
  }

  async function loadPage(offset: number): Promise<void> {
    const mine = generation;
    const filters = get().gallery.filters;
    patch({ loading: true });
    try {
      const page = await transport.call('galleryQuery', filtersToQuery(filters, offset, PAGE_SIZE));
      if (mine !== generation) return;
      const kept = offset === 0 ? [] : get().gallery.items.slice(0, offset);
      patch({ items: [...kept, ...page.items], total: page.total, loaded: true, stale: false });
    } catch (err) {
      if (mine === generation) fail(err);
    } finally {
      if (mine === generation) patch({ loading: false });
    }
  }

  const actions: GalleryActions = {
    async loadGallery() {
      generation++;
      await Promise.all([loadPage(0), loadChoices()]);
    },

    async loadMoreGallery() {
      const g = get().gallery;
      if (g.loading || !g.loaded || g.items.length >= g.total) return;
      await loadPage(g.items.length);
    },

    setGalleryFilters(changes) {
      patch({ filters: { ...get().gallery.filters, ...changes } });
      generation++;
      void loadPage(0);
    },

    setGalleryMode(mode) {
      patch({ mode, detail: null });
      if (mode === 'trash') void actions.loadTrash();
      else if (get().gallery.stale || !get().gallery.loaded) void actions.loadGallery();
    },

    async openDetail(id) {
      try {
        const detail = await transport.call('galleryGet', { id });
        patch({ detail });
      } catch (err) {
        fail(err);
      }
    },

    closeDetail: () => patch({ detail: null }),

    async stepDetail(delta) {
      const { detail, items } = get().gallery;
      if (!detail) return;
      const at = items.findIndex((i) => i.id === detail.id);
      const next = at < 0 ? undefined : items[at + delta];
      if (next) await actions.openDetail(next.id);
      if (delta > 0 && at + delta >= items.length - 1) void actions.loadMoreGallery();
    },

    async toggleFavourite(id) {
      const current =
        get().gallery.items.find((i) => i.id === id) ??
        (get().gallery.detail?.id === id ? get().gallery.detail : undefined);
      if (!current) return;
      try {
        const item = await transport.call('gallerySetFavourite', {
          id,
          favourite: !current.favourite,
        });
        const g = get().gallery;
        patch({
          items: g.items.map((i) => (i.id === id ? item : i)),
          detail: g.detail?.id === id ? { ...g.detail, favourite: item.favourite } : g.detail,
          // A favourites-only list no longer holds an image that stopped being one.
          stale: g.filters.favourite ? true : g.stale,
        });
      } catch (err) {
        fail(err);
      }
    },

    async setImageTags(id, tags) {
      try {
        const item = await transport.call('gallerySetTags', { id, tags });
        const g = get().gallery;
        patch({
          items: g.items.map((i) => (i.id === id ? item : i)),
          detail: g.detail?.id === id ? { ...g.detail, tags: item.tags } : g.detail,
        });
        void loadChoices();
      } catch (err) {
        fail(err, 'tags');
      }
    },

    async deleteImages(ids) {
      try {
        const entries = await transport.call('galleryDelete', { ids });
        const gone = new Set(ids);
        const g = get().gallery;
        const count = entries.length;
        patch({
          items: g.items.filter((i) => !gone.has(i.id)),
          total: Math.max(0, g.total - count),
          detail: g.detail && gone.has(g.detail.id) ? null : g.detail,
          undo: {
            message: count === 1 ? 'Moved to the trash.' : `Moved ${count} images to the trash.`,
            trashIds: entries.map((e) => e.id),
          },
          trash: null,
        });
        set((s) =>
          s.results.some((r) => r.galleryId !== null && gone.has(r.galleryId))
            ? {
                results: s.results.map((r) =>
                  r.galleryId !== null && gone.has(r.galleryId)
                    ? { ...r, file: null, galleryId: null }
                    : r,
                ),
              }
            : {},
        );
      } catch (err) {
        fail(err);
      }
    },

    async undoDelete() {
      const undo = get().gallery.undo;
      if (!undo) return;
      patch({ undo: null });
      await actions.restoreFromTrash(undo.trashIds);
    },

    dismissUndo: () => patch({ undo: null }),

    async loadTrash() {
      try {
        patch({ trash: await transport.call('galleryListTrash') });
      } catch (err) {
        fail(err);
      }
    },

    async restoreFromTrash(trashIds) {
      try {
        const items = await transport.call('galleryRestore', { trashIds });
        const back = new Set(trashIds);
        const trash = get().gallery.trash;
        patch({
          trash: trash ? trash.filter((e) => !back.has(e.id)) : trash,
          undo: null,
          stale: true,
        });
        set({
          notice: {
            kind: 'info',
            message: items.length === 1 ? 'Image restored.' : `${items.length} images restored.`,
          },
        });
        if (get().view === 'gallery' && get().gallery.mode === 'grid') await actions.loadGallery();
      } catch (err) {
        fail(err);
      }
    },

    async emptyTrash() {
      try {
        const { deleted } = await transport.call('galleryEmptyTrash');
        patch({ trash: [] });
        set({
          notice: {
            kind: 'info',
            message:
              deleted === 1 ? 'Deleted 1 image for good.' : `Deleted ${deleted} images for good.`,
          },
        });
      } catch (err) {
        fail(err);
      }
    },

    async rescanGallery() {
      try {
        const report = await transport.call('galleryRescan');
        set({
          notice: {
            kind: report.errors.length > 0 ? 'error' : 'info',
            message: `Rescanned ${report.files} images in ${(report.durationMs / 1000).toFixed(1)} s.`,
            details: report.errors.length > 0 ? report.errors.slice(0, 5) : undefined,
          },
        });
        await actions.loadGallery();
      } catch (err) {
        fail(err);
      }
    },

    async useImageSettings(id) {
      try {
        const restore = await transport.call('galleryUseSettings', { id });
        get().applyRestore(restore, 'the gallery image');
      } catch (err) {
        fail(err);
      }
    },

    async useGalleryImage(id, as) {
      try {
        const file = await transport.call('galleryImage', { id });
        const image = { data: file.data, name: file.name, type: file.type };
        if (as === 'init') get().setInitImage(image);
        else get().useAsControlImage(image);
        set({
          view: 'create',
          notice: {
            kind: 'info',
            message:
              as === 'init'
                ? 'Using the image as the init image.'
                : 'Using the image as a control image.',
          },
        });
      } catch (err) {
        fail(err);
      }
    },

    async revealInFolder(path) {
      await transport.call('revealInFolder', { path }).catch((err: unknown) => fail(err));
    },
  };
  return actions;
}
