/**
 * Gallery changes that move files or switch folders happen whole or not at all. Faults are
 * injected where the file system cannot be made to fail on demand (the tests run as root, so
 * permissions do not stop a rename): `renameSync` and `readdir` consult a per-test predicate.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GalleryItem } from '../../../common/gallery.ts';
import { Gallery } from '../../../main/gallery/gallery.ts';
import { DB_FILE } from '../../../main/gallery/store.ts';
import { setLogSink } from '../../../main/engine/log.ts';
import { makeResult } from '../../fixtures/metadata/result.ts';

const faults = vi.hoisted(() => ({
  rename: undefined as ((from: string) => boolean) | undefined,
  readdir: undefined as ((dir: string) => boolean) | undefined,
}));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const renameSync: typeof fs.renameSync = (from, to) => {
    if (faults.rename?.(String(from))) {
      throw Object.assign(new Error(`EIO: i/o error, rename '${String(from)}'`), { code: 'EIO' });
    }
    fs.renameSync(from, to);
  };
  return { ...fs, renameSync, default: { ...fs, renameSync } };
});

vi.mock('node:fs/promises', async (importOriginal) => {
  const fsp = await importOriginal<typeof import('node:fs/promises')>();
  const readdir = ((dir: string, options?: never) => {
    if (faults.readdir?.(String(dir))) {
      return Promise.reject(
        Object.assign(new Error(`EIO: i/o error, scandir '${dir}'`), { code: 'EIO' }),
      );
    }
    return fsp.readdir(dir, options);
  }) as typeof fsp.readdir;
  return { ...fsp, readdir, default: { ...fsp, readdir } };
});

let root: string;
let appData: string;
let out: string;
let gallery: Gallery;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'emulsion-atomic-'));
  appData = path.join(root, 'appdata');
  out = path.join(root, 'outputs');
  setLogSink(() => undefined);
  gallery = await Gallery.open({ appDataDir: appData, outputDir: out });
});
afterEach(async () => {
  faults.rename = undefined;
  faults.readdir = undefined;
  gallery.close();
  await rm(root, { recursive: true, force: true });
});

async function save(prompt: string, seed: number) {
  const result = await makeResult({ prompt, seed });
  return gallery.saveGenerated(result, result.images[0], { createdAt: new Date(seed * 1000) });
}

/** Everything a user could see change: rows, annotations, the trash table and folder, the files. */
async function state() {
  const annotations = path.join(out, '.emulsion', 'annotations.json');
  return {
    items: gallery.query({ limit: 1000 }).items,
    trash: gallery.listTrash(),
    trashFiles: (await readdir(gallery.trashDir)).sort(),
    outputFiles: (await readdir(out)).filter((n) => !n.startsWith('.')).sort(),
    annotations: existsSync(annotations) ? await readFile(annotations, 'utf8') : null,
  };
}

describe('Gallery.delete', () => {
  it('checks every id before moving anything: an unknown id later in the list changes nothing', async () => {
    const a = await save('first', 1);
    const b = await save('second', 2);
    gallery.setFavourite(a.id, true);
    const before = await state();
    await expect(gallery.delete([a.id, b.id, 9999])).rejects.toThrow(
      '`ids` must be ids of images in the gallery; received 9999.',
    );
    expect(await state()).toEqual(before);
    expect(existsSync(a.path) && existsSync(b.path)).toBe(true);
  });

  it('moves back the files already moved when a later file cannot be moved', async () => {
    const a = await save('first', 1);
    const b = await save('second', 2);
    const c = await save('third', 3);
    gallery.setTags(a.id, ['kept']);
    const before = await state();
    faults.rename = (from) => from === c.path;
    const failure = gallery.delete([a.id, b.id, c.id]);
    await expect(failure).rejects.toMatchObject({ code: 'IO_ERROR', details: { file: c.path } });
    await expect(failure).rejects.toThrow(`Cannot move to the trash ${c.path}: EIO`);
    expect(await state()).toEqual(before);
    expect(before.trashFiles).toEqual([]);

    // Once the fault is gone the same delete goes through whole.
    faults.rename = undefined;
    const entries = await gallery.delete([a.id, b.id, c.id]);
    expect(entries.map((e) => e.prompt)).toEqual(['first', 'second', 'third']);
    expect(gallery.query().total).toBe(0);
    expect((await readdir(gallery.trashDir)).sort()).toEqual(
      [a, b, c].map((i) => path.basename(i.path)).sort(),
    );
  });

  it('drops the row of an image whose file is already gone, and trashes the others', async () => {
    const a = await save('removed by hand', 1);
    const b = await save('still here', 2);
    await rm(a.path);
    const entries = await gallery.delete([a.id, b.id]);
    expect(entries.map((e) => e.prompt)).toEqual(['still here']);
    expect(gallery.query().total).toBe(0);
    expect(await readdir(gallery.trashDir)).toEqual([path.basename(b.path)]);
  });

  it('gives two images of the same name in different folders distinct trash names', async () => {
    const a = await save('top level', 7);
    await mkdir(path.join(out, 'sub'));
    const copy = path.join(out, 'sub', path.basename(a.path));
    await writeFile(copy, await readFile(a.path));
    const b = await gallery.addFile(copy);
    const entries = await gallery.delete([a.id, b.id]);
    expect(entries.map((e) => [e.originalRelPath, path.basename(e.path)])).toEqual([
      ['00000-7.png', '00000-7.png'],
      ['sub/00000-7.png', '00000-7 (2).png'],
    ]);
  });

  it('refuses ids that are not an array or list an id twice, naming the field', async () => {
    const a = await save('listed twice', 1);
    await expect(gallery.delete(42 as never)).rejects.toThrow(
      '`ids` must be an array of ids; received 42.',
    );
    await expect(gallery.delete([a.id, a.id])).rejects.toThrow(
      `\`ids\` must be ids listed once each; received ${a.id}.`,
    );
    expect(existsSync(a.path)).toBe(true);
  });
});

