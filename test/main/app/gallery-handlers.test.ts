import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { StudioDoneEvent, StudioGenerateRequest } from '../../../common/ipc.ts';
import type { ModelInfo } from '../../../main/engine/worker/types.ts';
import { DEMO_MODEL } from './fakes/engine.ts';
import { BASE_REQUEST, createTestStudio, waitFor, type TestStudio } from './fakes/host.ts';
import { A1111_TEXT, makePng, withTextChunk } from './fakes/png.ts';

let t: TestStudio;
afterEach(async () => {
  await t?.cleanup();
});

const SD15: ModelInfo = {
  path: '/models/v1-5-pruned-emaonly',
  name: 'v1-5-pruned-emaonly',
  family: 'sd1',
  defaults: { width: 512, height: 512, steps: 25, cfg: 7, scheduler: 'Euler a' },
  bundled: false,
};

async function generate(request: Partial<StudioGenerateRequest> = {}): Promise<StudioDoneEvent> {
  const before = t.events.filter((e) => e.status === 'done').length;
  await t.studio.handlers.generate({ ...BASE_REQUEST, ...request });
  return waitFor(
    () => t.events.filter((e) => e.status === 'done')[before] as StudioDoneEvent | undefined,
  );
}

const h = () => t.studio.handlers;

