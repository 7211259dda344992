import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  bundledModelsDir,
  MODELS_DIR_ENV,
  pointEngineAtBundledModels,
} from '../../../main/app/resources.ts';

const RESOURCES = path.join(path.sep, 'opt', 'Emulsion', 'resources');

describe('bundled models folder', () => {
  it('is <resources>/models in a packaged app (electron-builder extraResources) and unset from source', () => {
    expect(bundledModelsDir(true, RESOURCES)).toBe(path.join(RESOURCES, 'models'));
    expect(bundledModelsDir(false, RESOURCES)).toBeUndefined();
  });

  it('is handed to the engine through EMULSION_MODELS_DIR, unless the user set it already', () => {
    const env: NodeJS.ProcessEnv = {};
    expect(pointEngineAtBundledModels(env, true, RESOURCES)).toBe(path.join(RESOURCES, 'models'));
    expect(env[MODELS_DIR_ENV]).toBe(path.join(RESOURCES, 'models'));

    const mine: NodeJS.ProcessEnv = { [MODELS_DIR_ENV]: '/data/models' };
    expect(pointEngineAtBundledModels(mine, true, RESOURCES)).toBe('/data/models');
    expect(mine[MODELS_DIR_ENV]).toBe('/data/models');

    const source: NodeJS.ProcessEnv = {};
    expect(pointEngineAtBundledModels(source, false, RESOURCES)).toBeUndefined();
    expect(source).toEqual({});
  });
});
