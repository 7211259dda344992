/**
 * The studio service: one handler per call in the contract, shared by the Electron IPC host and
 * the local server. It knows nothing about Electron; the host passes in what differs (a folder
 * dialog, "open with the OS").
 */
import path from 'node:path';
import {
  EmulsionError,
  invalidArgument,
  serializeError,
  type SerializedError,
} from '../../common/errors.ts';
import type { JobEvent } from '../../common/generation.ts';
import type {
  CallName,
  CallRequest,
  CallResponse,
  EvalJobEventDto,
  FolderChoice,
  SchedulerInfo,
  StudioGenerateRequest,
  StudioJobEvent,
  StudioModel,
  StudioControlNet,
  StudioSafetySettings,
  StudioSettings,
} from '../../common/ipc.ts';
import { listControlNets } from '../engine/model/list.ts';
import { createLogger } from '../engine/log.ts';
import type { EngineClient, ModelInfo } from '../engine/worker/types.ts';
import { engineGenerator } from '../eval/generator.ts';
import { createEvalService } from '../eval/service.ts';
import type { Gallery } from '../gallery/gallery.ts';
import { previewControlHint } from './control-hint.ts';
import { createEvalHandlers } from './eval-handlers.ts';
import { createGalleryHandlers } from './gallery-handlers.ts';
import { saveResult, type HashLookup } from './gallery-service.ts';
import { listOutputs } from './outputs.ts';
import { isInside, resolveInside } from './paths.ts';
import {
  createSafetyHandlers,
  OriginalsStore,
  withoutOriginals,
  type SafetyEvalRunner,
} from './safety-handlers.ts';
import type { SettingsStore } from './settings.ts';

const log = createLogger('studio');

export type StudioHandlers = {
  [K in CallName]: (request: CallRequest<K>) => Promise<CallResponse<K>>;
};

export interface StudioHost {
  engine: EngineClient;
  settings: SettingsStore;
  /** Scheduler names users know, from the engine's catalogue. */
  schedulers: () => SchedulerInfo[];
  /** Folders besides the models and output folders that `openPath` may open (e.g. logs). */
  extraRoots?: string[];
  /** Shows a folder dialog; absent in server mode, where the path is typed in Settings. */
  pickFolder?: (title: string, current: string) => Promise<string | null>;
  /** Opens a file or folder with the OS; absent in server mode. */
  openInOs?: (path: string) => Promise<void>;
  /** Shows a file in the OS file manager; absent in server mode. */
  revealInOs?: (path: string) => void;
  /** Where finished images go, open over `settings.outputFolder` (gallery-service.ts). */
  gallery: Gallery;
  /** Model hashes for the images' metadata, from the cache. */
  hashes: HashLookup;
  /** The gallery's startup reconcile; gallery calls wait for it. */
  galleryReady?: Promise<void>;
  /** The app's own folder of user word lists (`<category>.txt`); created by the host. */
  userTermsDir: string;
  /** The evaluation workspace (audits, XY/Z plots, A/B sessions); reachable like the outputs. */
  evalFolder: string;
  /** Replaces safety-eval's runner (tests); by default main/safety/eval.ts. */
  runSafetyEval?: SafetyEvalRunner;
  /** Where safety-eval caches the converted classifier (a packaged app's data folder). */
  classifierCacheDir?: string;
  /**
   * The folder of the bundled demo models. The engine lists only the demo base model by itself;
   * the studio lists this folder too, so the bundled refiner is offered like any other model.
   */
  bundledModelsDir?: string;
}

export interface Studio {
  handlers: StudioHandlers;
  onEvent(listener: (event: StudioJobEvent) => void): () => void;
  /** Progress of evaluation runs (audits, XY/Z plots). */
  onEvalJobEvent(listener: (event: EvalJobEventDto) => void): () => void;
  /** The folders the renderer may reach (openPath, the image protocol). */
  roots(): string[];
  dispose(): void;
}

function toStudioModel(m: ModelInfo, bundledDir: string | undefined): StudioModel {
  return {
    path: m.path,
    name: m.name,
    family: m.family,
    defaults: { ...m.defaults },
    bundled: m.bundled || (bundledDir !== undefined && isInside(m.path, bundledDir)),
    ...(m.traits ? { traits: { ...m.traits } } : {}),
  };
}

/** Whether `next` changes more than the policy (which travels with each job instead). */
function filterChanged(before: StudioSafetySettings, next: StudioSafetySettings): boolean {
  const { policy: _a, ...b } = before;
  const { policy: _b, ...n } = next;
  return JSON.stringify(b) !== JSON.stringify(n);
}