describe('gallery calls', () => {
  it('finds generated images by prompt words, favourite and tag, newest first', async () => {
    t = await createTestStudio();
    const castle = (await generate({ prompt: 'a castle at dawn', seed: 1 })).items[0];
    const boat = (await generate({ prompt: 'a boat at dusk', seed: 2 })).items[0];
    expect((await h().galleryQuery({})).items.map((i) => i.id)).toEqual([boat.id, castle.id]);
    expect((await h().galleryQuery({ text: 'cast' })).items.map((i) => i.id)).toEqual([castle.id]);
    await h().gallerySetFavourite({ id: boat.id, favourite: true });
    await h().gallerySetTags({ id: castle.id, tags: ['keep', 'castles'] });
    expect((await h().galleryQuery({ favourite: true })).items.map((i) => i.id)).toEqual([boat.id]);
    expect((await h().galleryQuery({ tag: 'keep' })).items.map((i) => i.id)).toEqual([castle.id]);
    expect(await h().galleryTags()).toEqual([
      { tag: 'castles', count: 1 },
      { tag: 'keep', count: 1 },
    ]);
    expect(await h().galleryModels()).toEqual([{ model: DEMO_MODEL.name, count: 2 }]);
    const page = await h().galleryQuery({ limit: 1, offset: 1 });
    expect(page).toMatchObject({ total: 2, offset: 1 });
    expect(page.items.map((i) => i.id)).toEqual([castle.id]);
  });

  it('gives the detail of an image with the settings read back from its own file', async () => {
    t = await createTestStudio();
    const done = await generate({ prompt: 'a red circle', steps: 3, cfg: 6, seed: 77 });
    const detail = await h().galleryGet({ id: done.items[0].id });
    expect(detail).toMatchObject({ source: 'emulsion', format: 'png', prompt: 'a red circle' });
    expect(detail.settings).toMatchObject({
      prompt: 'a red circle',
      negativePrompt: '',
      steps: 3,
      cfg: 6,
      seed: 77,
      width: 64,
      height: 64,
      scheduler: 'Euler a',
    });
  });

  it('moves an image to the trash, restores it to where it was, and empties the trash for good', async () => {
    t = await createTestStudio();
    const item = (await generate()).items[0];
    const original = await fs.readFile(item.path);
    const [entry] = await h().galleryDelete({ ids: [item.id] });
    expect((await h().galleryQuery({})).total).toBe(0);
    await expect(fs.access(item.path)).rejects.toThrow();
    expect(await h().galleryListTrash()).toEqual([entry]);
    expect(await fs.readFile(entry.path)).toEqual(original);

    const [back] = await h().galleryRestore({ trashIds: [entry.id] });
    expect(back.path).toBe(item.path);
    expect(await fs.readFile(item.path)).toEqual(original);
    expect(await h().galleryListTrash()).toEqual([]);

    const [again] = await h().galleryDelete({ ids: [back.id] });
    expect(await h().galleryEmptyTrash()).toEqual({ deleted: 1 });
    await expect(fs.access(again.path)).rejects.toThrow();
    expect(await h().galleryListTrash()).toEqual([]);
  });

  it('rebuilds the index from the files on rescan', async () => {
    t = await createTestStudio();
    await generate({ prompt: 'one' });
    await generate({ prompt: 'two' });
    t.gallery.gallery['db'].exec('DELETE FROM images');
    expect((await h().galleryQuery({})).total).toBe(0);
    const report = await h().galleryRescan();
    expect(report).toMatchObject({ files: 2, added: 2, removed: 0, errors: [] });
    expect((await h().galleryQuery({ order: 'oldest' })).items.map((i) => i.prompt)).toEqual([
      'one',
      'two',
    ]);
  });

  it('hands out the bytes of an image, for use as an init or control image', async () => {
    t = await createTestStudio();
    const item = (await generate()).items[0];
    const file = await h().galleryImage({ id: item.id });
    expect(file.name).toBe(path.basename(item.path));
    expect(file.type).toBe('image/png');
    expect(file.data).toEqual(new Uint8Array(await fs.readFile(item.path)));
  });

  it('refuses the bytes of an image whose file is gone, asking for a rescan', async () => {
    t = await createTestStudio();
    const item = (await generate()).items[0];
    await fs.rm(item.path);
    await expect(h().galleryImage({ id: item.id })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: 'id' },
      message: expect.stringContaining('Rescan'),
    });
  });

  it('shows a file in the file manager, only inside the app folders and only on the desktop', async () => {
    t = await createTestStudio();
    const item = (await generate()).items[0];
    await h().revealInFolder({ path: item.path });
    expect(t.revealed).toEqual([await fs.realpath(item.path)]);
    await t.cleanup();
    t = await createTestStudio({ desktop: false });
    const other = (await generate()).items[0];
    await expect(h().revealInFolder({ path: other.path })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('desktop app'),
    });
  });

  it('follows the output folder when the settings change it, and indexes what is there', async () => {
    t = await createTestStudio();
    await generate();
    const next = path.join(t.dir, 'other');
    await fs.writeFile(
      path.join(next, 'found.png'),
      withTextChunk(makePng(8, 8, [1, 2, 3]), 'parameters', A1111_TEXT),
    );
    await h().setSettings({ outputFolder: next });
    const page = await h().galleryQuery({});
    expect(page.items.map((i) => i.relPath)).toEqual(['found.png']);
    expect(page.items[0]).toMatchObject({ source: 'a1111', seed: 1234567 });
    const saved = (await generate()).items[0];
    expect(path.dirname(saved.path)).toBe(next);
  });

  it('puts the settings back and the gallery with them when the new output folder cannot be used', async () => {
    t = await createTestStudio();
    const item = (await generate()).items[0];
    const locked = path.join(t.dir, 'other');
    // A file where the gallery's private folder would go: it cannot create .emulsion/trash.
    await fs.writeFile(path.join(locked, '.emulsion'), 'not a folder');
    await expect(h().setSettings({ outputFolder: locked })).rejects.toMatchObject({
      code: 'IO_ERROR',
    });
    expect((await h().getSettings()).outputFolder).toBe(t.folders.output);
    expect((await h().galleryQuery({})).items.map((i) => i.id)).toEqual([item.id]);
  });
});

