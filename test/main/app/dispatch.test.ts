/**
 * The acceptance matrix: an invalid payload sent straight to each handler (wrong types, missing
 * fields, huge numbers, path traversal) comes back as a coded error and leaves the app unchanged.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALL_NAMES, type CallName } from '../../../common/ipc.ts';
import { createDispatch, type Dispatch } from '../../../main/app/dispatch.ts';
import { BASE_REQUEST, createTestStudio, type TestStudio } from './fakes/host.ts';

let t: TestStudio;
let dispatch: Dispatch;

beforeEach(async () => {
  t = await createTestStudio();
  dispatch = createDispatch(t.studio.handlers);
});
afterEach(async () => {
  await t.cleanup();
});

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
const NO_PAYLOAD: [string, unknown][] = [
  ['a number', 42],
  ['a string', '../../etc/passwd'],
  ['a list', []],
  ['an object with a field', { path: '/etc/passwd' }],
];

type Case = [label: string, payload: unknown, field: string];
/** Built lazily: some payloads need the test's temporary folders. */
const INVALID: Record<CallName, (t: TestStudio) => Case[]> = {
  generate: () => [
    ['not an object', 'draw a cat', 'request'],
    ['missing prompt', { ...BASE_REQUEST, prompt: undefined }, 'prompt'],
    ['steps as a string', { ...BASE_REQUEST, steps: '3' }, 'steps'],
    ['a billion steps', { ...BASE_REQUEST, steps: 1e9 }, 'steps'],
    ['cfg of 1e308', { ...BASE_REQUEST, cfg: 1e308 }, 'cfg'],
    ['a 1e6 pixel width', { ...BASE_REQUEST, width: 1_000_000 }, 'width'],
    ['model path traversal', { ...BASE_REQUEST, model: '/opt/../../etc/passwd' }, 'model'],
    ['a model outside the list', { ...BASE_REQUEST, model: '/etc' }, 'model'],
    [
      'init image read from a path',
      { ...BASE_REQUEST, init: { image: { path: '/etc/passwd' }, strength: 0.5, resize: 'crop' } },
      'init.image.path',
    ],
    [
      'init image name traversal',
      {
        ...BASE_REQUEST,
        init: { image: { data: png, name: '../../../x' }, strength: 0.5, resize: 'crop' },
      },
      'init.image.name',
    ],
    ['an unknown scheduler', { ...BASE_REQUEST, scheduler: 'Warp 9' }, 'scheduler'],
  ],
  cancel: () => [
    ['missing jobId', {}, 'jobId'],
    ['jobId as a number', { jobId: 7 }, 'jobId'],
    ['jobId with a path', { jobId: '../../job-1' }, 'jobId'],
    ['a 10000-character jobId', { jobId: 'j'.repeat(10000) }, 'jobId'],
    ['an unknown job', { jobId: 'job-404' }, 'jobId'],
  ],
  listModels: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  reloadModels: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  chooseModelsFolder: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  chooseOutputFolder: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  listOutputs: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  getSettings: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  listSchedulers: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  getProviders: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  setSettings: (t) => [
    ['not an object', 'cpu', 'request'],
    ['provider of the wrong type', { provider: 3 }, 'provider'],
    ['an unknown provider', { provider: 'tpu' }, 'provider'],
    ['a relative folder', { outputFolder: 'output' }, 'outputFolder'],
    ['folder traversal', { outputFolder: `${t.folders.output}/../../..` }, 'outputFolder'],
    ['a folder that does not exist', { modelsFolder: path.join(t.dir, 'missing') }, 'modelsFolder'],
    ['a file instead of a folder', { modelsFolder: t.settingsFile }, 'modelsFolder'],
    ['an unknown key', { theme: 'light' }, 'theme'],
  ],
  openPath: (t) => [
    ['missing path', {}, 'path'],
    ['path as a number', { path: 1 }, 'path'],
    ['a relative path', { path: 'a.png' }, 'path'],
    ['traversal out of the output folder', { path: `${t.folders.output}/../other` }, 'path'],
    ['a path outside the app folders', { path: '/etc/passwd' }, 'path'],
    ['a NUL byte', { path: `${t.folders.output}/a\0.png` }, 'path'],
  ],
};

async function snapshot(t: TestStudio) {
  return {
    settings: t.studio.handlers.getSettings && (await t.studio.handlers.getSettings()),
    file: await fs.readFile(t.settingsFile, 'utf8').catch(() => null),
    output: await fs.readdir(t.folders.output),
    generated: t.engine.generated.length,
    cancelled: t.engine.cancelled.length,
    unloads: t.engine.unloads,
    listed: t.engine.listedDirectories.length,
    picked: t.picked.length,
    opened: t.opened.length,
    events: t.events.length,
  };
}

describe('createDispatch()', () => {
  it('covers every call of the contract in the invalid-payload matrix', () => {
    expect(Object.keys(INVALID).sort()).toEqual([...CALL_NAMES].sort());
  });

  for (const name of CALL_NAMES) {
    it(`${name}: refuses each invalid payload with INVALID_ARGUMENT and changes nothing`, async () => {
      // Prime the state so "unchanged" has something to compare against.
      await dispatch('setSettings', { provider: 'cpu' });
      await dispatch('listModels', undefined);
      const before = await snapshot(t);
      for (const [label, payload, field] of INVALID[name](t)) {
        const reply = await dispatch(name, payload);
        expect(reply, label).toMatchObject({
          ok: false,
          error: { code: 'INVALID_ARGUMENT', field },
        });
        if (!reply.ok) expect(typeof reply.error.message, label).toBe('string');
      }
      expect(await snapshot(t)).toEqual(before);
    });
  }

  it('refuses an unknown call name, listing the known ones', async () => {
    const reply = await dispatch('deleteEverything', {});
    expect(reply).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT', field: 'method', allowed: CALL_NAMES },
    });
  });

  it('wraps a valid call in an ok envelope', async () => {
    expect(await dispatch('getSettings', undefined)).toEqual({
      ok: true,
      value: { modelsFolder: t.folders.models, outputFolder: t.folders.output, provider: 'auto' },
    });
  });

  it('keeps the error code of a handler failure and never leaks a stack', async () => {
    t.engine.listModels = async () => {
      throw new Error('native crash at 0xdeadbeef');
    };
    const reply = await dispatch('reloadModels', undefined);
    expect(reply).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'native crash at 0xdeadbeef' },
    });
  });

  it('shortens a huge received value instead of echoing it back', async () => {
    const reply = await dispatch('cancel', { jobId: { nested: 'x'.repeat(100000) } });
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(String(reply.error.received).length).toBeLessThanOrEqual(82);
  });
});
