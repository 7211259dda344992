import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Gallery } from '../../../main/gallery/gallery.ts';
import { SCHEMA_VERSION } from '../../../main/gallery/schema.ts';
import { DB_FILE } from '../../../main/gallery/store.ts';
import { setLogSink } from '../../../main/engine/log.ts';
import { withMetadata, writeImageWithMetadata } from '../../../main/metadata/write.ts';
import { makeResult } from '../../fixtures/metadata/result.ts';

let root: string;
let appData: string;
let out: string;
let gallery: Gallery | undefined;

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'emulsion-recovery-'));
  appData = path.join(root, 'appdata');
  out = path.join(root, 'outputs');
  setLogSink(() => undefined); // the warnings these tests provoke are asserted, not printed
});
afterEach(async () => {
  gallery?.close();
  gallery = undefined;
  await rm(root, { recursive: true, force: true });
});

const open = async () => (gallery = await Gallery.open({ appDataDir: appData, outputDir: out }));

async function saveMany(g: Gallery, prompts: string[]) {
  const items = [];
  for (const [i, prompt] of prompts.entries()) {
    const result = await makeResult({ prompt, seed: 100 + i });
    items.push(
      await g.saveGenerated(result, result.images[0], { createdAt: new Date(1000 * (i + 1)) }),
    );
  }
  return items;
}

/** What a user sees: every item's identity and annotations, plus the trash. */
function snapshot(g: Gallery) {
  return {
    items: g
      .query({ limit: 1000 })
      .items.map(({ relPath, prompt, seed, createdAt, favourite, tags, model }) => ({
        relPath,
        prompt,
        seed,
        createdAt,
        favourite,
        tags,
        model,
      })),
    trash: g
      .listTrash()
      .map(({ originalRelPath, prompt, deletedAt }) => ({ originalRelPath, prompt, deletedAt })),
  };
}

async function deleteDatabase() {
  for (const suffix of ['', '-wal', '-shm'])
    await rm(path.join(appData, DB_FILE + suffix), { force: true });
}

