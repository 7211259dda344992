import { afterEach, describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../common/errors.ts';
import type { GalleryPage, GalleryQuery } from '../../../common/gallery.ts';
import { filtersToQuery, initialGallery, PAGE_SIZE } from '../../../renderer/store/gallery.ts';
import { applyRestoreToForm } from '../../../renderer/store/restore.ts';
import { createStudioStore, initialForm, type StudioStore } from '../../../renderer/store/store.ts';
import { doneEvent } from '../fakes/events.ts';
import { fakeItem, installFakeGallery } from '../fakes/gallery.ts';
import { createFakeTransport, urlMaker, type FakeTransport } from '../fakes/transport.ts';

let transport: FakeTransport;
let store: StudioStore;

async function setup(count = 10) {
  transport = createFakeTransport();
  installFakeGallery(transport, count);
  store = createStudioStore({ transport, makeUrl: urlMaker().makeUrl });
  await store.getState().init();
  return store;
}

const png = new Uint8Array([137, 80, 78, 71]);
const calls = (name: string) => transport.calls.filter((c) => c.name === name);

afterEach(() => {
  if (transport) transport.calls.length = 0;
});

describe('filtersToQuery()', () => {
  it('leaves out empty filters and turns local dates into inclusive bounds', () => {
    const filters = { ...initialGallery().filters };
    expect(filtersToQuery(filters, 0, 50)).toEqual({ offset: 0, limit: 50, order: 'newest' });
    expect(
      filtersToQuery(
        { ...filters, text: '  castle ', model: 'sd15', from: '2025-01-02', to: '2025-01-02' },
        120,
        PAGE_SIZE,
      ),
    ).toEqual({
      offset: 120,
      limit: PAGE_SIZE,
      text: 'castle',
      model: 'sd15',
      from: new Date(2025, 0, 2).getTime(),
      to: new Date(2025, 0, 3).getTime() - 1,
      order: 'newest',
    });
  });

  it('asks for newest first when "best match" has no words to rank by', () => {
    const filters = { ...initialGallery().filters, order: 'relevance' as const };
    expect(filtersToQuery(filters, 0, 10).order).toBe('newest');
    expect(filtersToQuery({ ...filters, text: 'boat' }, 0, 10).order).toBe('relevance');
  });
});

describe('gallery store', () => {
  it('drops a page that answers for an older search', async () => {
    await setup(10);
    const slow: ((page: GalleryPage) => void)[] = [];
    const fast = transport.handlers.galleryQuery!;
    transport.handlers.galleryQuery = (q: GalleryQuery) =>
      q.text === 'castle' ? new Promise((resolve) => slow.push(resolve)) : fast(q);
    store.getState().setGalleryFilters({ text: 'castle' });
    const boats = store.getState().setGalleryFilters({ text: 'boat' });
    await boats;
    await new Promise((r) => setTimeout(r, 0));
    const afterBoats = store.getState().gallery.items.map((i) => i.id);
    expect(afterBoats).toEqual([2, 4, 6, 8, 10]);
    slow[0]({ items: [fakeItem(0)], total: 1, offset: 0 });
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().gallery.items.map((i) => i.id)).toEqual(afterBoats);
    expect(store.getState().gallery.total).toBe(5);
  });

  it('loads no page past the total', async () => {
    await setup(10);
    await store.getState().loadGallery();
    transport.calls.length = 0;
    await store.getState().loadMoreGallery();
    expect(calls('galleryQuery')).toEqual([]);
  });

  it('marks the gallery stale when a generation finishes, and reloads when it is shown', async () => {
    await setup(3);
    store.getState().setView('gallery');
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().gallery.total).toBe(3);
    store.getState().setView('create');
    await store.getState().generate();
    transport.emit(doneEvent('job-1'));
    expect(store.getState().gallery.stale).toBe(true);
    expect(store.getState().results[0].galleryId).toBe(100);
    transport.calls.length = 0;
    store.getState().setView('gallery');
    expect(calls('galleryQuery')).toHaveLength(1);
  });

  it('reloads the gallery after the output folder changes', async () => {
    await setup(3);
    store.getState().setView('gallery');
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().gallery.stale).toBe(false);
    await store.getState().saveSettings({ outputFolder: '/data/elsewhere' });
    expect(store.getState().gallery.stale).toBe(true);
    store.getState().setView('create');
    transport.calls.length = 0;
    store.getState().setView('gallery');
    expect(calls('galleryQuery')).toHaveLength(1);
  });

  it('keeps the list as it was when a delete is refused, and shows why', async () => {
    await setup(3);
    await store.getState().loadGallery();
    transport.handlers.galleryDelete = () => {
      throw new EmulsionError('IO_ERROR', 'Cannot move to the trash: permission denied');
    };
    await store.getState().deleteImages([1]);
    expect(store.getState().gallery.items.map((i) => i.id)).toEqual([1, 2, 3]);
    expect(store.getState().gallery.undo).toBeNull();
    expect(store.getState().notice?.message).toBe('Cannot move to the trash: permission denied');
  });
});

