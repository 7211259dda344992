/** A studio wired to a fake engine and real temporary folders, for handler tests. */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { StudioJobEvent } from '../../../../common/ipc.ts';
import {
  openStudioGallery,
  type HashLookup,
  type StudioGallery,
} from '../../../../main/app/gallery-service.ts';
import type { SafetyEvalRunner } from '../../../../main/app/safety-handlers.ts';
import { openSettingsStore } from '../../../../main/app/settings.ts';
import { createStudio, type Studio } from '../../../../main/app/studio.ts';
import type { ModelInfo } from '../../../../main/engine/worker/types.ts';
import { createFakeEngine, type FakeEngine } from './engine.ts';

export interface TestStudio {
  studio: Studio;
  engine: FakeEngine;
  dir: string;
  settingsFile: string;
  folders: {
    models: string;
    output: string;
    logs: string;
    other: string;
    terms: string;
    eval: string;
  };
  events: StudioJobEvent[];
  /** The real gallery, over the output folder, with its index in `<dir>/data`. */
  gallery: StudioGallery;
  picked: string[];
  opened: string[];
  revealed: string[];
  /** Next answer of the fake folder dialog. */
  nextPick: { value: string | null };
  cleanup(): Promise<void>;
}

export async function createTestStudio(
  options: {
    stepMs?: number;
    desktop?: boolean;
    hashes?: HashLookup;
    models?: ModelInfo[];
    runSafetyEval?: SafetyEvalRunner;
    bundledModelsDir?: string;
  } = {},
): Promise<TestStudio> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-studio-'));
  const folders = {
    models: path.join(dir, 'models'),
    output: path.join(dir, 'output'),
    logs: path.join(dir, 'logs'),
    other: path.join(dir, 'other'),
    terms: path.join(dir, 'safety-terms'),
    eval: path.join(dir, 'eval'),
  };
  for (const f of Object.values(folders)) await fs.mkdir(f);
  const settingsFile = path.join(dir, 'data', 'settings.json');
  const settings = await openSettingsStore(settingsFile, {
    modelsFolder: folders.models,
    outputFolder: folders.output,
    provider: 'auto',
  });
  const engine = createFakeEngine({ stepMs: options.stepMs, models: options.models });
  const gallery = await openStudioGallery({
    appDataDir: path.dirname(settingsFile),
    outputFolder: folders.output,
  });
  const picked: string[] = [];
  const opened: string[] = [];
  const revealed: string[] = [];
  const nextPick = { value: null as string | null };
  const desktop = options.desktop ?? true;
  const studio = createStudio({
    userTermsDir: folders.terms,
    evalFolder: folders.eval,
    runSafetyEval: options.runSafetyEval,
    bundledModelsDir: options.bundledModelsDir,
    engine,
    settings,
    schedulers: () => [{ name: 'Euler a' }, { name: 'DPM++ 2M Karras' }, { name: 'DDIM' }],
    extraRoots: [folders.logs],
    gallery: gallery.gallery,
    // Model hashes are tested in gallery-service.test.ts; the fake models have no weights to hash.
    hashes: options.hashes ?? (async () => undefined),
    galleryReady: gallery.ready,
    revealInOs: desktop ? (p) => void revealed.push(p) : undefined,
    pickFolder: desktop
      ? async (title) => {
          picked.push(title);
          return nextPick.value;
        }
      : undefined,
    openInOs: desktop
      ? async (p) => {
          opened.push(p);
        }
      : undefined,
  });
  const events: StudioJobEvent[] = [];
  studio.onEvent((e) => events.push(e));
  return {
    studio,
    engine,
    dir,
    settingsFile,
    folders,
    events,
    gallery,
    picked,
    opened,
    revealed,
    nextPick,
    cleanup: async () => {
      studio.dispose();
      await gallery.close();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}

export const BASE_REQUEST = {
  prompt: 'a red circle',
  negativePrompt: '',
  steps: 3,
  cfg: 7,
  scheduler: 'Euler a',
  seed: 42,
  seedMode: 'emulsion' as const,
  width: 64,
  height: 64,
  batch: 1,
  provider: 'auto' as const,
  preview: 'off' as const,
};

export async function waitFor<T>(probe: () => T | undefined, timeoutMs = 3000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() - t0 > timeoutMs) throw new Error('waitFor timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
