/**
 * The acceptance matrix: an invalid payload sent straight to each handler (wrong types, missing
 * fields, huge numbers, path traversal) comes back as a coded error and leaves the app unchanged.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALL_NAMES, type CallName } from '../../../common/ipc.ts';
import { createDispatch, type Dispatch } from '../../../main/app/dispatch.ts';
import { BASE_REQUEST, createTestStudio, waitFor, type TestStudio } from './fakes/host.ts';

/** SAFETY_DEFAULTS written out by hand (common/safety.ts). */
const SAFETY = {
  policy: 'blur',
  promptCategories: { sexual: true, 'violence-gore': true, 'self-harm': true, hate: true },
  classifier: {
    enabled: true,
    thresholds: { Drawing: null, Hentai: 0.5, Neutral: null, Porn: 0.5, Sexy: 0.8 },
  },
  modelSafetyChecker: { enabled: true, onPreviews: false },
};

let t: TestStudio;
let dispatch: Dispatch;
/** Ids of the two images the gallery holds, and of the one in the trash. */
let kept: number;
let trashed: number;

beforeEach(async () => {
  t = await createTestStudio();
  dispatch = createDispatch(t.studio.handlers);
  // Three images: one favourite with a tag, one plain, one in the trash.
  await t.studio.handlers.generate({ ...BASE_REQUEST, batch: 3 });
  await waitFor(() => t.events.find((e) => e.status === 'done'));
  const [a, , c] = t.gallery.gallery.query({ order: 'oldest' }).items;
  kept = a.id;
  t.gallery.gallery.setFavourite(kept, true);
  t.gallery.gallery.setTags(kept, ['keeper']);
  trashed = (await t.gallery.gallery.delete([c.id]))[0].id;
  await fs.writeFile(path.join(t.folders.logs, 'labels.csv'), 'file,label\n');
});
afterEach(async () => {
  await t.cleanup();
});

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
/** Larger than any id SQLite has handed out in these tests. */
const UNKNOWN = 9999;
const hintBase = { image: { data: png }, preprocessor: 'canny', width: 64, height: 64 };
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
  listControlNets: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
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
    [
      'safety settings that leave out a part',
      { safety: { policy: 'warn' } },
      'safety.promptCategories',
    ],
    ['an unknown policy', { safety: { ...SAFETY, policy: 'shout' } }, 'safety.policy'],
    [
      'a threshold above 1',
      {
        safety: {
          ...SAFETY,
          classifier: { enabled: true, thresholds: { ...SAFETY.classifier.thresholds, Porn: 1.5 } },
        },
      },
      'safety.classifier.thresholds.Porn',
    ],
    ['a word-list folder', { safety: { ...SAFETY, userTermsDir: '/etc' } }, 'safety.userTermsDir'],
    [
      'an unknown prompt category',
      { safety: { ...SAFETY, promptCategories: { ...SAFETY.promptCategories, spam: true } } },
      'safety.promptCategories.spam',
    ],
  ],
  openPath: (t) => pathCases(t),
  revealInFolder: (t) => pathCases(t),
  previewControlHint: () => [
    ['missing image', { ...hintBase, image: undefined }, 'image'],
    ['image as a path', { ...hintBase, image: { path: '/etc/passwd' } }, 'image.path'],
    ['an unknown preprocessor', { ...hintBase, preprocessor: 'sobel' }, 'preprocessor'],
    ['a 1e6 pixel width', { ...hintBase, width: 1_000_000 }, 'width'],
    ['a width off the 8 grid', { ...hintBase, width: 63 }, 'width'],
    ['an unknown param', { ...hintBase, params: { radius: 3 } }, 'params.radius'],
    ['a param out of range', { ...hintBase, params: { low: 5000 } }, 'params.low'],
    ['canny low above high', { ...hintBase, params: { low: 220, high: 100 } }, 'params.low'],
    ['a depth hint (needs its estimator)', { ...hintBase, preprocessor: 'depth' }, 'preprocessor'],
  ],
  galleryQuery: () => [
    ['not an object', 'castle', 'request'],
    ['text as a number', { text: 5 }, 'text'],
    ['a limit of 0', { limit: 0 }, 'limit'],
    ['a limit of a million', { limit: 1_000_000 }, 'limit'],
    ['a negative offset', { offset: -1 }, 'offset'],
    ['from after to', { from: 2000, to: 1000 }, 'to'],
    ['a date as a string', { from: '2025-01-01' }, 'from'],
    ['relevance without text', { order: 'relevance' }, 'order'],
    ['an unknown order', { order: 'random' }, 'order'],
    ['an unknown source', { source: 'midjourney' }, 'source'],
    ['favourite as a string', { favourite: 'yes' }, 'favourite'],
    ['an unknown key', { sql: '1=1; DROP TABLE images' }, 'sql'],
  ],
  galleryGet: () => idCases(),
  galleryUseSettings: () => idCases(),
  galleryImage: () => idCases(),
  galleryModels: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  galleryTags: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  galleryListTrash: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  galleryEmptyTrash: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  galleryRescan: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  gallerySetFavourite: () => [
    ...idCases().map(([l, p, f]): Case => [l, { ...(p as object), favourite: false }, f]),
    ['missing favourite', { id: kept }, 'favourite'],
    ['favourite as a string', { id: kept, favourite: 'false' }, 'favourite'],
  ],
  gallerySetTags: () => [
    ...idCases().map(([l, p, f]): Case => [l, { ...(p as object), tags: [] }, f]),
    ['tags as a string', { id: kept, tags: 'a,b' }, 'tags'],
    ['an empty tag', { id: kept, tags: [''] }, 'tags[0]'],
    ['a tag with a leading space', { id: kept, tags: ['ok', ' padded'] }, 'tags[1]'],
    ['a tag with a newline', { id: kept, tags: ['two\nlines'] }, 'tags[0]'],
    ['a 101-character tag', { id: kept, tags: ['t'.repeat(101)] }, 'tags[0]'],
    ['65 tags', { id: kept, tags: Array.from({ length: 65 }, (_, i) => `t${i}`) }, 'tags'],
  ],
  galleryDelete: () => [
    ['ids as a number', { ids: kept }, 'ids'],
    ['an id as a string', { ids: [String(kept)] }, 'ids[0]'],
    ['a negative id', { ids: [-1] }, 'ids[0]'],
    ['1001 ids', { ids: Array.from({ length: 1001 }, (_, i) => i + 1) }, 'ids'],
    ['a known id, then an unknown one (nothing moves)', { ids: [kept, UNKNOWN] }, 'ids'],
    ['the same id twice', { ids: [kept, kept] }, 'ids'],
  ],
  galleryRestore: () => [
    ['trashIds missing', {}, 'trashIds'],
    ['an unknown trash id', { trashIds: [UNKNOWN] }, 'trashIds'],
    ['a known trash id, then an unknown one', { trashIds: [trashed, UNKNOWN] }, 'trashIds'],
    ['the same trash id twice', { trashIds: [trashed, trashed] }, 'trashIds'],
    ['a fractional id', { trashIds: [1.5] }, 'trashIds[0]'],
  ],
  safetyTerms: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  safetyReloadTerms: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  safetyReveal: () => refCases(),
  safetyKeepOriginal: () => refCases(),
  safetyEval: (t) => {
    const ok = { imagesDir: t.folders.output, labelsFile: path.join(t.folders.logs, 'labels.csv') };
    return [
      ['missing imagesDir', { labelsFile: ok.labelsFile }, 'imagesDir'],
      ['a relative folder', { ...ok, imagesDir: 'output' }, 'imagesDir'],
      ['folder traversal', { ...ok, imagesDir: `${t.folders.output}/../other` }, 'imagesDir'],
      ['a folder outside the app folders', { ...ok, imagesDir: t.folders.other }, 'imagesDir'],
      ['labels outside the app folders', { ...ok, labelsFile: '/etc/passwd' }, 'labelsFile'],
      ['a labels file that is a folder', { ...ok, labelsFile: t.folders.models }, 'labelsFile'],
      ['a target recall of 0', { ...ok, targetRecall: 0 }, 'targetRecall'],
      ['a target recall of 1.5', { ...ok, targetRecall: 1.5 }, 'targetRecall'],
      ['a model outside the list', { ...ok, model: t.folders.models }, 'model'],
      ['an unknown key', { ...ok, threshold: 0.2 }, 'threshold'],
    ];
  },
  evalWorkspace: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  evalCancelJob: () => [
    ['missing jobId', {}, 'jobId'],
    ['jobId as a number', { jobId: 3 }, 'jobId'],
    ['jobId with a path', { jobId: '../xyz-1' }, 'jobId'],
  ],
  evalPlanAudit: () => definitionCases(''),
  evalStartAudit: (t) => [
    ...definitionCases('definition.').map(([l, d, f]): Case => [
      l,
      { dir: path.join(t.folders.eval, 'audits', 'new'), definition: d },
      f,
    ]),
    ['a folder outside the workspace', { dir: t.folders.other, definition: AUDIT }, 'dir'],
    [
      'a new folder outside the workspace',
      { dir: path.join(t.folders.other, 'audit'), definition: AUDIT },
      'dir',
    ],
    [
      'a folder in the output folder',
      { dir: path.join(t.folders.output, 'audit'), definition: AUDIT },
      'dir',
    ],
    [
      'traversal out of the workspace',
      { dir: `${t.folders.eval}/../other/audit`, definition: AUDIT },
      'dir',
    ],
    ['a relative folder', { dir: 'audits/a', definition: AUDIT }, 'dir'],
  ],
  evalLabellingQueue: (t) => [
    ...dirCases(t).map(([l, d, f]): Case => [l, { dir: d, annotator: 'ana' }, f]),
    ['an annotator with a path', { dir: t.folders.eval, annotator: '../ana' }, 'annotator'],
    ['a hidden annotator file', { dir: t.folders.eval, annotator: '.ana' }, 'annotator'],
    ['missing annotator', { dir: t.folders.eval }, 'annotator'],
  ],
  evalSaveLabel: (t) => {
    const label = { image: 'base/c0/0', attribute: 'colour', value: 'red' };
    return [
      ...dirCases(t).map(([l, d, f]): Case => [l, { dir: d, annotator: 'ana', label }, f]),
      [
        'a value that is a number',
        { dir: t.folders.eval, annotator: 'ana', label: { ...label, value: 3 } },
        'label.value',
      ],
      [
        'missing attribute',
        { dir: t.folders.eval, annotator: 'ana', label: { image: 'a', value: null } },
        'label.attribute',
      ],
    ];
  },
  evalWriteAuditReport: (t) => dirCases(t).map(([l, d, f]): Case => [l, { dir: d }, f]),
  evalStartXyz: (t) => {
    const ok = {
      base: { prompt: 'a red circle', steps: 2, width: 64, height: 64 },
      x: { kind: 'seed', values: '1, 2' },
      out: path.join(t.folders.eval, 'xyz', 'plot'),
    };
    return [
      ['missing x', { ...ok, x: undefined }, 'x'],
      ['an unknown axis kind', { ...ok, x: { kind: 'sampler', values: 'a' } }, 'x.kind'],
      [
        'an init image read from a path',
        { ...ok, base: { ...ok.base, init: { image: { path: '/etc/passwd' } } } },
        'base.init',
      ],
      ['a model outside the list', { ...ok, base: { ...ok.base, model: '/etc' } }, 'base.model'],
      [
        'a model axis naming an unknown model',
        { ...ok, x: { kind: 'model', values: 'emulsion-shapes, /etc' } },
        'x values',
      ],
      ['a 1e6 pixel width', { ...ok, base: { ...ok.base, width: 1e6 } }, 'base.width'],
      ['an output outside the workspace', { ...ok, out: path.join(t.folders.other, 'p') }, 'out'],
      ['an output in the models folder', { ...ok, out: path.join(t.folders.models, 'p') }, 'out'],
    ];
  },
  evalXyzResult: (t) => [
    ...dirCases(t).map(([l, d]): Case => [l, { out: d }, 'out']),
    ['a workspace folder without a plot', { out: path.join(t.folders.eval, 'xyz') }, 'out'],
  ],
  evalBenchmarkOptions: () => NO_PAYLOAD.map(([l, p]) => [l, p, 'request']),
  evalStartBenchmark: (t) => {
    const ok = benchmarkRequest(t);
    const variant = (id: string, settings: object) => ({ id, label: id, settings });
    return [
      ['not an object', 'benchmark', 'request'],
      ['missing dir', { ...ok, dir: undefined }, 'dir'],
      ['a relative dir', { ...ok, dir: 'ab/x' }, 'dir'],
      ['a dir outside the workspace', { ...ok, dir: path.join(t.folders.other, 'ab') }, 'dir'],
      [
        'a dir in the audits folder',
        { ...ok, dir: path.join(t.folders.eval, 'audits', 'b') },
        'dir',
      ],
      ['traversal out of ab', { ...ok, dir: `${t.folders.eval}/ab/../../other/b` }, 'dir'],
      ['one variant', { ...ok, variants: [ok.variants[0]] }, 'variants'],
      ['nine variants', { ...ok, variants: Array(9).fill(ok.variants[0]) }, 'variants'],
      [
        'two variants with one id',
        { ...ok, variants: [ok.variants[0], { ...ok.variants[1], id: ok.variants[0].id }] },
        'variants.id',
      ],
      [
        'a variant id with a slash',
        { ...ok, variants: [ok.variants[0], variant('../b', { steps: 2 })] },
        'variants[1].id',
      ],
      [
        'a variant model outside the list',
        { ...ok, variants: [ok.variants[0], variant('b', { model: '/etc' })] },
        'variants.b.model',
      ],
      ['a base model outside the list', { ...ok, settings: { model: '/etc' } }, 'settings.model'],
      [
        'a variant with an init image path',
        {
          ...ok,
          variants: [ok.variants[0], variant('b', { init: { image: { path: '/etc/x' } } })],
        },
        'variants[1].settings.init',
      ],
      ['a count of 0', { ...ok, prompts: { count: 0 } }, 'prompts.count'],
      ['a count as a string', { ...ok, prompts: { count: '2' } }, 'prompts.count'],
      [
        'an unknown category',
        { ...ok, prompts: { ...ok.prompts, categories: ['Cats'] } },
        'categories',
      ],
      [
        'an unknown challenge',
        { ...ok, prompts: { ...ok.prompts, challenges: ['Hard'] } },
        'challenges',
      ],
      ['no seeds', { ...ok, seeds: [] }, 'seeds'],
      ['a seed twice', { ...ok, seeds: [1, 1] }, 'seeds'],
      ['a negative seed', { ...ok, seeds: [-1] }, 'seeds[0]'],
      ['a 1e6 pixel width', { ...ok, settings: { width: 1e6 } }, 'settings.width'],
      ['an annotator with a path', { ...ok, annotator: '../me' }, 'annotator'],
      [
        'too many images',
        { ...ok, prompts: { count: 1632 }, seeds: Array.from({ length: 100 }, (_, i) => i) },
        'prompts.count',
      ],
    ];
  },
  evalAbState: (t) => dirCases(t).map(([l, d, f]): Case => [l, { dir: d }, f]),
  evalAbRanking: (t) => dirCases(t).map(([l, d, f]): Case => [l, { dir: d }, f]),
  evalVote: (t) => [
    ...dirCases(t).map(([l, d, f]): Case => [l, { dir: d, pairId: 'p0', choice: 'left' }, f]),
    ['an unknown choice', { dir: t.folders.eval, pairId: 'p0', choice: 'up' }, 'choice'],
    ['pairId as a number', { dir: t.folders.eval, pairId: 0, choice: 'tie' }, 'pairId'],
  ],
  readImageSettings: () => [
    ['missing data', { name: 'a.png' }, 'data'],
    ['data as text', { data: 'iVBORw0KGgo=' }, 'data'],
    ['data as a list of numbers', { data: [137, 80, 78, 71] }, 'data'],
    ['empty data', { data: new Uint8Array(0) }, 'data'],
    ['a name with a path', { data: png, name: '../../etc/passwd' }, 'name'],
    ['a path instead of bytes', { path: '/etc/passwd' }, 'path'],
  ],
};