describe('use settings', () => {
  it('turns an Emulsion image back into the Create view fields it was made with', async () => {
    t = await createTestStudio();
    const request = { ...BASE_REQUEST, prompt: 'a lighthouse', steps: 4, cfg: 8.5, seed: 321 };
    const item = (await generate({ ...request, scheduler: 'DDIM', model: DEMO_MODEL.path }))
      .items[0];
    expect(await h().galleryUseSettings({ id: item.id })).toEqual({
      fields: {
        prompt: 'a lighthouse',
        negativePrompt: '',
        steps: 4,
        cfg: 8.5,
        scheduler: 'DDIM',
        seed: 321,
        seedMode: 'emulsion',
        width: 64,
        height: 64,
      },
      model: DEMO_MODEL.path,
      modelName: DEMO_MODEL.name,
      warnings: [],
    });
  });

  it('says so when an image has no settings to use', async () => {
    t = await createTestStudio();
    await fs.writeFile(path.join(t.folders.output, 'plain.png'), makePng(8, 8, [0, 0, 0]));
    const report = await h().galleryRescan();
    expect(report.added).toBe(1);
    const [plain] = (await h().galleryQuery({})).items;
    expect(plain.source).toBe('none');
    await expect(h().galleryUseSettings({ id: plain.id })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringContaining('No settings found'),
    });
  });
});

describe('readImageSettings (a dropped image)', () => {
  it('reads A1111 parameters, maps the sampler and finds the installed model by name', async () => {
    t = await createTestStudio({ models: [DEMO_MODEL, SD15] });
    const png = withTextChunk(makePng(8, 8, [9, 9, 9]), 'parameters', A1111_TEXT);
    const read = await h().readImageSettings({ data: png, name: 'a1111.png' });
    expect(read).toMatchObject({ source: 'a1111', format: 'png' });
    expect(read.restore).toEqual({
      fields: {
        prompt: 'a castle on a hill, (golden hour:1.2)',
        negativePrompt: 'blurry, lowres',
        steps: 28,
        cfg: 6.5,
        scheduler: 'DPM++ 2M Karras',
        seed: 1234567,
        width: 512,
        height: 768,
      },
      model: SD15.path,
      modelName: 'v1-5-pruned-emaonly',
      warnings: [
        'The image used GPU noise; Emulsion reproduces torch CPU noise only, so the same seed gives a different image.',
      ],
    });
  });

  it('finds the model by its A1111 short hash before its name', async () => {
    const renamed: ModelInfo = { ...SD15, path: '/models/my-favourite', name: 'my-favourite' };
    t = await createTestStudio({
      models: [DEMO_MODEL, renamed],
      hashes: async (p) =>
        p === renamed.path
          ? {
              sha256: '6ce0161689'.padEnd(64, '0'),
              short: '6ce0161689',
              legacy: 'abcd1234',
              file: 'x',
            }
          : undefined,
    });
    const png = withTextChunk(makePng(8, 8, [9, 9, 9]), 'parameters', A1111_TEXT);
    const read = await h().readImageSettings({ data: png });
    expect(read.restore?.model).toBe(renamed.path);
  });

  it('warns and keeps the current model when the image names one that is not installed', async () => {
    t = await createTestStudio();
    const png = withTextChunk(makePng(8, 8, [9, 9, 9]), 'parameters', A1111_TEXT);
    const read = await h().readImageSettings({ data: png });
    expect(read.restore?.model).toBeNull();
    expect(read.restore?.warnings).toContain(
      'The model v1-5-pruned-emaonly is not installed; the current model was kept.',
    );
  });

  it('answers "no settings found" for a plain PNG and for bytes that are no image at all', async () => {
    t = await createTestStudio();
    for (const data of [makePng(8, 8, [0, 0, 0]), new TextEncoder().encode('not an image')]) {
      const read = await h().readImageSettings({ data });
      expect(read).toMatchObject({ source: 'none', settings: null, restore: null });
      expect(read.message).toMatch(/^No settings found/);
    }
  });

  it('keeps a damaged parameter line as prompt text instead of failing', async () => {
    t = await createTestStudio();
    const text = 'Steps: banana, Seed: ,,,';
    const png = withTextChunk(makePng(8, 8, [9, 9, 9]), 'parameters', text);
    const read = await h().readImageSettings({ data: png });
    expect(read.source).toBe('a1111');
    expect(read.restore?.fields).toEqual({ prompt: text, negativePrompt: '' });
  });
});
