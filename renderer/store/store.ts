/**
 * The studio store: a vanilla zustand store (usable outside React, e.g. by the transport's event
 * listener), created per transport. Actions read what they need with `get()` and write with one
 * `set()` where they can.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { DEFAULT_REQUEST } from '../../common/generation.ts';
import type { StudioDoneEvent, StudioJobEvent, StudioSettings } from '../../common/ipc.ts';
import type { Transport } from '../transport/types.ts';
import { droppedActions } from './dropped.ts';
import { safetyActions } from './safety.ts';
import { hasPlace, toSerialized } from './errors.ts';
import { galleryActions, initialGallery } from './gallery.ts';
import { applyRestoreToForm, restoreNotice } from './restore.ts';
import { formToRequest, randomSeed } from './request.ts';
import type {
  ControlUnitForm,
  GalleryData,
  ImageInput,
  JobState,
  LocalImage,
  SessionResult,
  StudioData,
  StudioForm,
  StudioState,
} from './types.ts';

export type StudioStore = StoreApi<StudioState>;

export interface StudioStoreOptions {
  transport: Transport;
  /** Turns bytes into a URL an <img> can show; injected in tests. */
  makeUrl?: (data: Uint8Array, type: string) => string;
  random?: () => number;
}

export const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;

export function initialForm(): StudioForm {
  return {
    model: '',
    prompt: '',
    negativePrompt: DEFAULT_REQUEST.negativePrompt,
    steps: DEFAULT_REQUEST.steps,
    cfg: DEFAULT_REQUEST.cfg,
    scheduler: DEFAULT_REQUEST.scheduler,
    seedChoice: 'random',
    seed: 0,
    seedMode: DEFAULT_REQUEST.seedMode,
    width: DEFAULT_REQUEST.width,
    height: DEFAULT_REQUEST.height,
    batch: DEFAULT_REQUEST.batch,
    init: null,
    control: [],
    refiner: { enabled: false, model: '', start: 0.8 },
    // Defaults of A1111's hires fix: 2× latent upscale, 0.7 denoising strength.
    hires: { enabled: false, scale: 2, strength: 0.7, steps: 10, upscaler: 'latent' },
    preview: true,
  };
}

export function initialData(): StudioData {
  return {
    ready: false,
    osDialogs: false,
    view: 'create',
    connection: 'connecting',
    form: initialForm(),
    models: [],
    controlNets: [],
    schedulers: [],
    providers: null,
    settings: null,
    job: null,
    results: [],
    selectedId: null,
    lastSeed: null,
    fieldErrors: {},
    notice: null,
    gallery: initialGallery(),
    dropped: null,
    promptSafety: null,
    safetyTerms: null,
    safetyEval: { running: false, report: null },
    evalWorkspace: null,
  };
}

/** The gallery after the output folder changed: another folder's images, none of them loaded. */
function galleryMoved(gallery: GalleryData): GalleryData {
  return { ...gallery, stale: true, detail: null, trash: null, undo: null };
}

/** Preprocessors whose hint the host can compute before a run (depth and pose need a model). */
export const PREVIEWABLE = new Set(['none', 'canny', 'scribble', 'threshold', 'invert']);

/** Keeps only characters the host accepts in a file name. */
function safeName(name: string, type: string): string {
  const cleaned = name.replace(/[\\/\0]/g, '_').slice(-120);
  if (cleaned && cleaned !== '.' && cleaned !== '..') return cleaned;
  return `image.${type.split('/')[1] ?? 'png'}`;
}

const defaultMakeUrl = (data: Uint8Array, type: string) =>
  URL.createObjectURL(new Blob([data as Uint8Array<ArrayBuffer>], { type }));

