// @vitest-environment node
/**
 * Model families from folder configs (model/family.ts) and the defaults that follow, on the
 * issue-5 contract fixtures and the demo model, through describeModel (the model picker) and the
 * engine's request defaults.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelPath, ensureDemoModels } from '../../../../main/demo-model/index.ts';
import {
  familyDefaults,
  readFolderConfigs,
  requestDefaults,
  traitsFromConfigs,
} from '../../../../main/engine/model/family.ts';
import { describeModel } from '../../../../main/engine/model/list.ts';
import { writeContractModel } from '../../../fixtures/contract/folder.ts';
import { writeInpaintModel } from '../../../fixtures/contract/inpaint.ts';
import { writeLcmModel } from '../../../fixtures/contract/lcm.ts';
import { writeSdxlModel } from '../../../fixtures/contract/sdxl.ts';
import { variant } from '../../../fixtures/contract/variants.ts';
import { tempRoot } from './feature-support.ts';

let cleanup: () => Promise<void>;
let dirs: Record<string, string>;

beforeAll(async () => {
  const root = await tempRoot();
  cleanup = root.cleanup;
  const at = (n: string) => path.join(root.dir, n);
  await ensureDemoModels();
  dirs = {
    sdxl: await writeSdxlModel(at('sdxl'), 'base'),
    refiner: await writeSdxlModel(at('refiner'), 'refiner'),
    turbo: await writeSdxlModel(at('turbo'), 'turbo'),
    lcm: await writeLcmModel(at('lcm')),
    inpaint: await writeInpaintModel(at('inpaint')),
    sd2: await writeContractModel(at('sd2'), variant('sd2-v')),
    legacy: await writeContractModel(at('legacy'), variant('legacy')),
  };
}, 60_000);

afterAll(() => cleanup?.());

describe('model family detection', () => {
  it.each([
    ['sdxl', { family: 'sdxl', turbo: false, lcm: false, inpaint: false }],
    ['refiner', { family: 'sdxl-refiner', turbo: false }],
    ['turbo', { family: 'sdxl', turbo: true }],
    ['lcm', { family: 'sd1', lcm: true }],
    ['inpaint', { family: 'sd1', inpaint: true }],
    ['sd2', { family: 'sd2' }],
    // The legacy export ships no unet config: text_encoder alone says SD 1.x.
    ['legacy', { family: 'sd1' }],
  ])('%s → %j', (name, expected) => {
    expect(describeModel(dirs[name]).family).toBe(expected.family);
    const traits = traitsFromConfigs(readFolderConfigs(dirs[name]));
    expect(traits).toMatchObject(expected);
  });

  it('the demo model is SD 1.x', () => {
    expect(describeModel(demoModelPath(), true)).toMatchObject({ family: 'sd1', bundled: true });
  });
});

describe('family defaults', () => {
  it('size from sample_size × 8; few steps without CFG for Turbo; the LCM scheduler for LCM', () => {
    expect(requestDefaults(dirs.sdxl)).toMatchObject({ width: 1024, height: 1024, steps: 20 });
    expect(requestDefaults(dirs.turbo)).toEqual({
      width: 512,
      height: 512,
      steps: 4,
      cfg: 0,
      scheduler: 'Euler a',
    });
    expect(requestDefaults(dirs.lcm)).toMatchObject({
      steps: 4,
      cfg: 8.5,
      scheduler: 'LCM',
      width: 768,
    });
    expect(requestDefaults(dirs.sd2)).toMatchObject({ width: 768, height: 768 });
    // The demo model's defaults are the engine's generic ones.
    expect(requestDefaults(demoModelPath())).toEqual({
      width: 512,
      height: 512,
      steps: 20,
      cfg: 7,
      scheduler: 'Euler a',
    });
  });

  it('a folder that cannot be read gives no defaults (the pipeline reports it)', () => {
    expect(requestDefaults('/no/such/folder')).toEqual({});
    expect(requestDefaults(42)).toEqual({});
  });

  it('family size when the UNet config has no sample_size', () => {
    const d = familyDefaults({ family: 'sdxl', turbo: false, lcm: false, inpaint: false });
    expect([d.width, d.height]).toEqual([1024, 1024]);
  });

  it('the model picker shows Turbo and LCM defaults', () => {
    expect(describeModel(dirs.turbo).defaults).toMatchObject({ steps: 4, cfg: 0 });
    expect(describeModel(dirs.lcm).defaults).toMatchObject({ steps: 4, scheduler: 'LCM' });
  });
});