export function createStudio(host: StudioHost): Studio {
  const { engine, settings, gallery } = host;
  const listeners = new Set<(event: StudioJobEvent) => void>();
  const ownJobs = new Set<string>();
  let models: StudioModel[] | null = null;
  let controlNets: StudioControlNet[] | null = null;
  let lastUsed: string | null = null;
  let submitting: JobEvent[] | null = null;
  const originals = new OriginalsStore();

  /**
   * The engine's safety filter follows the settings. The first configuration runs at once; until
   * it is done no job is submitted, and if it fails (a broken user word list) generation refuses
   * with its error until the lists are fixed and reloaded.
   */
  let safetyError: SerializedError | null = null;
  const configureEngine = async (safety: StudioSafetySettings) => {
    await engine.configureSafety({ ...safety, userTermsDir: host.userTermsDir });
    safetyError = null;
  };
  let safetyReady = configureEngine(settings.get().safety).catch((err: unknown) => {
    safetyError = serializeError(err);
    log.error(`The safety filter could not be configured: ${safetyError.message}`);
  });

  const emit = (event: StudioJobEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        log.error(`Job event listener failed: ${(err as Error).message}`);
      }
    }
  };

  async function forward(event: JobEvent): Promise<void> {
    if (!ownJobs.has(event.jobId)) return;
    if (event.status === 'started') lastUsed = event.provider;
    if (event.status !== 'done') {
      if (event.status === 'cancelled' || event.status === 'error') ownJobs.delete(event.jobId);
      emit(event);
      return;
    }
    ownJobs.delete(event.jobId);
    lastUsed = event.result.provider;
    const result = withoutOriginals(event.result);
    try {
      const saved = await saveResult(gallery, host.hashes, event.result);
      const items = saved.files.map((f) => saved.items.find((item) => item.path === f) ?? null);
      originals.add(event.jobId, event.result, items);
      emit({ ...event, result, files: saved.files, items: saved.items, saveError: saved.error });
    } catch (err) {
      log.error(`Could not save the images of job ${event.jobId}: ${(err as Error).message}`);
      originals.add(event.jobId, event.result, []);
      emit({
        ...event,
        result,
        files: event.result.images.map(() => null),
        items: [],
        saveError: serializeError(err),
      });
    }
  }

  /**
   * Points the gallery at a new output folder after the settings changed. If the gallery cannot
   * follow (the folder is not writable), both go back to the old folder and the error is raised.
   */
  async function followOutputFolder(before: StudioSettings, next: StudioSettings) {
    if (next.outputFolder === before.outputFolder) return next;
    try {
      await gallery.setOutputFolder(next.outputFolder);
      return next;
    } catch (err) {
      await settings.update({ outputFolder: before.outputFolder }).catch(() => undefined);
      await gallery.setOutputFolder(before.outputFolder).catch(() => undefined);
      throw err;
    }
  }

  const unsubscribe = engine.onEvent((event) => {
    if (submitting) submitting.push(event);
    else void forward(event);
  });

  /** The models folder, then the bundled models folder when it is a different one. */
  function modelFolders(): string[] {
    const folders = [settings.get().modelsFolder];
    const bundledDir = host.bundledModelsDir;
    if (bundledDir && path.resolve(bundledDir) !== path.resolve(folders[0]))
      folders.push(bundledDir);
    return folders;
  }

  async function knownModels(): Promise<StudioModel[]> {
    if (models) return models;
    const bundledDir = host.bundledModelsDir;
    const listed = await engine.listModels(modelFolders());
    const seen = new Set<string>();
    models = listed
      .filter((m) => !seen.has(m.path) && Boolean(seen.add(m.path)))
      .map((m) => toStudioModel(m, bundledDir));
    return models;
  }

  /** ControlNet folders are read from disk here (config.json, input names): no worker needed. */
  async function knownControlNets(): Promise<StudioControlNet[]> {
    if (controlNets) return controlNets;
    const bundledDir = host.bundledModelsDir;
    controlNets = (await listControlNets(modelFolders())).map((c) => ({
      ...c,
      bundled: bundledDir !== undefined && isInside(c.path, path.resolve(bundledDir)),
    }));
    return controlNets;
  }

  async function checkControlNet(field: string, value: string): Promise<void> {
    const list = await knownControlNets();
    if (!list.some((c) => c.path === value)) {
      throw invalidArgument(
        field,
        value,
        'a ControlNet from the ControlNet list',
        'Reload the models list and pick again.',
      );
    }
  }

  async function checkModel(field: string, value: string | undefined): Promise<void> {
    if (value === undefined) return;
    const list = await knownModels();
    if (!list.some((m) => m.path === value)) {
      throw invalidArgument(
        field,
        value,
        'a model from the models list',
        'Reload the models list and pick again.',
      );
    }
  }

  async function validateAgainstState(request: StudioGenerateRequest): Promise<void> {
    await checkModel('model', request.model);
    await checkModel('refiner.model', request.refiner?.model);
    for (const [i, unit] of (request.control ?? []).entries()) {
      await checkControlNet(`control[${i}].model`, unit.model);
      // An estimator is a single ONNX file, not a listed model folder: it must be in the models folder.
      if (unit.estimator !== undefined) {
        await resolveInside(`control[${i}].estimator`, unit.estimator, [
          settings.get().modelsFolder,
        ]);
      }
    }
    const names = host.schedulers().map((s) => s.name);
    if (names.length > 0 && !names.includes(request.scheduler)) {
      throw invalidArgument('scheduler', request.scheduler, names);
    }
  }

  async function chooseFolder(
    key: 'modelsFolder' | 'outputFolder',
    title: string,
  ): Promise<FolderChoice> {
    if (!host.pickFolder) {
      throw new EmulsionError(
        'INVALID_ARGUMENT',
        'Folder dialogs need the desktop app; in server mode, type the folder path in Settings.',
        { field: key },
      );
    }
    const before = settings.get();
    const picked = await host.pickFolder(title, before[key]);
    if (picked === null) return { chosen: false, settings: settings.get() };
    const next = await settings.update({ [key]: picked });
    if (key === 'modelsFolder') models = controlNets = null;
    return { chosen: true, settings: await followOutputFolder(before, next) };
  }

  const roots = () => {
    const s = settings.get();
    return [
      s.outputFolder,
      s.modelsFolder,
      host.evalFolder,
      host.userTermsDir,
      ...(host.extraRoots ?? []),
    ];
  };

  /**
   * Eval jobs share the engine and run under the policy of the moment, like studio jobs. An image
   * withheld under `block` fails its cell with SAFETY_BLOCKED and the reasons (eval/generator.ts).
   */
  const evalGenerate = engineGenerator(engine);
  const evalService = createEvalService({
    generate: async (input, signal) => {
      await safetyReady;
      if (safetyError) throw EmulsionError.fromJSON(safetyError);
      return evalGenerate({ ...input, safety: settings.get().safety.policy }, signal);
    },
  });

  const handlers: StudioHandlers = {
    async generate(request) {
      await validateAgainstState(request);
      await safetyReady;
      if (safetyError) throw EmulsionError.fromJSON(safetyError);
      submitting = [];
      let jobId: string;
      let early: JobEvent[];
      try {
        // The policy travels with the job, so a policy change needs no engine reconfiguration.
        const handle = engine.generate({ ...request, safety: settings.get().safety.policy });
        jobId = handle.jobId;
        // Outcomes arrive as events; the promise is only kept from rejecting unobserved.
        handle.result.catch(() => undefined);
      } finally {
        early = submitting;
        submitting = null;
      }
      ownJobs.add(jobId);
      for (const event of early) void forward(event);
      return { jobId };
    },
    async cancel({ jobId }) {
      if (!ownJobs.has(jobId)) {
        throw invalidArgument('jobId', jobId, 'the id of a queued or running job');
      }
      engine.cancel(jobId);
      return null;
    },
    listModels: () => knownModels(),
    listControlNets: () => knownControlNets(),
    async reloadModels() {
      await engine.unloadModels();
      models = null;
      controlNets = null;
      return knownModels();
    },
    chooseModelsFolder: () => chooseFolder('modelsFolder', 'Choose the models folder'),
    chooseOutputFolder: () => chooseFolder('outputFolder', 'Choose the output folder'),
    listOutputs: () => listOutputs(settings.get().outputFolder),
    getSettings: async () => settings.get(),
    async setSettings(patch) {
      const before: StudioSettings = settings.get();
      // The engine validates the filter (word lists included) before anything is saved.
      const reconfigure = patch.safety && filterChanged(before.safety, patch.safety);
      if (reconfigure) {
        safetyReady = configureEngine(patch.safety!);
        await safetyReady;
      }
      let next: StudioSettings;
      try {
        next = await settings.update(patch);
      } catch (err) {
        if (reconfigure) {
          safetyReady = configureEngine(before.safety).catch(() => undefined);
        }
        throw err;
      }
      if (next.modelsFolder !== before.modelsFolder) models = controlNets = null;
      return followOutputFolder(before, next);
    },
    async openPath({ path }) {
      const real = await resolveInside('path', path, roots());
      if (!host.openInOs) {
        throw new EmulsionError(
          'INVALID_ARGUMENT',
          'Opening files with the OS needs the desktop app.',
          {
            field: 'path',
          },
        );
      }
      await host.openInOs(real);
      return null;
    },
    listSchedulers: async () => host.schedulers(),
    async getProviders() {
      return { available: await engine.providers(), selected: settings.get().provider, lastUsed };
    },
    previewControlHint,
    ...createGalleryHandlers({
      gallery: () => gallery,
      ready: host.galleryReady,
      roots,
      models: knownModels,
      schedulers: host.schedulers,
      hashes: host.hashes,
      revealInOs: host.revealInOs,
    }),
    ...createSafetyHandlers({
      settings,
      gallery,
      hashes: host.hashes,
      originals,
      roots,
      models: knownModels,
      userTermsDir: host.userTermsDir,
      reapply: async () => {
        safetyReady = configureEngine(settings.get().safety);
        await safetyReady;
      },
      runEvaluation: host.runSafetyEval,
      classifierCacheDir: host.classifierCacheDir,
    }),
    ...createEvalHandlers({ service: evalService, root: host.evalFolder, models: knownModels }),
  };

  return {
    handlers,
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onEvalJobEvent: (listener) => evalService.onJobEvent(listener),
    roots,
    dispose: () => {
      unsubscribe();
      listeners.clear();
      void evalService.close();
    },
  };
}
