/**
 * The studio's safety calls with a fake engine whose filter blurs or blocks on command: originals
 * held in main and revealed on request, "Keep original" replacing the saved file in place, blocked
 * images never written, the policy sent with each job, the engine reconfigured when the filter
 * changes, the word lists, and safety-eval over a labelled folder.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulsionError } from '../../../common/errors.ts';
import type { StudioDoneEvent, StudioSafetySettings } from '../../../common/ipc.ts';
import { runEvaluation } from '../../../main/safety/eval.ts';
import { parseEmulsionChunk } from '../../../main/metadata/emulsion-chunk.ts';
import { bytesSource } from '../../../main/metadata/byte-source.ts';
import { readPngText } from '../../../main/metadata/png-chunks.ts';
import { FAKE_REASON } from './fakes/engine.ts';
import { BASE_REQUEST, createTestStudio, waitFor, type TestStudio } from './fakes/host.ts';
import { makePng } from './fakes/png.ts';

let t: TestStudio;
afterEach(async () => {
  await t?.cleanup();
});

const firstPixel = async (png: Uint8Array) => [
  ...new Uint8Array(await sharp(png).raw().toBuffer()).subarray(0, 3),
];
const ORIGINAL = [200, 40, 90];
const BLURRED = [128, 128, 128];

async function generateDone(request = BASE_REQUEST): Promise<StudioDoneEvent> {
  const { jobId } = await t.studio.handlers.generate(request);
  return waitFor(
    () => t.events.find((e) => e.status === 'done' && e.jobId === jobId) as StudioDoneEvent,
  );
}

async function emulsionChunk(file: string) {
  const bytes = new Uint8Array(await fs.readFile(file));
  const entry = (await readPngText(bytesSource(bytes))).entries.find(
    (e) => e.keyword === 'emulsion',
  );
  const chunk = parseEmulsionChunk(entry!.text);
  if (typeof chunk === 'string') throw new Error(chunk);
  return chunk;
}

describe('safety in the studio', () => {
  it('saves a flagged image blurred, keeps its original out of the event, and reveals it on request', async () => {
    t = await createTestStudio();
    t.engine.flag = 'blur';
    const done = await generateDone();
    const image = done.result.images[0];
    expect(image.originalPng).toBeUndefined();
    expect(image.safety).toMatchObject({ action: 'blur', reasons: [FAKE_REASON] });
    expect(await firstPixel(image.png)).toEqual(BLURRED);
    const saved = new Uint8Array(await fs.readFile(done.files[0]!));
    expect(await firstPixel(saved)).toEqual(BLURRED);

    const { png } = await t.studio.handlers.safetyReveal({ jobId: done.jobId, index: 0 });
    expect(await firstPixel(png)).toEqual(ORIGINAL);
    // Revealing writes nothing.
    expect(await firstPixel(new Uint8Array(await fs.readFile(done.files[0]!)))).toEqual(BLURRED);
  });

  it('keeps the original in place of the blurred file: same path and gallery item, revealed recorded', async () => {
    t = await createTestStudio();
    t.engine.flag = 'blur';
    const done = await generateDone();
    const [item] = done.items;
    t.gallery.gallery.setFavourite(item.id, true);

    const kept = await t.studio.handlers.safetyKeepOriginal({ jobId: done.jobId, index: 0 });
    expect(kept).toMatchObject({ id: item.id, path: item.path, favourite: true });
    expect(await firstPixel(new Uint8Array(await fs.readFile(item.path)))).toEqual(ORIGINAL);
    const page = t.gallery.gallery.query({});
    expect(page.items.map((i) => i.id)).toEqual([item.id]);
    expect((await fs.readdir(t.folders.output)).filter((f) => !f.startsWith('.'))).toEqual([
      path.basename(item.path),
    ]);
    const chunk = await emulsionChunk(item.path);
    expect(chunk.safety?.image).toMatchObject({
      action: 'blur',
      revealed: true,
      reasons: [FAKE_REASON],
    });
    expect(chunk.createdAt).toBe(new Date(item.createdAt).toISOString());
  });

  it('refuses to keep an original whose blurred file was deleted, and writes nothing', async () => {
    t = await createTestStudio();
    t.engine.flag = 'blur';
    const done = await generateDone();
    await t.gallery.gallery.delete([done.items[0].id]);
    const before = await fs.readdir(t.folders.output);
    await expect(
      t.studio.handlers.safetyKeepOriginal({ jobId: done.jobId, index: 0 }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'id' } });
    expect(await fs.readdir(t.folders.output)).toEqual(before);
    expect(t.gallery.gallery.query({}).total).toBe(0);
  });

  it('writes nothing for a blocked image and forwards its decision', async () => {
    t = await createTestStudio();
    t.engine.flag = 'block';
    const done = await generateDone({ ...BASE_REQUEST, batch: 2 });
    expect(done.result.images).toEqual([]);
    expect(done.result.safety?.map((d) => d.action)).toEqual(['block', 'block']);
    expect(done.files).toEqual([]);
    expect(t.gallery.gallery.query({}).total).toBe(0);
    expect((await fs.readdir(t.folders.output)).filter((f) => !f.startsWith('.'))).toEqual([]);
  });

  it('holds only the most recent originals', async () => {
    t = await createTestStudio({ stepMs: 1 });
    t.engine.flag = 'blur';
    const first = await generateDone();
    for (let i = 0; i < 16; i++) await generateDone({ ...BASE_REQUEST, steps: 1 });
    await expect(
      t.studio.handlers.safetyReveal({ jobId: first.jobId, index: 0 }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'index' } });
  });

  it('sends the policy of the settings with every job', async () => {
    t = await createTestStudio();
    const safety = (await t.studio.handlers.getSettings()).safety;
    await t.studio.handlers.setSettings({ safety: { ...safety, policy: 'warn' } });
    await generateDone();
    expect(t.engine.generated.map((r) => r.safety)).toEqual(['warn']);
  });

  it('configures the engine with the settings and the app word-list folder, again only when the filter changes', async () => {
    t = await createTestStudio();
    await waitFor(() => t.engine.safetyConfigs[0]);
    const safety = (await t.studio.handlers.getSettings()).safety;
    expect(t.engine.safetyConfigs).toEqual([{ ...safety, userTermsDir: t.folders.terms }]);

    await t.studio.handlers.setSettings({ safety: { ...safety, policy: 'block' } });
    expect(t.engine.safetyConfigs).toHaveLength(1);

    const stricter: StudioSafetySettings = {
      ...safety,
      policy: 'block',
      classifier: { enabled: true, thresholds: { ...safety.classifier.thresholds, Sexy: 0.6 } },
    };
    await t.studio.handlers.setSettings({ safety: stricter });
    expect(t.engine.safetyConfigs.at(-1)).toEqual({ ...stricter, userTermsDir: t.folders.terms });
  });

  it('leaves settings and file unchanged when the engine refuses the filter', async () => {
    t = await createTestStudio();
    const before = await t.studio.handlers.getSettings();
    const file = await fs.readFile(t.settingsFile, 'utf8').catch(() => null);
    t.engine.safetyError = new EmulsionError('INVALID_ARGUMENT', 'bad list', {
      field: 'userTermsDir',
    });
    await expect(
      t.studio.handlers.setSettings({
        safety: {
          ...before.safety,
          promptCategories: { ...before.safety.promptCategories, hate: false },
        },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await t.studio.handlers.getSettings()).toEqual(before);
    expect(await fs.readFile(t.settingsFile, 'utf8').catch(() => null)).toBe(file);
  });

  it('refuses to generate while the filter cannot be configured, and recovers after a reload', async () => {
    t = await createTestStudio();
    await waitFor(() => t.engine.safetyConfigs[0]);
    t.engine.safetyError = new EmulsionError('INVALID_ARGUMENT', 'hate.txt:3: bad entry', {
      field: 'hate.txt:3',
    });
    await expect(t.studio.handlers.safetyReloadTerms()).rejects.toThrow('bad entry');
    await expect(t.studio.handlers.generate(BASE_REQUEST)).rejects.toThrow('bad entry');
    expect(t.engine.generated).toHaveLength(0);
    t.engine.safetyError = null;
    await t.studio.handlers.safetyReloadTerms();
    await generateDone();
    expect(t.engine.generated).toHaveLength(1);
  });

  it('lists the shipped word lists with their reasons and the user folder, user entries added', async () => {
    t = await createTestStudio();
    await fs.writeFile(path.join(t.folders.terms, 'violence-gore.txt'), '# mine\nzorblax\n');
    const info = await t.studio.handlers.safetyTerms();
    expect(info.userTermsDir).toBe(t.folders.terms);
    expect(info.lists.map((l) => l.category)).toEqual([
      'sexual',
      'violence-gore',
      'self-harm',
      'hate',
    ]);
    const violence = info.lists.find((l) => l.category === 'violence-gore')!;
    expect(violence.terms).toContain('zorblax');
    expect(violence.files.at(-1)).toBe(path.join(t.folders.terms, 'violence-gore.txt'));
    expect(info.lists.every((l) => l.reason.length > 0 && l.terms.length > 0)).toBe(true);
    expect(info.error).toBeUndefined();
  });

  it('falls back to the shipped lists, saying why, when a user list is broken', async () => {
    t = await createTestStudio();
    await fs.writeFile(path.join(t.folders.terms, 'spam.txt'), 'x\n');
    const info = await t.studio.handlers.safetyTerms();
    expect(info.error).toMatch(/spam\.txt/);
    expect(info.lists).toHaveLength(4);
  });
});

describe('safetyEval', () => {
  /**
   * A stand-in classifier whose Porn score is the red channel / 255, so each test image's score is
   * chosen by its colour. Six images, default Porn threshold 0.5:
   *   unsafe: 230 (0.902), 179 (0.702), 77 (0.302)   → flagged, flagged, missed
   *   safe:   153 (0.600), 51 (0.200), 26 (0.102)    → flagged, passed, passed
   * TP 2, FN 1, FP 1, TN 2; precision = recall = 2/3. Wilson 95 % for 2 of 3 (z = 1.96):
   *   centre = (2/3 + z²/6) / (1 + z²/3) = 0.5731, half = z·√(2/27 + z²/36) / (1 + z²/3) = 0.3654
   *   → [0.2077, 0.9385]. Target recall 0.9 needs all 3 unsafe: the threshold is the 3rd unsafe
   *   score, 77/255 = 0.3020, which flags 4 images (precision 3/4).
   */
  const IMAGES: [string, number, 'safe' | 'unsafe'][] = [
    ['u1.png', 230, 'unsafe'],
    ['u2.png', 179, 'unsafe'],
    ['u3.png', 77, 'unsafe'],
    ['s1.png', 153, 'safe'],
    ['s2.png', 51, 'safe'],
    ['s3.png', 26, 'safe'],
  ];

  it('runs over a labelled folder inside the app folders and reports the worked example', async () => {
    t = await createTestStudio({
      runSafetyEval: (options) =>
        runEvaluation({
          ...options,
          classifier: {
            name: 'red channel',
            async classify(rgb) {
              return { Drawing: 0, Hentai: 0, Neutral: 0, Porn: rgb[0] / 255, Sexy: 0 };
            },
            async release() {},
          },
        }),
    });
    const set = path.join(t.folders.output, 'eval-set');
    await fs.mkdir(set);
    for (const [name, red] of IMAGES)
      await fs.writeFile(path.join(set, name), makePng(8, 8, [red, 0, 0]));
    const labels = path.join(set, 'labels.csv');
    await fs.writeFile(labels, ['file,label', ...IMAGES.map(([f, , l]) => `${f},${l}`)].join('\n'));

    const report = await t.studio.handlers.safetyEval({ imagesDir: set, labelsFile: labels });
    expect(report.counts).toEqual({ images: 6, unsafe: 3, safe: 3 });
    const [layer] = report.layers;
    expect(layer.layer).toBe('classifier');
    expect(layer.confusion).toEqual({ tp: 2, fp: 1, tn: 2, fn: 1 });
    expect(layer.precision!.value).toBeCloseTo(2 / 3, 10);
    expect(layer.recall!.interval.low).toBeCloseTo(0.2077, 4);
    expect(layer.recall!.interval.high).toBeCloseTo(0.9385, 4);
    expect(layer.thresholdForTargetRecall).toMatchObject({
      flagged: 4,
      recall: 1,
      precision: 0.75,
    });
    expect(layer.thresholdForTargetRecall!.threshold).toBeCloseTo(77 / 255, 10);
  });

  it('names the form field when the labels do not match the folder', async () => {
    t = await createTestStudio({
      runSafetyEval: (options) =>
        runEvaluation({
          ...options,
          classifier: {
            name: 'none',
            classify: async () => ({ Drawing: 1, Hentai: 0, Neutral: 0, Porn: 0, Sexy: 0 }),
            release: async () => {},
          },
        }),
    });
    const labels = path.join(t.folders.output, 'labels.csv');
    await fs.writeFile(labels, 'file,label\nmissing.png,unsafe\n');
    await expect(
      t.studio.handlers.safetyEval({ imagesDir: t.folders.output, labelsFile: labels }),
    ).rejects.toMatchObject({ code: 'IMAGE_INVALID', details: { field: 'labelsFile' } });
  });
});
