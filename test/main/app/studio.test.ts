import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { StudioDoneEvent } from '../../../common/ipc.ts';
import { DEMO_MODEL } from './fakes/engine.ts';
import { BASE_REQUEST, createTestStudio, waitFor, type TestStudio } from './fakes/host.ts';
import { pngChunks } from './fakes/png.ts';

const pixels = async (png: Uint8Array) => new Uint8Array(await sharp(png).raw().toBuffer());

let t: TestStudio;
afterEach(async () => {
  await t?.cleanup();
});

describe('createStudio()', () => {
  it('runs a job, forwards its events in order and saves the PNG in the gallery before announcing done', async () => {
    t = await createTestStudio();
    const { jobId } = await t.studio.handlers.generate({ ...BASE_REQUEST, model: DEMO_MODEL.path });
    const done = await waitFor(() => t.events.find((e) => e.status === 'done') as StudioDoneEvent);
    expect(t.events.map((e) => e.status)).toEqual([
      'queued',
      'started',
      'step',
      'step',
      'step',
      'decoding',
      'done',
    ]);
    expect(t.events.every((e) => e.jobId === jobId)).toBe(true);
    expect(done.files).toHaveLength(1);
    const file = done.files[0]!;
    expect(path.dirname(file)).toBe(t.folders.output);
    const written = new Uint8Array(await fs.readFile(file));
    // Same pixels, plus both metadata chunks right after IHDR (issue 7: "parameters", "emulsion").
    expect(await pixels(written)).toEqual(await pixels(done.result.images[0].png));
    expect(
      pngChunks(written)
        .slice(0, 3)
        .map((c) => c.keyword ?? c.type),
    ).toEqual(['IHDR', 'parameters', 'emulsion']);
    // Indexed before `done`: the gallery already lists it with its settings.
    expect(done.items).toHaveLength(1);
    expect(done.items[0]).toMatchObject({ path: file, prompt: 'a red circle', seed: 42 });
    const page = t.gallery.gallery.query({});
    expect(page.items.map((i) => i.path)).toEqual([file]);
  });

  it('reports the provider that actually ran the job', async () => {
    t = await createTestStudio();
    expect((await t.studio.handlers.getProviders()).lastUsed).toBeNull();
    await t.studio.handlers.generate(BASE_REQUEST);
    await waitFor(() => t.events.find((e) => e.status === 'done'));
    expect(await t.studio.handlers.getProviders()).toEqual({
      available: ['cpu', 'webgpu'],
      selected: 'auto',
      lastUsed: 'cpu',
    });
  });

  it('cancels a running job: cancelled event, no file written', async () => {
    t = await createTestStudio({ stepMs: 20 });
    const { jobId } = await t.studio.handlers.generate({ ...BASE_REQUEST, steps: 50 });
    await waitFor(() => t.events.find((e) => e.status === 'step'));
    await t.studio.handlers.cancel({ jobId });
    await waitFor(() => t.events.find((e) => e.status === 'cancelled'));
    expect(t.engine.cancelled).toEqual([jobId]);
    expect((await fs.readdir(t.folders.output)).filter((n) => !n.startsWith('.'))).toEqual([]);
    expect(t.gallery.gallery.query({}).total).toBe(0);
  });

  it('refuses a model that is not in the models list, before the engine sees the job', async () => {
    t = await createTestStudio();
    await expect(
      t.studio.handlers.generate({ ...BASE_REQUEST, model: '/elsewhere/model' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: 'model', received: '/elsewhere/model' },
    });
    expect(t.engine.generated).toEqual([]);
  });

  it('refuses a scheduler name that is not in the catalogue, listing the known names', async () => {
    t = await createTestStudio();
    await expect(
      t.studio.handlers.generate({ ...BASE_REQUEST, scheduler: 'Warp 9' }),
    ).rejects.toMatchObject({
      details: { field: 'scheduler', allowed: ['Euler a', 'DPM++ 2M Karras', 'DDIM'] },
    });
  });

  it('refuses to cancel a job it never started', async () => {
    t = await createTestStudio();
    await expect(t.studio.handlers.cancel({ jobId: 'job-99' })).rejects.toMatchObject({
      details: { field: 'jobId' },
    });
    expect(t.engine.cancelled).toEqual([]);
  });

  it('lists models from the models folder and rescans after reload', async () => {
    t = await createTestStudio();
    expect(await t.studio.handlers.listModels()).toEqual([DEMO_MODEL]);
    await t.studio.handlers.listModels();
    expect(t.engine.listedDirectories).toEqual([[t.folders.models]]);
    await t.studio.handlers.reloadModels();
    expect(t.engine.unloads).toBe(1);
    expect(t.engine.listedDirectories).toHaveLength(2);
  });

  it('lists the bundled models folder too, marking its models bundled, each model once', async () => {
    const bundledDir = '/opt/emulsion/resources/models';
    const refiner = {
      ...DEMO_MODEL,
      path: `${bundledDir}/emulsion-shapes-refiner`,
      name: 'emulsion-shapes-refiner',
      bundled: false,
    };
    const own = { ...DEMO_MODEL, path: '/home/ana/models/sd15', name: 'sd15', bundled: false };
    t = await createTestStudio({
      bundledModelsDir: bundledDir,
      models: [DEMO_MODEL, refiner, own, DEMO_MODEL],
    });
    const models = await t.studio.handlers.listModels();
    expect(t.engine.listedDirectories).toEqual([[t.folders.models, bundledDir]]);
    expect(models.map((m) => [m.name, m.bundled])).toEqual([
      ['emulsion-shapes', true],
      ['emulsion-shapes-refiner', true],
      ['sd15', false],
    ]);
  });

  it('changes the models folder through the dialog and keeps it when the dialog is closed', async () => {
    t = await createTestStudio();
    t.nextPick.value = t.folders.other;
    const choice = await t.studio.handlers.chooseModelsFolder();
    expect(choice).toEqual({
      chosen: true,
      settings: expect.objectContaining({ modelsFolder: t.folders.other }),
    });
    t.nextPick.value = null;
    const closed = await t.studio.handlers.chooseOutputFolder();
    expect(closed.chosen).toBe(false);
    expect(closed.settings.outputFolder).toBe(t.folders.output);
    expect(t.picked).toEqual(['Choose the models folder', 'Choose the output folder']);
    const saved = JSON.parse(await fs.readFile(t.settingsFile, 'utf8'));
    expect(saved.modelsFolder).toBe(t.folders.other);
  });

  it('explains that folder dialogs need the desktop app in server mode', async () => {
    t = await createTestStudio({ desktop: false });
    await expect(t.studio.handlers.chooseModelsFolder()).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: 'modelsFolder' },
    });
  });

  it('opens paths inside its own folders only, resolving symlinks', async () => {
    t = await createTestStudio();
    const inside = path.join(t.folders.output, 'a.png');
    await fs.writeFile(inside, 'x');
    await t.studio.handlers.openPath({ path: inside });
    await t.studio.handlers.openPath({ path: t.folders.logs });
    const link = path.join(t.folders.output, 'sneaky');
    await fs.symlink(t.folders.other, link);
    await expect(t.studio.handlers.openPath({ path: link })).rejects.toMatchObject({
      details: { field: 'path' },
    });
    await expect(t.studio.handlers.openPath({ path: '/etc/passwd' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    expect(t.opened).toEqual([await fs.realpath(inside), await fs.realpath(t.folders.logs)]);
  });

  it('lists the PNG files of the output folder, newest first', async () => {
    t = await createTestStudio();
    await fs.writeFile(path.join(t.folders.output, 'old.png'), 'x');
    await fs.utimes(path.join(t.folders.output, 'old.png'), 1000, 1000);
    await fs.writeFile(path.join(t.folders.output, 'new.png'), 'xy');
    await fs.writeFile(path.join(t.folders.output, 'notes.txt'), 'x');
    const list = await t.studio.handlers.listOutputs();
    expect(list.map((f) => f.name)).toEqual(['new.png', 'old.png']);
    expect(list[0].size).toBe(2);
  });

  it('stops forwarding events after dispose', async () => {
    t = await createTestStudio();
    await t.studio.handlers.generate(BASE_REQUEST);
    t.studio.dispose();
    // The fake emits `queued` synchronously inside generate(); it is buffered and forwarded.
    expect(t.events.map((e) => e.status)).toEqual(['queued']);
    await waitFor(() => t.engine.events.find((e) => e.status === 'done'));
    expect(t.events.map((e) => e.status)).toEqual(['queued']);
  });
});
