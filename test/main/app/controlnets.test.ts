/**
 * ControlNet discovery: folders in the OnnxStack layout (model.onnx taking controlnet_cond) in the
 * models folder and the bundled models folder, listed for the unit picker and required by
 * `generate` for each unit's model.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { listControlNets } from '../../../main/engine/model/list.ts';
import { BASE_REQUEST, createTestStudio, type TestStudio } from './fakes/host.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const BUNDLED = path.join(REPO, 'resources', 'models');
const DEMO_CN = path.join(BUNDLED, 'emulsion-shapes-controlnet');

let t: TestStudio | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

/** Writes a folder with a model.onnx whose bytes are `onnx` and, optionally, a config.json. */
async function folder(root: string, name: string, onnx: string, config?: object) {
  const dir = path.join(root, name);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'model.onnx'), onnx);
  if (config) await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}

describe('listControlNets()', () => {
  it('lists the bundled demo ControlNet with its config, and no other bundled folder', async () => {
    expect(await listControlNets([BUNDLED])).toEqual([
      {
        path: DEMO_CN,
        name: 'emulsion-shapes-controlnet',
        crossAttentionDim: 768,
        hint: 'white outline or scribble on black, RGB in [0,1]',
      },
    ]);
  });

  it('recognises a config marker or a controlnet_cond input, and skips other folders', async () => {
    t = await createTestStudio();
    const root = t.folders.models;
    const marked = await folder(root, 'marked', 'opaque', { _class_name: 'ControlNetModel' });
    // An input name inside the protobuf bytes: the graph stores names as plain strings.
    const named = await folder(root, 'named', '\u0012\u000fcontrolnet_cond');
    await folder(root, 'unet-like', '\u0012\u0006sample', { _class_name: 'UNet2DConditionModel' });
    await folder(root, 'pipeline', 'controlnet_cond', { _class_name: 'ControlNetModel' });
    await fs.writeFile(path.join(root, 'pipeline', 'model_index.json'), '{}');
    await fs.mkdir(path.join(root, 'empty'));
    const found = await listControlNets([root, path.join(root, 'missing')]);
    expect(found.map((c) => c.path).sort()).toEqual([marked, named].sort());
  });

  it('lists a folder named twice only once', async () => {
    expect(await listControlNets([BUNDLED, BUNDLED])).toHaveLength(1);
  });
});

describe('studio listControlNets', () => {
  it('lists the models folder and the bundled folder, the bundled ones marked', async () => {
    t = await createTestStudio({ bundledModelsDir: BUNDLED });
    const own = await folder(t.folders.models, 'cn-canny', 'x', {
      _class_name: 'ControlNetModel',
      cross_attention_dim: 768,
    });
    expect(await t.studio.handlers.listControlNets()).toEqual([
      { path: own, name: 'cn-canny', crossAttentionDim: 768, bundled: false },
      {
        path: DEMO_CN,
        name: 'emulsion-shapes-controlnet',
        crossAttentionDim: 768,
        hint: 'white outline or scribble on black, RGB in [0,1]',
        bundled: true,
      },
    ]);
  });

  it('reads the folder again after reloadModels', async () => {
    t = await createTestStudio();
    expect(await t.studio.handlers.listControlNets()).toEqual([]);
    await folder(t.folders.models, 'late', 'x', { _class_name: 'ControlNetModel' });
    expect(await t.studio.handlers.listControlNets()).toEqual([]);
    await t.studio.handlers.reloadModels();
    expect((await t.studio.handlers.listControlNets()).map((c) => c.name)).toEqual(['late']);
  });

  it('refuses a unit whose model is not a listed ControlNet, and accepts a listed one', async () => {
    t = await createTestStudio({ bundledModelsDir: BUNDLED });
    const unit = {
      image: { data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) },
      preprocessor: 'none' as const,
      scale: 1,
      start: 0,
      end: 1,
    };
    const models = await t.studio.handlers.listModels();
    await expect(
      t.studio.handlers.generate({
        ...BASE_REQUEST,
        control: [{ ...unit, model: models[0].path }],
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'control[0].model' } });
    expect(t.engine.generated).toHaveLength(0);
    await t.studio.handlers.generate({ ...BASE_REQUEST, control: [{ ...unit, model: DEMO_CN }] });
    expect(t.engine.generated.map((r) => r.control?.[0].model)).toEqual([DEMO_CN]);
  });
});
