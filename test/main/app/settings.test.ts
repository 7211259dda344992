import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSettingsStore } from '../../../main/app/settings.ts';

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
    expect(store.get()).toEqual(defaults);
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
    expect(store.get()).toEqual({ ...defaults, provider: 'cpu' });
  });

  it('ignores a file that is not JSON', async () => {
    const file = path.join(dir, 'settings.json');
    await fs.writeFile(file, '{ not json');
    expect((await openSettingsStore(file, defaults)).get()).toEqual(defaults);
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
