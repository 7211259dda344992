import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GenerateResult } from '../../../common/generation.ts';
import { Gallery } from '../../../main/gallery/gallery.ts';
import {
  iTXt,
  jpegWithExif,
  tiffWithUserComment,
  userCommentUnicodeBE,
} from '../../fixtures/metadata/builders.ts';
import { HASHES, makeResult } from '../../fixtures/metadata/result.ts';
import { A1111_UNICODE } from '../../fixtures/metadata/samples.ts';

let root: string;
let appData: string;
let out: string;
let gallery: Gallery;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'emulsion-gallery-'));
  appData = path.join(root, 'appdata');
  out = path.join(root, 'outputs');
  gallery = await Gallery.open({ appDataDir: appData, outputDir: out });
});
afterEach(async () => {
  gallery.close();
  await rm(root, { recursive: true, force: true });
});

async function save(
  prompt: string,
  extra: Partial<GenerateResult['request']> = {},
  modelName = 'dreamshaper-8',
  createdAt?: Date,
) {
  const result = await makeResult({ prompt, ...extra });
  result.modelName = modelName;
  return gallery.saveGenerated(result, result.images[0], { modelHashes: HASHES, createdAt });
}

const prompts = (page: { items: { prompt: string }[] }) => page.items.map((i) => i.prompt);

