import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSettingsStore } from '../../../main/app/settings.ts';

/** SAFETY_DEFAULTS written out by hand (common/safety.ts): what a fresh install starts with. */
const SAFETY = {
  policy: 'blur',
  promptCategories: { sexual: true, 'violence-gore': true, 'self-harm': true, hate: true },
  classifier: {
    enabled: true,
    thresholds: { Drawing: null, Hentai: 0.5, Neutral: null, Porn: 0.5, Sexy: 0.8 },
  },
  modelSafetyChecker: { enabled: true, onPreviews: false },
};

let dir: string;
let defaults: { modelsFolder: string; outputFolder: string; provider: 'auto' };
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-settings-'));
  defaults = {
    modelsFolder: path.join(dir, 'm'),
    outputFolder: path.join(dir, 'o'),
    provider: 'auto',
  };
  await fs.mkdir(defaults.modelsFolder);
  await fs.mkdir(defaults.outputFolder);
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('openSettingsStore()', () => {
  it('starts from the defaults and persists an update', async () => {
    const file = path.join(dir, 'data', 'settings.json');
    const store = await openSettingsStore(file, defaults);
    expect(store.get()).toEqual({ ...defaults, safety: SAFETY });
    await store.update({ provider: 'cpu' });
    const again = await openSettingsStore(file, defaults);
    expect(again.get().provider).toBe('cpu');
  });

  it('keeps valid fields of a hand-edited file and drops invalid ones', async () => {
    const file = path.join(dir, 'settings.json');
    await fs.writeFile(
      file,
      JSON.stringify({ provider: 'cpu', outputFolder: 'relative/path', extra: 1 }),
    );
    const store = await openSettingsStore(file, defaults);
    expect(store.get()).toEqual({ ...defaults, provider: 'cpu', safety: SAFETY });
  });

  it('persists the safety settings and fills fields an older file lacks from the defaults', async () => {
    const file = path.join(dir, 'settings.json');
    const store = await openSettingsStore(file, defaults);
    const strict = {
      ...SAFETY,
      policy: 'block' as const,
      classifier: { enabled: true, thresholds: { ...SAFETY.classifier.thresholds, Sexy: 0.6 } },
    };
    await store.update({ safety: strict });
    expect((await openSettingsStore(file, defaults)).get().safety).toEqual(strict);

    await fs.writeFile(file, JSON.stringify({ safety: { policy: 'warn' } }));
    expect((await openSettingsStore(file, defaults)).get().safety).toEqual({
      ...SAFETY,
      policy: 'warn',
    });
  });

  it('drops hand-edited safety settings that are invalid or name a word-list folder', async () => {
    const file = path.join(dir, 'settings.json');
    for (const safety of [
      { classifier: { thresholds: { Porn: 2 } } },
      { policy: 'shout' },
      { userTermsDir: '/etc' },
    ]) {
      await fs.writeFile(file, JSON.stringify({ provider: 'cpu', safety }));
      expect((await openSettingsStore(file, defaults)).get()).toEqual({
        ...defaults,
        provider: 'cpu',
        safety: SAFETY,
      });
    }
  });

  it('ignores a file that is not JSON', async () => {
    const file = path.join(dir, 'settings.json');
    await fs.writeFile(file, '{ not json');
    expect((await openSettingsStore(file, defaults)).get()).toEqual({
      ...defaults,
      safety: SAFETY,
    });
  });

  it('refuses a folder that does not exist and keeps file and memory unchanged', async () => {
    const file = path.join(dir, 'settings.json');
    const store = await openSettingsStore(file, defaults);
    await store.update({ provider: 'cpu' });
    const before = await fs.readFile(file, 'utf8');
    await expect(
      store.update({ provider: 'cuda', outputFolder: path.join(dir, 'nope') }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      details: { field: 'outputFolder' },
    });
    expect(store.get().provider).toBe('cpu');
    expect(await fs.readFile(file, 'utf8')).toBe(before);
  });
});