describe('Gallery.restore', () => {
  it('restores all or none: an unknown trash id or a failed move leaves the trash as it was', async () => {
    const a = await save('first', 1);
    const b = await save('second', 2);
    const [ta, tb] = await gallery.delete([a.id, b.id]);
    const before = await state();
    await expect(gallery.restore([ta.id, 777])).rejects.toThrow(
      '`trashIds` must be ids of entries in the trash; received 777.',
    );
    expect(await state()).toEqual(before);

    faults.rename = (from) => from === tb.path;
    await expect(gallery.restore([ta.id, tb.id])).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(await state()).toEqual(before);

    faults.rename = undefined;
    const items = await gallery.restore([ta.id, tb.id]);
    expect(items.map((i) => i.relPath)).toEqual([a.relPath, b.relPath]);
    expect(gallery.listTrash()).toEqual([]);
  });
});

describe('Gallery.setOutputFolder', () => {
  /** One image in the first folder; returns what the grid shows. */
  async function firstFolderItems() {
    await save('in the first folder', 1);
    return gallery.query().items;
  }

  /** A second folder holding `names` (not images: indexed as files without settings). */
  async function otherFolder(...names: string[]) {
    const other = path.join(root, 'other');
    for (const name of names) {
      await mkdir(path.dirname(path.join(other, name)), { recursive: true });
      await writeFile(path.join(other, name), 'x');
    }
    return other;
  }

  async function assertStillOnFirstFolder(items: GalleryItem[]) {
    expect(gallery.outputDir).toBe(out);
    expect(gallery.query({ limit: 1000 }).items).toEqual(items);
    const next = await save('saved after the failed switch', 9);
    expect(path.dirname(next.path)).toBe(out);
    // The index still records the first folder: reopening it does not start an empty index.
    gallery.close();
    gallery = await Gallery.open({ appDataDir: appData, outputDir: out, reconcile: false });
    expect(gallery.query().total).toBe(items.length + 1);
  }

  it('stays on the old folder when the new one cannot be created', async () => {
    const items = await firstFolderItems();
    const blocked = path.join(root, 'a-file');
    await writeFile(blocked, 'not a folder');
    await expect(gallery.setOutputFolder(blocked)).rejects.toMatchObject({
      code: 'IO_ERROR',
      message: expect.stringContaining(`Cannot create the output folder ${blocked}`),
    });
    await assertStillOnFirstFolder(items);
  });

  it('stays on the old folder, index untouched, when the new folder cannot be scanned', async () => {
    const items = await firstFolderItems();
    const other = await otherFolder('foreign.png');
    faults.readdir = (dir) => dir === other;
    await expect(gallery.setOutputFolder(other)).rejects.toThrow(`scandir '${other}'`);
    faults.readdir = undefined;
    await assertStillOnFirstFolder(items);
  });

  it('rolls the whole new index back when writing it fails part way', async () => {
    const items = await firstFolderItems();
    const other = await otherFolder('a.png', 'b.png');
    // A second connection adds a trigger that refuses one row: the old index has already been
    // emptied inside the transaction when the failure comes.
    const db = new Database(path.join(appData, DB_FILE));
    db.exec(`CREATE TRIGGER refuse_b BEFORE INSERT ON images WHEN new.rel_path = 'b.png'
             BEGIN SELECT RAISE(ABORT, 'simulated write failure'); END;`);
    db.close();
    await expect(gallery.setOutputFolder(other)).rejects.toThrow('simulated write failure');
    await assertStillOnFirstFolder(items);
  });

  it('indexes the new folder, sub-folders included, and then switches', async () => {
    const other = await otherFolder('sub/x.png');
    const report = await gallery.setOutputFolder(other);
    expect(report).toMatchObject({ files: 1, added: 1, removed: 0 });
    expect(gallery.query().items.map((i) => i.relPath)).toEqual(['sub/x.png']);
  });
});