export function createStudioStore(options: StudioStoreOptions): StudioStore {
  const { transport } = options;
  const makeUrl = options.makeUrl ?? defaultMakeUrl;
  const random = options.random ?? Math.random;
  /** Events that arrived before the generate call told us their job id. */
  const early: StudioJobEvent[] = [];
  let unitCounter = 0;

  const store = createStore<StudioState>()((set, get) => {
    const fail = (err: unknown, fallbackField?: string) => {
      const error = toSerialized(err);
      const field = error.field ?? fallbackField;
      if (field && hasPlace(field)) {
        set((s) => ({ fieldErrors: { ...s.fieldErrors, [field]: error.message } }));
      } else {
        set({ notice: { kind: 'error', message: error.message } });
      }
    };

    const toLocal = (image: ImageInput): LocalImage | null => {
      if (!(IMAGE_TYPES as readonly string[]).includes(image.type)) return null;
      return {
        data: image.data,
        name: safeName(image.name, image.type),
        type: image.type,
        url: makeUrl(image.data, image.type),
      };
    };

    const finish = (event: StudioDoneEvent) => {
      const { result } = event;
      const hints = (result.controlHints ?? []).map((png) => makeUrl(png, 'image/png'));
      const shared = {
        jobId: event.jobId,
        request: result.request,
        scheduler: result.scheduler,
        provider: result.provider,
        modelName: result.modelName,
        totalMs: result.timings.totalMs,
        warnings: result.warnings,
        controlHints: hints,
        original: { status: 'hidden' as const, url: null },
        kept: false,
      };
      const shown: SessionResult[] = result.images.map((image, i) => ({
        ...shared,
        id: `${event.jobId}-${image.index}`,
        url: makeUrl(image.png, 'image/png'),
        width: image.width,
        height: image.height,
        seed: image.seed,
        index: image.index,
        file: event.files[i] ?? null,
        galleryId: event.items.find((item) => item.path === event.files[i])?.id ?? null,
        safety: image.safety ?? null,
        withheld: false,
      }));
      // Blocked images are absent from `images`; their decisions keep their place in the batch
      // (result.safety is in batch order), so the strip shows where each one was withheld.
      const withheld: SessionResult[] = (result.safety ?? []).flatMap((decision, index) =>
        decision.action === 'block'
          ? [
              {
                ...shared,
                id: `${event.jobId}-${index}`,
                url: '',
                width: result.request.width,
                height: result.request.height,
                // The seed that reproduces batch image `index` alone (common/generation.ts).
                seed: result.request.seed + index,
                index,
                file: null,
                galleryId: null,
                safety: decision,
                withheld: true,
              },
            ]
          : [],
      );
      const added = [...shown, ...withheld].sort((a, b) => a.index - b.index);
      const promptSafety = result.promptSafety?.reasons.length ? result.promptSafety : null;
      set((s) => ({
        promptSafety,
        job: null,
        results: [...added, ...s.results],
        gallery: s.gallery.loaded ? { ...s.gallery, stale: true } : s.gallery,
        selectedId: added[0]?.id ?? s.selectedId,
        lastSeed: result.request.seed,
        providers: s.providers ? { ...s.providers, lastUsed: result.provider } : s.providers,
        notice: event.saveError
          ? {
              kind: 'error',
              message: `The image was made but not saved: ${event.saveError.message}`,
            }
          : s.notice,
      }));
    };

    const applyEvent = (event: StudioJobEvent) => {
      const job = get().job;
      if (!job || job.jobId !== event.jobId) return;
      const update = (patch: Partial<JobState>) => set({ job: { ...job, ...patch } });
      switch (event.status) {
        case 'queued':
          return update({ phase: 'queued', queuePosition: event.position });
        case 'loading':
          return update({ phase: 'loading', component: event.component });
        case 'started':
          set((s) => ({
            job: { ...job, phase: 'running', totalSteps: event.totalSteps, component: null },
            providers: s.providers ? { ...s.providers, lastUsed: event.provider } : s.providers,
          }));
          return;
        case 'step':
          return update({
            phase: 'running',
            step: event.step,
            totalSteps: event.totalSteps,
            msPerStep: event.msPerStep,
            previewUrl: event.preview ? makeUrl(event.preview, 'image/png') : job.previewUrl,
          });
        case 'decoding':
          return update({ phase: 'decoding' });
        case 'warning':
          return set({ notice: { kind: 'info', message: event.message } });
        case 'done':
          return finish(event);
        case 'cancelled':
          return set({ job: null, notice: { kind: 'info', message: 'Generation cancelled.' } });
        case 'error':
          set({ job: null });
          return fail(event.error);
      }
    };

    const ctx = { set, get, transport, fail, toLocal, makeUrl };

    /** Drops the unit's preview when its image or preprocessor no longer matches it. */
    const withFreshHint = (unit: ControlUnitForm): ControlUnitForm =>
      unit.hint &&
      (unit.hint.imageUrl !== unit.image?.url || unit.hint.preprocessor !== unit.preprocessor)
        ? { ...unit, hint: null }
        : unit;

    return {
      ...initialData(),
      osDialogs: transport.canUseOsDialogs,
      ...galleryActions(ctx),
      ...droppedActions(ctx),
      ...safetyActions(ctx),

      async init() {
        const [settings, models, controlNets, schedulers, providers] = await Promise.all([
          transport.call('getSettings'),
          transport.call('listModels'),
          transport.call('listControlNets'),
          transport.call('listSchedulers'),
          transport.call('getProviders'),
        ]).catch((err: unknown) => {
          fail(err);
          return [null, [], [], [], null] as const;
        });
        set({
          settings,
          models: [...models],
          controlNets: [...controlNets],
          schedulers: [...schedulers],
          providers,
          ready: true,
        });
        const first = models.find((m) => m.bundled) ?? models[0];
        if (first && !get().form.model) get().setModel(first.path);
      },

      setView(view) {
        set({ view });
        const g = get().gallery;
        if (view === 'gallery' && g.mode === 'grid' && (!g.loaded || g.stale)) {
          void get().loadGallery();
        }
        if (view === 'evaluate') void get().loadEvalWorkspace();
        if (view === 'settings' && !get().safetyTerms) void get().loadSafetyTerms();
      },

      setForm(patch) {
        const cleared = { ...get().fieldErrors };
        for (const key of Object.keys(patch)) delete cleared[key];
        // The last prompt check speaks about the prompt that ran: editing it retires the note.
        const promptEdited = patch.prompt !== undefined && patch.prompt !== get().form.prompt;
        set((s) => ({
          form: { ...s.form, ...patch },
          fieldErrors: cleared,
          ...(promptEdited ? { promptSafety: null } : {}),
        }));
      },

      setModel(path) {
        const model = get().models.find((m) => m.path === path);
        const defaults = model?.defaults;
        get().setForm({
          model: path,
          ...(defaults
            ? {
                width: defaults.width,
                height: defaults.height,
                steps: defaults.steps,
                cfg: defaults.cfg,
                scheduler: get().schedulers.some((s) => s.name === defaults.scheduler)
                  ? defaults.scheduler
                  : get().form.scheduler,
              }
            : {}),
        });
      },

      reuseLastSeed() {
        const seed = get().lastSeed;
        if (seed !== null) get().setForm({ seedChoice: 'fixed', seed });
      },

      setInitImage(image) {
        const local = toLocal(image);
        if (!local) {
          set((s) => ({
            fieldErrors: {
              ...s.fieldErrors,
              init: `Only PNG, JPEG or WebP images can start a generation (got ${image.type || 'an unknown type'}).`,
            },
          }));
          return;
        }
        const strength = get().form.init?.strength ?? 0.75;
        const resize = get().form.init?.resize ?? 'crop';
        get().setForm({ init: { image: local, strength, resize } });
      },
      clearInitImage: () => get().setForm({ init: null }),
      setInit(patch) {
        const init = get().form.init;
        if (init) get().setForm({ init: { ...init, ...patch } });
      },

      addControlUnit() {
        const id = `unit-${++unitCounter}`;
        const model = get().controlNets[0]?.path ?? '';
        get().setForm({
          control: [
            ...get().form.control,
            {
              id,
              image: null,
              model,
              preprocessor: 'canny',
              scale: 1,
              start: 0,
              end: 1,
              hint: null,
            },
          ],
        });
      },
      updateControlUnit(id, patch) {
        get().setForm({
          control: get().form.control.map((u) =>
            u.id === id ? withFreshHint({ ...u, ...patch }) : u,
          ),
        });
        if (patch.preprocessor) void get().previewHint(id);
      },
      setControlImage(id, image) {
        const local = image ? toLocal(image) : null;
        if (image && !local) {
          const i = get().form.control.findIndex((u) => u.id === id);
          set((s) => ({
            fieldErrors: {
              ...s.fieldErrors,
              [`control[${i}].image`]: 'Only PNG, JPEG or WebP images.',
            },
          }));
          return;
        }
        get().setForm({
          control: get().form.control.map((u) =>
            u.id === id ? withFreshHint({ ...u, image: local }) : u,
          ),
        });
        if (local) void get().previewHint(id);
      },

      useAsControlImage(image) {
        const units = get().form.control;
        let unit = units.find((u) => u.image === null);
        if (!unit) {
          if (units.length >= 4) {
            set({ notice: { kind: 'error', message: 'All four ControlNet units have an image.' } });
            return;
          }
          get().addControlUnit();
          unit = get().form.control.at(-1)!;
        }
        get().setControlImage(unit.id, image);
      },

      async previewHint(unitId) {
        const unit = get().form.control.find((u) => u.id === unitId);
        if (!unit?.image || !PREVIEWABLE.has(unit.preprocessor)) return;
        const source = { imageUrl: unit.image.url, preprocessor: unit.preprocessor };
        const current = () => {
          const u = get().form.control.find((x) => x.id === unitId);
          return u?.image?.url === source.imageUrl && u.preprocessor === source.preprocessor
            ? u
            : undefined;
        };
        const setHint = (hint: ControlUnitForm['hint']) =>
          set((s) => ({
            form: {
              ...s.form,
              control: s.form.control.map((u) => (u.id === unitId ? { ...u, hint } : u)),
            },
          }));
        setHint({ status: 'loading', url: null, ...source });
        const { width, height } = get().form;
        try {
          const preview = await transport.call('previewControlHint', {
            image: { data: unit.image.data, name: unit.image.name },
            preprocessor: unit.preprocessor,
            width,
            height,
          });
          if (current())
            setHint({ status: 'ready', url: makeUrl(preview.png, 'image/png'), ...source });
        } catch (err) {
          if (!current()) return;
          setHint(null);
          // The host names the preview request's field (image, preprocessor, params.low): place it
          // on this unit's control of that name.
          const index = get().form.control.findIndex((u) => u.id === unitId);
          const error = toSerialized(err);
          const prefix = `control[${index}]`;
          fail({ ...error, field: error.field ? `${prefix}.${error.field}` : prefix });
        }
      },
      removeControlUnit(id) {
        get().setForm({ control: get().form.control.filter((u) => u.id !== id) });
      },
      setRefiner: (patch) => get().setForm({ refiner: { ...get().form.refiner, ...patch } }),
      setHires: (patch) => get().setForm({ hires: { ...get().form.hires, ...patch } }),

      async generate() {
        const { form, job, settings } = get();
        if (job) return;
        const missing = form.control.findIndex((u) => u.image === null);
        if (missing >= 0) {
          set({
            fieldErrors: {
              [`control[${missing}].image`]: 'Drop a control image here, or remove this unit.',
            },
          });
          return;
        }
        const seed = form.seedChoice === 'fixed' ? form.seed : randomSeed(random);
        const request = formToRequest(form, seed, settings?.provider ?? 'auto');
        early.length = 0;
        const dropped = get().dropped;
        set({
          fieldErrors: {},
          notice: null,
          // A dropped image that is in use (init image, restored settings) has served its turn.
          dropped: dropped && (dropped.usedAsInit || dropped.restored) ? null : dropped,
          job: {
            jobId: null,
            phase: 'submitting',
            step: 0,
            totalSteps: form.steps,
            msPerStep: 0,
            queuePosition: 0,
            component: null,
            previewUrl: null,
          },
        });
        try {
          const { jobId } = await transport.call('generate', request);
          set((s) => ({ job: s.job ? { ...s.job, jobId } : s.job }));
          for (const event of early.splice(0)) if (event.jobId === jobId) applyEvent(event);
        } catch (err) {
          set({ job: null });
          fail(err);
        }
      },

      async cancel() {
        const jobId = get().job?.jobId;
        if (!jobId) return;
        await transport.call('cancel', { jobId }).catch((err: unknown) => fail(err));
      },

      handleJobEvent(event) {
        const job = get().job;
        if (job && job.jobId === null) {
          early.push(event);
          return;
        }
        applyEvent(event);
      },

      selectResult: (id) => set({ selectedId: id }),

      reuseSettings(id) {
        const result = get().results.find((r) => r.id === id);
        if (!result) return;
        const r = result.request;
        get().setForm({
          model: get().models.some((m) => m.path === r.model) ? r.model : get().form.model,
          prompt: r.prompt,
          negativePrompt: r.negativePrompt,
          steps: r.steps,
          cfg: r.cfg,
          scheduler: result.scheduler.displayName || r.scheduler,
          seedChoice: 'fixed',
          seed: result.seed,
          seedMode: r.seedMode,
          width: r.width,
          height: r.height,
          batch: r.batch,
        });
        set({
          view: 'create',
          notice: { kind: 'info', message: `Settings of seed ${result.seed} loaded.` },
        });
      },

      applyRestore(restore, from) {
        const { form, models } = get();
        const model =
          restore.model && models.some((m) => m.path === restore.model)
            ? restore.model
            : form.model;
        if (model !== form.model) get().setModel(model);
        get().setForm(applyRestoreToForm(get().form, restore.fields));
        set({ view: 'create', notice: restoreNotice(restore, from) });
      },

      async copyText(text, what) {
        try {
          await navigator.clipboard.writeText(text);
          set({ notice: { kind: 'info', message: `${what} copied.` } });
        } catch {
          set({ notice: { kind: 'error', message: `Could not copy the ${what.toLowerCase()}.` } });
        }
      },

      imageUrl: (path, width) => transport.imageUrl(path, width),

      dismissNotice: () => set({ notice: null }),

      async saveSettings(patch: Partial<StudioSettings>) {
        const cleared = { ...get().fieldErrors };
        for (const key of Object.keys(cleared)) {
          if (Object.keys(patch).some((p) => key === p || key.startsWith(`${p}.`)))
            delete cleared[key];
        }
        set({ fieldErrors: cleared });
        try {
          const before = get().settings?.outputFolder;
          const settings = await transport.call('setSettings', patch);
          set((s) => ({
            settings,
            providers: s.providers ? { ...s.providers, selected: settings.provider } : s.providers,
            gallery: settings.outputFolder !== before ? galleryMoved(s.gallery) : s.gallery,
          }));
          if (patch.modelsFolder) await get().reloadModels();
        } catch (err) {
          fail(err);
        }
      },

      async chooseFolder(kind) {
        try {
          const choice = await transport.call(
            kind === 'models' ? 'chooseModelsFolder' : 'chooseOutputFolder',
          );
          const before = get().settings?.outputFolder;
          set((s) => ({
            settings: choice.settings,
            gallery: choice.settings.outputFolder !== before ? galleryMoved(s.gallery) : s.gallery,
          }));
          if (choice.chosen && kind === 'models') await get().reloadModels();
        } catch (err) {
          fail(err, kind === 'models' ? 'modelsFolder' : 'outputFolder');
        }
      },

      async reloadModels() {
        try {
          const models = await transport.call('reloadModels');
          const controlNets = await transport.call('listControlNets');
          set({ models, controlNets });
          if (!models.some((m) => m.path === get().form.model)) {
            const first = models.find((m) => m.bundled) ?? models[0];
            get().setForm({ model: first?.path ?? '' });
          }
        } catch (err) {
          fail(err, 'model');
        }
      },

      async openPath(path) {
        await transport.call('openPath', { path }).catch((err: unknown) => fail(err));
      },
    };
  });

  transport.onJobEvent((event) => store.getState().handleJobEvent(event));
  transport.onConnection((connection) => store.setState({ connection }));
  return store;
}
