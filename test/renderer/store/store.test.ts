import { afterEach, describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../common/errors.ts';
import type { StudioGenerateRequest } from '../../../common/ipc.ts';
import { createStudioStore, type StudioStore } from '../../../renderer/store/store.ts';
import { doneEvent } from '../fakes/events.ts';
import {
  createFakeTransport,
  MODELS,
  SETTINGS,
  urlMaker,
  type FakeTransport,
} from '../fakes/transport.ts';

let transport: FakeTransport;
let store: StudioStore;
let urls: ReturnType<typeof urlMaker>;

async function setup(options: { random?: () => number; desktop?: boolean } = {}) {
  transport = createFakeTransport({ desktop: options.desktop });
  urls = urlMaker();
  store = createStudioStore({ transport, makeUrl: urls.makeUrl, random: options.random });
  await store.getState().init();
  return store.getState();
}

const lastGenerate = () =>
  transport.calls.filter((c) => c.name === 'generate').at(-1)?.request as StudioGenerateRequest;
const png = new Uint8Array([137, 80, 78, 71]);

afterEach(() => {
  transport.calls.length = 0;
});

describe('createStudioStore(): init', () => {
  it('loads settings, models, schedulers and providers, and picks the bundled model with its defaults', async () => {
    const s = await setup();
    expect(s.ready).toBe(true);
    expect(s.settings).toEqual(SETTINGS);
    expect(s.models).toEqual(MODELS);
    expect(s.schedulers.map((x) => x.name)).toEqual(['Euler a', 'DPM++ 2M Karras', 'DDIM']);
    expect(s.form).toMatchObject({
      model: '/models/emulsion-shapes',
      width: 64,
      height: 64,
      steps: 8,
      cfg: 5,
    });
  });

  it('shows a readable notice when the host cannot be reached', async () => {
    transport = createFakeTransport();
    transport.handlers.getSettings = () => {
      throw new EmulsionError('INTERNAL', 'Lost the connection to the Emulsion server.');
    };
    store = createStudioStore({ transport, makeUrl: urlMaker().makeUrl });
    await store.getState().init();
    expect(store.getState().notice).toEqual({
      kind: 'error',
      message: 'Lost the connection to the Emulsion server.',
    });
    expect(store.getState().ready).toBe(true);
  });
});

describe('createStudioStore(): generate', () => {
  it('sends the form as a request with a random seed drawn from the injected source', async () => {
    await setup({ random: () => 0.5 });
    store.getState().setForm({ prompt: 'a red circle', negativePrompt: 'blurry' });
    await store.getState().generate();
    expect(lastGenerate()).toEqual({
      model: '/models/emulsion-shapes',
      prompt: 'a red circle',
      negativePrompt: 'blurry',
      steps: 8,
      cfg: 5,
      scheduler: 'Euler a',
      seed: 2147483648, // floor(0.5 × 2^32)
      seedMode: 'emulsion',
      width: 64,
      height: 64,
      batch: 1,
      provider: 'auto',
      preview: 'latent',
    });
    expect(store.getState().job).toMatchObject({ jobId: 'job-1', phase: 'submitting' });
  });

  it('uses the fixed seed, and "reuse last" fixes the seed of the last result', async () => {
    await setup();
    store.getState().setForm({ seedChoice: 'fixed', seed: 77 });
    await store.getState().generate();
    expect(lastGenerate().seed).toBe(77);
    transport.emit(doneEvent('job-1', { seed: 991 }));
    store.getState().setForm({ seedChoice: 'random' });
    store.getState().reuseLastSeed();
    expect(store.getState().form).toMatchObject({ seedChoice: 'fixed', seed: 991 });
  });

  it('tracks progress from the job events and adds the images when done', async () => {
    await setup();
    await store.getState().generate();
    transport.emit({ status: 'queued', jobId: 'job-1', position: 0 });
    transport.emit({ status: 'started', jobId: 'job-1', totalSteps: 8, provider: 'cpu' });
    transport.emit({
      status: 'step',
      jobId: 'job-1',
      step: 3,
      totalSteps: 8,
      elapsedMs: 300,
      msPerStep: 100,
      preview: png,
    });
    expect(store.getState().job).toMatchObject({
      phase: 'running',
      step: 3,
      totalSteps: 8,
      msPerStep: 100,
      previewUrl: 'blob:test/1',
    });
    expect(store.getState().providers?.lastUsed).toBe('cpu');
    transport.emit(doneEvent('job-1', { seed: 5, batch: 2 }));
    const s = store.getState();
    expect(s.job).toBeNull();
    expect(s.results.map((r) => [r.seed, r.file])).toEqual([
      [5, '/home/ana/Pictures/Emulsion/out-0.png'],
      [6, '/home/ana/Pictures/Emulsion/out-1.png'],
    ]);
    expect(s.selectedId).toBe(s.results[0].id);
    expect(s.lastSeed).toBe(5);
  });

  it('replays events that arrive before the generate call returns the job id', async () => {
    await setup();
    transport.handlers.generate = () => {
      transport.emit({ status: 'queued', jobId: 'job-early', position: 2 });
      return { jobId: 'job-early' };
    };
    await store.getState().generate();
    expect(store.getState().job).toMatchObject({
      jobId: 'job-early',
      phase: 'queued',
      queuePosition: 2,
    });
  });

  it('ignores events of other jobs', async () => {
    await setup();
    await store.getState().generate();
    transport.emit(doneEvent('someone-else'));
    expect(store.getState().results).toEqual([]);
    expect(store.getState().job?.jobId).toBe('job-1');
  });

  it('cancels the running job and adds no image', async () => {
    await setup();
    await store.getState().generate();
    await store.getState().cancel();
    expect(transport.calls.at(-1)).toEqual({ name: 'cancel', request: { jobId: 'job-1' } });
    transport.emit({ status: 'cancelled', jobId: 'job-1' });
    expect(store.getState().job).toBeNull();
    expect(store.getState().results).toEqual([]);
    expect(store.getState().notice).toEqual({ kind: 'info', message: 'Generation cancelled.' });
  });

  it('puts a refused field next to its control and keeps the job idle', async () => {
    await setup();
    transport.handlers.generate = () => {
      throw new EmulsionError(
        'INVALID_ARGUMENT',
        '`steps` must be an integer from 1 to 1000; received 0.',
        {
          field: 'steps',
        },
      );
    };
    await store.getState().generate();
    expect(store.getState().fieldErrors).toEqual({
      steps: '`steps` must be an integer from 1 to 1000; received 0.',
    });
    expect(store.getState().job).toBeNull();
    store.getState().setForm({ steps: 20 });
    expect(store.getState().fieldErrors).toEqual({});
  });

  it('shows an engine error from the event stream next to its field', async () => {
    await setup();
    await store.getState().generate();
    transport.emit({
      status: 'error',
      jobId: 'job-1',
      error: {
        code: 'INVALID_ARGUMENT',
        message: 'control is not available in this engine yet.',
        field: 'control',
      },
    });
    expect(store.getState().fieldErrors.control).toBe(
      'control is not available in this engine yet.',
    );
    expect(store.getState().job).toBeNull();
  });

  it('shows errors without a field in the notice bar', async () => {
    await setup();
    await store.getState().generate();
    transport.emit({
      status: 'error',
      jobId: 'job-1',
      error: { code: 'INTERNAL', message: 'UNet failed.' },
    });
    expect(store.getState().notice).toEqual({ kind: 'error', message: 'UNet failed.' });
  });

  it('refuses to start a second job while one runs', async () => {
    await setup();
    await store.getState().generate();
    await store.getState().generate();
    expect(transport.calls.filter((c) => c.name === 'generate')).toHaveLength(1);
  });
});

describe('createStudioStore(): images', () => {
  it('takes a PNG as the init image with a default strength and sends it as bytes', async () => {
    await setup();
    store.getState().setInitImage({ data: png, name: 'cat.png', type: 'image/png' });
    expect(store.getState().form.init).toMatchObject({
      strength: 0.75,
      resize: 'crop',
      image: { name: 'cat.png', url: 'blob:test/1' },
    });
    store.getState().setInit({ strength: 0.4 });
    await store.getState().generate();
    expect(lastGenerate().init).toEqual({
      image: { data: png, name: 'cat.png' },
      strength: 0.4,
      resize: 'crop',
    });
  });

  it('refuses a file that is not an image, next to the img2img panel', async () => {
    await setup();
    store.getState().setInitImage({ data: png, name: 'notes.txt', type: 'text/plain' });
    expect(store.getState().form.init).toBeNull();
    expect(store.getState().fieldErrors.init).toMatch(/PNG, JPEG or WebP/);
  });

  it('makes a safe file name out of a pasted image with a path-like name', async () => {
    await setup();
    store.getState().setInitImage({ data: png, name: '../../etc/x.png', type: 'image/png' });
    expect(store.getState().form.init?.image.name).toBe('.._.._etc_x.png');
  });

  it('adds and removes ControlNet units and asks for a missing control image', async () => {
    await setup();
    store.getState().addControlUnit();
    store.getState().addControlUnit();
    const [a, b] = store.getState().form.control;
    expect(a).toMatchObject({
      model: '/models/cn-canny',
      preprocessor: 'canny',
      scale: 1,
      start: 0,
      end: 1,
    });
    store.getState().removeControlUnit(a.id);
    expect(store.getState().form.control.map((u) => u.id)).toEqual([b.id]);
    await store.getState().generate();
    expect(transport.calls.some((c) => c.name === 'generate')).toBe(false);
    expect(store.getState().fieldErrors['control[0].image']).toMatch(/Drop a control image/);
    store.getState().setControlImage(b.id, { data: png, name: 'edges.png', type: 'image/png' });
    store.getState().updateControlUnit(b.id, { scale: 0.6, end: 0.8 });
    await store.getState().generate();
    expect(lastGenerate().control).toEqual([
      {
        image: { data: png, name: 'edges.png' },
        model: '/models/cn-canny',
        preprocessor: 'canny',
        scale: 0.6,
        start: 0,
        end: 0.8,
      },
    ]);
  });

  it('sends refiner and hires parts only when switched on', async () => {
    await setup();
    await store.getState().generate();
    expect(lastGenerate().refiner).toBeUndefined();
    expect(lastGenerate().hires).toBeUndefined();
    transport.emit({ status: 'cancelled', jobId: 'job-1' });
    store.getState().setRefiner({ enabled: true, model: '/models/sd15', start: 0.7 });
    store.getState().setHires({ enabled: true });
    await store.getState().generate();
    expect(lastGenerate().refiner).toEqual({ model: '/models/sd15', start: 0.7 });
    expect(lastGenerate().hires).toEqual({
      scale: 2,
      strength: 0.7,
      steps: 10,
      upscaler: 'latent',
    });
  });
});

describe('createStudioStore(): results and settings', () => {
  it('reuses the settings of a result, with that image’s own seed', async () => {
    await setup();
    await store.getState().generate();
    transport.emit(
      doneEvent('job-1', { seed: 40, batch: 2, scheduler: 'DDIM', steps: 12, cfg: 3.5 }),
    );
    store.getState().setForm({ prompt: 'something else', steps: 30 });
    const second = store.getState().results[1];
    store.getState().reuseSettings(second.id);
    expect(store.getState().form).toMatchObject({
      prompt: 'a red circle',
      negativePrompt: 'blurry',
      steps: 12,
      cfg: 3.5,
      scheduler: 'DDIM',
      seedChoice: 'fixed',
      seed: 41,
    });
  });

  it('keeps the settings unchanged and shows the error next to the folder when saving fails', async () => {
    await setup();
    transport.handlers.setSettings = () => {
      throw new EmulsionError(
        'INVALID_ARGUMENT',
        '`outputFolder` must be an existing folder; received "/nope".',
        {
          field: 'outputFolder',
        },
      );
    };
    await store.getState().saveSettings({ outputFolder: '/nope' });
    expect(store.getState().settings).toEqual(SETTINGS);
    expect(store.getState().fieldErrors.outputFolder).toMatch(/existing folder/);
  });

  it('reloads the models after the models folder changes through the dialog', async () => {
    await setup({ desktop: true });
    transport.handlers.chooseModelsFolder = () => ({
      chosen: true,
      settings: { ...SETTINGS, modelsFolder: '/m2' },
    });
    await store.getState().chooseFolder('models');
    expect(store.getState().settings?.modelsFolder).toBe('/m2');
    expect(transport.calls.map((c) => c.name)).toContain('reloadModels');
  });

  it('follows the connection state of the transport', async () => {
    await setup();
    transport.setConnection('closed');
    expect(store.getState().connection).toBe('closed');
  });
});