describe('ControlNet hint preview', () => {
  it('previews the hint as soon as a unit has an image, at the generation size', async () => {
    await setup(0);
    store.getState().setForm({ width: 64, height: 96 });
    store.getState().addControlUnit();
    const unit = store.getState().form.control[0];
    store.getState().setControlImage(unit.id, { data: png, name: 'edges.png', type: 'image/png' });
    expect(store.getState().form.control[0].hint?.status).toBe('loading');
    await new Promise((r) => setTimeout(r, 0));
    expect(calls('previewControlHint')[0].request).toEqual({
      image: { data: png, name: 'edges.png' },
      preprocessor: 'canny',
      width: 64,
      height: 96,
    });
    expect(store.getState().form.control[0].hint).toMatchObject({ status: 'ready' });
    expect(store.getState().form.control[0].hint?.url).toMatch(/^blob:test\//);
  });

  it('drops a stale preview when the preprocessor changes, and makes none for depth', async () => {
    await setup(0);
    store.getState().addControlUnit();
    const id = store.getState().form.control[0].id;
    store.getState().setControlImage(id, { data: png, name: 'a.png', type: 'image/png' });
    await new Promise((r) => setTimeout(r, 0));
    store.getState().updateControlUnit(id, { preprocessor: 'depth' });
    expect(store.getState().form.control[0].hint).toBeNull();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls('previewControlHint')).toHaveLength(1);
    store.getState().updateControlUnit(id, { preprocessor: 'invert' });
    await new Promise((r) => setTimeout(r, 0));
    expect(
      calls('previewControlHint').map((c) => (c.request as { preprocessor: string }).preprocessor),
    ).toEqual(['canny', 'invert']);
  });

  it('shows a refused preview next to the unit', async () => {
    await setup(0);
    transport.handlers.previewControlHint = () => {
      throw new EmulsionError('IMAGE_INVALID', 'The control image could not be read.', {
        field: 'image',
      });
    };
    store.getState().addControlUnit();
    const id = store.getState().form.control[0].id;
    store.getState().setControlImage(id, { data: png, name: 'a.png', type: 'image/png' });
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().form.control[0].hint).toBeNull();
    expect(store.getState().fieldErrors).toEqual({
      'control[0].image': 'The control image could not be read.',
    });
  });
});

describe('applyRestoreToForm()', () => {
  it('fixes the seed and turns hires fix and the refiner on or off as the image had them', () => {
    const form = { ...initialForm(), hires: { ...initialForm().hires, enabled: true } };
    const plain = applyRestoreToForm(form, { prompt: 'p', seed: 7 });
    expect(plain).toMatchObject({ prompt: 'p', seed: 7, seedChoice: 'fixed' });
    expect(plain.hires?.enabled).toBe(false);
    expect(plain.refiner?.enabled).toBe(false);
    const hires = applyRestoreToForm(form, {
      hires: { scale: 1.5, strength: 0.4, steps: 12, upscaler: 'latent-nearest' },
      refiner: { model: '/models/refiner', start: 0.75 },
    });
    expect(hires.hires).toEqual({
      enabled: true,
      scale: 1.5,
      strength: 0.4,
      steps: 12,
      upscaler: 'latent-nearest',
    });
    expect(hires.refiner).toEqual({ enabled: true, model: '/models/refiner', start: 0.75 });
    expect(hires).not.toHaveProperty('seed');
  });
});