describe('Gallery.saveGenerated and query', () => {
  it('saves the PNG in the output folder and indexes it, newest first', async () => {
    const a = await save('a lighthouse at dawn', {}, 'm1', new Date(1000));
    const b = await save('a castle in fog', {}, 'm2', new Date(2000));
    expect(path.dirname(a.path)).toBe(out);
    expect(existsSync(a.path)).toBe(true);
    expect(a).toMatchObject({
      relPath: path.basename(a.path),
      source: 'emulsion',
      format: 'png',
      width: 64,
      height: 48,
      prompt: 'a lighthouse at dawn',
      negativePrompt: 'blurry, lowres',
      model: 'm1',
      modelHash: '6ce0161689',
      seed: 1234,
      favourite: false,
      tags: [],
      createdAt: 1000,
    });
    const page = gallery.query();
    expect(page.total).toBe(2);
    expect(page.items.map((i) => i.id)).toEqual([b.id, a.id]);
    expect(gallery.query({ order: 'oldest', limit: 1, offset: 1 }).items.map((i) => i.id)).toEqual([
      b.id,
    ]);
    expect(gallery.get(a.id)?.settings?.request?.prompt).toBe('a lighthouse at dawn');
  });

  it('searches prompts by word prefix, all words required, accents folded', async () => {
    await save('a lighthouse on a cliff, stormy sky');
    await save('a café in Paris, rainy evening');
    await save('lighthouse keeper portrait');
    expect(prompts(gallery.query({ text: 'light' })).sort()).toEqual([
      'a lighthouse on a cliff, stormy sky',
      'lighthouse keeper portrait',
    ]);
    expect(prompts(gallery.query({ text: 'lighthouse storm' }))).toEqual([
      'a lighthouse on a cliff, stormy sky',
    ]);
    expect(prompts(gallery.query({ text: 'CAFE paris' }))).toEqual([
      'a café in Paris, rainy evening',
    ]);
    // The negative prompt ("blurry, lowres") is searched only on request.
    expect(gallery.query({ text: 'blurry' }).total).toBe(0);
    expect(gallery.query({ text: 'blurry', includeNegative: true }).total).toBe(3);
  });

  it('treats FTS syntax in the search box as plain words', async () => {
    await save('NOT a drill: "alarm" AND (siren)');
    for (const text of ['NOT', 'drill:', '"alarm"', 'AND (siren', 'siren)', '*', 'a OR b']) {
      expect(() => gallery.query({ text })).not.toThrow();
    }
    expect(gallery.query({ text: 'NOT drill' }).total).toBe(1);
    expect(gallery.query({ text: '(siren' }).total).toBe(1);
  });

  it('finds a character inside an unspaced Chinese or Japanese prompt', async () => {
    await save('一只猫坐在窗台上');
    await save('東京の夜景');
    expect(prompts(gallery.query({ text: '猫' }))).toEqual(['一只猫坐在窗台上']);
    expect(prompts(gallery.query({ text: '夜景' }))).toEqual(['東京の夜景']);
    expect(gallery.query({ text: '100%_' }).total).toBe(0);
  });

  it('filters by model, date, favourite, tag and source, and lists models and tags', async () => {
    const a = await save('one', {}, 'alpha', new Date('2026-01-01T00:00:00Z'));
    const b = await save('two', {}, 'beta', new Date('2026-02-01T00:00:00Z'));
    const c = await save('three', {}, 'alpha', new Date('2026-03-01T00:00:00Z'));
    gallery.setFavourite(b.id, true);
    gallery.setTags(c.id, ['keep', ' print ', 'keep']);
    const ids = (q: Parameters<Gallery['query']>[0]) => gallery.query(q).items.map((i) => i.id);
    expect(ids({ model: 'alpha' })).toEqual([c.id, a.id]);
    expect(
      ids({ from: Date.parse('2026-01-15T00:00:00Z'), to: Date.parse('2026-02-15T00:00:00Z') }),
    ).toEqual([b.id]);
    expect(ids({ favourite: true })).toEqual([b.id]);
    expect(ids({ favourite: false })).toEqual([c.id, a.id]);
    expect(ids({ tag: 'print' })).toEqual([c.id]);
    expect(ids({ source: 'a1111' })).toEqual([]);
    expect(gallery.models()).toEqual([
      { model: 'alpha', count: 2 },
      { model: 'beta', count: 1 },
    ]);
    expect(gallery.tags()).toEqual([
      { tag: 'keep', count: 1 },
      { tag: 'print', count: 1 },
    ]);
    expect(gallery.get(c.id)?.tags).toEqual(['keep', 'print']);
  });

  it('rejects bad queries and tags, naming the field', async () => {
    expect(() => gallery.query({ limit: 0 })).toThrow(
      '`limit` must be an integer from 1 to 1000; received 0.',
    );
    expect(() => gallery.query({ order: 'relevance' })).toThrow(/`order` must be newest or oldest/);
    expect(() => gallery.query({ source: 'dall-e' as never })).toThrow(
      /`source` must be one of emulsion/,
    );
    const a = await save('x');
    expect(() => gallery.setTags(a.id, [''])).toThrow(/`tags` must be non-empty strings/);
    expect(() => gallery.setFavourite(999, true)).toThrow(/`id` must be the id of an image/);
  });

  it('ranks by relevance when asked', async () => {
    const weak = await save('red car parked near a red barn and a blue house on a long road');
    const strong = await save('red red red');
    expect(gallery.query({ text: 'red', order: 'relevance' }).items.map((i) => i.id)).toEqual([
      strong.id,
      weak.id,
    ]);
  });
});

describe('Gallery trash', () => {
  it('moves a deleted image to the trash folder, and restores it with its favourite and tags', async () => {
    const a = await save('to be deleted');
    gallery.setFavourite(a.id, true);
    gallery.setTags(a.id, ['keeper']);
    const [entry] = await gallery.delete([a.id]);
    expect(existsSync(a.path)).toBe(false);
    expect(entry).toMatchObject({ originalRelPath: a.relPath, prompt: 'to be deleted' });
    expect(path.dirname(entry.path)).toBe(gallery.trashDir);
    expect(existsSync(entry.path)).toBe(true);
    expect(gallery.query().total).toBe(0);
    expect(gallery.listTrash().map((t) => t.id)).toEqual([entry.id]);

    const [restored] = await gallery.restore([entry.id]);
    expect(restored).toMatchObject({
      relPath: a.relPath,
      favourite: true,
      tags: ['keeper'],
      prompt: 'to be deleted',
    });
    expect(existsSync(a.path)).toBe(true);
    expect(gallery.listTrash()).toEqual([]);
  });

  it('restores beside the original name when that name was taken meanwhile', async () => {
    const a = await save('first');
    const [entry] = await gallery.delete([a.id]);
    await writeFile(a.path, 'someone else');
    const [restored] = await gallery.restore([entry.id]);
    expect(restored.relPath).toBe(a.relPath.replace('.png', ' (2).png'));
  });

  it('empties the trash for good', async () => {
    const a = await save('one');
    const b = await save('two');
    await gallery.delete([a.id, b.id]);
    expect(await gallery.emptyTrash()).toBe(2);
    expect(gallery.listTrash()).toEqual([]);
    expect(await readdir(gallery.trashDir)).toEqual([]);
  });

  it('keeps the row when the file cannot be moved', async () => {
    const a = await save('stuck');
    await rm(gallery.trashDir, { recursive: true });
    await writeFile(gallery.trashDir, 'a file where the trash folder should be');
    await expect(gallery.delete([a.id])).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(gallery.query().total).toBe(1);
    expect(existsSync(a.path)).toBe(true);
  });
});