describe('Gallery recovery', () => {
  it('restores the whole gallery, favourites, tags and trash included, after the database is deleted', async () => {
    const g = await open();
    const [a, b, c] = await saveMany(g, [
      'lighthouse',
      '猫と月',
      'castle, "fog"\nsecond line',
      'doomed',
    ]);
    g.setFavourite(a.id, true);
    g.setTags(b.id, ['best', 'print']);
    g.setTags(c.id, ['wip']);
    const doomed = g.query({ text: 'doomed' }).items[0];
    await g.delete([doomed.id]);
    const before = snapshot(g);
    expect(before.items).toHaveLength(3);
    expect(before.trash).toHaveLength(1);
    g.close();
    gallery = undefined;

    await deleteDatabase();
    const reopened = await open();
    expect(snapshot(reopened)).toEqual(before);
    expect(reopened.get(reopened.query({ text: 'castle' }).items[0].id)?.settings?.prompt).toBe(
      'castle, "fog"\nsecond line',
    );
    // The rebuilt trash still restores to where the image was.
    const [restored] = await reopened.restore([reopened.listTrash()[0].id]);
    expect(restored.relPath).toBe(doomed.relPath);
  });

  it('loses nothing when a save is killed between the PNG and the database row', async () => {
    const g = await open();
    await saveMany(g, ['saved normally']);
    g.close();
    gallery = undefined;
    // The save wrote and renamed its PNG, then the process died before the row was added.
    const result = await makeResult({ prompt: 'killed before the row', seed: 4242 });
    const file = await writeImageWithMetadata(out, result, result.images[0]);
    const reopened = await open();
    expect(reopened.query().items.map((i) => [i.relPath, i.prompt])).toContainEqual([
      path.basename(file),
      'killed before the row',
    ]);
    expect(reopened.query().total).toBe(2);
  });

  it('names and indexes the whole PNG left in a temp file by a crash, and drops a cut-off one', async () => {
    await mkdir(out, { recursive: true });
    const result = await makeResult({ prompt: 'crashed during the rename', seed: 31337 });
    const { png } = withMetadata(result, result.images[0]);
    await writeFile(path.join(out, '.emulsion-999999-0123456789ab.tmp'), png);
    await writeFile(
      path.join(out, '.emulsion-999999-ba9876543210.tmp'),
      png.subarray(0, png.length - 30),
    );
    const g = await open();
    expect(g.query().items.map((i) => [i.relPath, i.prompt])).toEqual([
      ['00000-31337.png', 'crashed during the rename'],
    ]);
    expect((await readdir(out)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('recovers interrupted saves in sub-folders too, leaving the trash and cache folders alone', async () => {
    const result = await makeResult({ prompt: 'crashed in a sub-folder', seed: 31337 });
    const { png } = withMetadata(result, result.images[0]);
    const sub = path.join(out, '2026-05', 'portraits');
    const trash = path.join(out, '.emulsion', 'trash');
    const cache = path.join(out, '.emulsion', 'cache');
    for (const dir of [sub, trash, cache]) await mkdir(dir, { recursive: true });
    await writeFile(path.join(sub, '00003-1.png'), 'an older image');
    await writeFile(path.join(sub, '.emulsion-999999-0123456789ab.tmp'), png);
    await writeFile(path.join(sub, '.emulsion-999999-ba9876543210.tmp'), png.subarray(0, 100));
    const privateTemps = [
      path.join(trash, '.emulsion-999999-00000000000a.tmp'),
      path.join(cache, '.emulsion-999999-00000000000b.tmp'),
    ];
    for (const file of privateTemps) await writeFile(file, png);

    const g = await open();
    // Named in its own folder, one past the highest sequence number there (00003).
    expect(g.query({ text: 'crashed' }).items.map((i) => i.relPath)).toEqual([
      '2026-05/portraits/00004-31337.png',
    ]);
    expect((await readdir(sub)).sort()).toEqual(['00003-1.png', '00004-31337.png']);
    expect(privateTemps.map((f) => existsSync(f))).toEqual([true, true]);
    expect(g.listTrash()).toEqual([]);
    expect(await g.reconcile()).toMatchObject({ recovered: 0, added: 0 });
  });

  it('finishes a delete interrupted after the file moved to the trash', async () => {
    const g = await open();
    const [a] = await saveMany(g, ['half deleted']);
    g.close();
    gallery = undefined;
    // The rename happened; the transaction moving the row did not commit.
    await rename(a.path, path.join(out, '.emulsion', 'trash', path.basename(a.path)));
    const reopened = await open();
    expect(reopened.query().total).toBe(0);
    expect(reopened.listTrash().map((t) => [t.originalRelPath, t.prompt])).toEqual([
      [a.relPath, 'half deleted'],
    ]);
  });

  it('sets a damaged database aside and rebuilds the index', async () => {
    const g = await open();
    await saveMany(g, ['survivor']);
    g.close();
    gallery = undefined;
    await deleteDatabase();
    await writeFile(
      path.join(appData, DB_FILE),
      'this is not an SQLite file, just some bytes '.repeat(200),
    );
    const reopened = await open();
    expect(reopened.query().items.map((i) => i.prompt)).toEqual(['survivor']);
    expect((await readdir(appData)).some((n) => n.startsWith(`${DB_FILE}.broken-`))).toBe(true);
  });

  it('migrates a new file to the current user_version and sets aside one from a newer build', async () => {
    const g = await open();
    await saveMany(g, ['kept']);
    g.close();
    gallery = undefined;
    const db = new Database(path.join(appData, DB_FILE));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    const reopened = await open();
    expect(reopened.query().items.map((i) => i.prompt)).toEqual(['kept']);
  });

  it('rescan rebuilds rows that were lost from the index', async () => {
    const g = await open();
    await saveMany(g, ['one', 'two']);
    const before = snapshot(g);
    const db = new Database(path.join(appData, DB_FILE));
    db.exec('DELETE FROM images');
    db.close();
    expect(g.query().total).toBe(0);
    const report = await g.rescan();
    expect(report).toMatchObject({ files: 2, added: 2, removed: 0 });
    expect(snapshot(g)).toEqual(before);
    // No favourites or tags were set, so the rows came from the images' own metadata alone.
    expect(existsSync(path.join(out, '.emulsion', 'annotations.json'))).toBe(false);
  });
});