function pathCases(t: TestStudio): Case[] {
  return [
    ['missing path', {}, 'path'],
    ['path as a number', { path: 1 }, 'path'],
    ['a relative path', { path: 'a.png' }, 'path'],
    ['traversal out of the output folder', { path: `${t.folders.output}/../other` }, 'path'],
    ['a path outside the app folders', { path: '/etc/passwd' }, 'path'],
    ['a NUL byte', { path: `${t.folders.output}/a\0.png` }, 'path'],
  ];
}

/** A valid audit of the demo model, for cases that break one thing at a time. */
const AUDIT = {
  version: 1,
  name: 'colours',
  template: 'a {colour} shape',
  slots: { colour: ['red', 'blue'] },
  seeds: [0, 1],
  settings: { steps: 2, width: 64, height: 64 },
  variants: [{ id: 'base', label: 'Base', settings: {} }],
  attributes: [{ name: 'colour', values: ['red', 'blue'] }],
};

function definitionCases(prefix: string): Case[] {
  return [
    ['version 2', { ...AUDIT, version: 2 }, `${prefix}version`],
    ['seeds as a string', { ...AUDIT, seeds: '0-49' }, `${prefix}seeds`],
    [
      'a template of 3000 characters',
      { ...AUDIT, template: 'x'.repeat(3000) },
      `${prefix}template`,
    ],
    [
      'a variant with an init image',
      {
        ...AUDIT,
        variants: [{ id: 'v', label: 'V', settings: { init: { image: { path: '/etc/passwd' } } } }],
      },
      `${prefix}variants[0].settings.init`,
    ],
    ['a model outside the list', { ...AUDIT, settings: { model: '/etc' } }, 'settings.model'],
    [
      'ten million images',
      {
        ...AUDIT,
        slots: { colour: Array.from({ length: 1000 }, (_, i) => `c${i}`) },
        seeds: Array.from({ length: 10_000 }, (_, i) => i),
      },
      'seeds',
    ],
    ['an unknown key', { ...AUDIT, script: 'rm -rf' }, `${prefix}script`],
  ];
}