describe('Gallery folders and foreign files', () => {
  it('indexes foreign images dropped into the folder, and files that are not images', async () => {
    const jpeg = await jpegWithExif(tiffWithUserComment(userCommentUnicodeBE(A1111_UNICODE), 'MM'));
    await writeFile(path.join(out, 'from-a1111.jpg'), jpeg);
    await writeFile(path.join(out, 'not-really.png'), 'plain text');
    await writeFile(path.join(out, 'notes.txt'), 'ignored');
    const report = await gallery.reconcile();
    expect(report).toMatchObject({ files: 2, added: 2, removed: 0, errors: [] });
    const items = gallery.query({ order: 'oldest' }).items;
    const byName = Object.fromEntries(items.map((i) => [i.relPath, i]));
    expect(byName['from-a1111.jpg']).toMatchObject({
      source: 'a1111',
      format: 'jpeg',
      width: 8,
      height: 8,
      seed: 3928475,
    });
    expect(byName['not-really.png']).toMatchObject({
      source: 'none',
      format: 'unknown',
      width: null,
    });
    expect(gallery.get(byName['not-really.png'].id)?.warnings[0]).toMatch(
      /^Not a PNG, JPEG or WebP image/,
    );
    expect(gallery.query({ text: '猫' }).total).toBe(1);
  });

  it('notices files added, changed and removed while it was closed', async () => {
    const a = await save('stays');
    const b = await save('goes away');
    gallery.close();
    await rm(b.path);
    const png = await readFile(a.path);
    await writeFile(
      a.path,
      Buffer.concat([png.subarray(0, 33), iTXt('note', 'changed'), png.subarray(33)]),
    );
    gallery = await Gallery.open({ appDataDir: appData, outputDir: out, reconcile: false });
    expect(await gallery.reconcile()).toMatchObject({ files: 1, added: 0, updated: 1, removed: 1 });
    expect(prompts(gallery.query())).toEqual(['stays']);
    expect(await gallery.reconcile()).toMatchObject({ added: 0, updated: 0, removed: 0 });
  });

  it('switches output folders and comes back to the first with its favourites', async () => {
    const a = await save('in folder A');
    gallery.setFavourite(a.id, true);
    const other = path.join(root, 'other');
    const report = await gallery.setOutputFolder(other);
    expect(report.files).toBe(0);
    expect(gallery.outputDir).toBe(other);
    expect(gallery.query().total).toBe(0);
    const b = await save('in folder B');
    expect(path.dirname(b.path)).toBe(other);
    await gallery.setOutputFolder(out);
    expect(gallery.query().items.map((i) => [i.prompt, i.favourite])).toEqual([
      ['in folder A', true],
    ]);
  });

  it('refuses to index a file outside the output folder', async () => {
    const outside = path.join(root, 'elsewhere.png');
    await writeFile(outside, 'x');
    await expect(gallery.addFile(outside)).rejects.toThrow(
      /`file` must be a file inside the output folder/,
    );
  });
});