/** Folders a call may only name inside the evaluation workspace, and only when they exist. */
/** A valid A/B benchmark of the demo model, for cases that break one thing at a time. */
function benchmarkRequest(t: TestStudio) {
  return {
    dir: path.join(t.folders.eval, 'ab', 'new'),
    name: 'euler-vs-ddim',
    prompts: { categories: ['Animals'], count: 2 },
    seeds: [1],
    settings: { width: 64, height: 64, steps: 2 },
    variants: [
      { id: 'a', label: 'Euler', settings: { scheduler: 'Euler' } },
      { id: 'b', label: 'DDIM', settings: { scheduler: 'DDIM' } },
    ],
  };
}

function dirCases(t: TestStudio): Case[] {
  return [
    ['missing dir', undefined, 'dir'],
    ['a relative folder', 'audits/a', 'dir'],
    ['a folder outside the workspace', t.folders.other, 'dir'],
    ['the output folder', t.folders.output, 'dir'],
    ['traversal out of the workspace', `${t.folders.eval}/../other`, 'dir'],
    ['a workspace folder that does not exist', path.join(t.folders.eval, 'audits', 'nope'), 'dir'],
  ];
}

function refCases(): Case[] {
  return [
    ['missing jobId', { index: 0 }, 'jobId'],
    ['index as a string', { jobId: 'job-1', index: '0' }, 'index'],
    ['a negative index', { jobId: 'job-1', index: -1 }, 'index'],
    ['index 1e9', { jobId: 'job-1', index: 1e9 }, 'index'],
    ['jobId with a path', { jobId: '../job-1', index: 0 }, 'jobId'],
    ['an image that was not blurred', { jobId: 'job-1', index: 0 }, 'index'],
  ];
}

function idCases(): Case[] {
  return [
    ['missing id', {}, 'id'],
    ['id as a string', { id: String(kept) }, 'id'],
    ['id 0', { id: 0 }, 'id'],
    ['a fractional id', { id: 1.5 }, 'id'],
    ['id 1e300', { id: 1e300 }, 'id'],
    ['an unknown id', { id: UNKNOWN }, 'id'],
  ];
}

/** Every folder and file under `dir`: a refused call must create neither. */
async function entries(dir: string): Promise<string[]> {
  const all = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return all.map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

/** Every file under `dir`, dot-folders (annotations, trash) included. */
async function tree(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

async function snapshot(t: TestStudio) {
  return {
    settings: t.studio.handlers.getSettings && (await t.studio.handlers.getSettings()),
    file: await fs.readFile(t.settingsFile, 'utf8').catch(() => null),
    output: await tree(t.folders.output),
    eval: await entries(t.folders.eval),
    other: await entries(t.folders.other),
    models: await entries(t.folders.models),
    safetyConfigs: t.engine.safetyConfigs.length,
    annotations: await fs
      .readFile(path.join(t.folders.output, '.emulsion', 'annotations.json'), 'utf8')
      .catch(() => null),
    gallery: t.gallery.gallery.query({ limit: 1000 }),
    trash: t.gallery.gallery.listTrash(),
    revealed: t.revealed.length,
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
      value: {
        modelsFolder: t.folders.models,
        outputFolder: t.folders.output,
        provider: 'auto',
        safety: SAFETY,
      },
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
