import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CANT_TELL, DEMO_COLOUR, DEMO_SHAPE } from '../../../../main/eval/audit/attributes.ts';
import { LabelWriter, listLabelSources, readLabelSet } from '../../../../main/eval/audit/labels.ts';
import {
  keyHelp,
  labellingQueue,
  LabellingSession,
  valueForKey,
} from '../../../../main/eval/audit/labelling.ts';
import { prelabelAudit } from '../../../../main/eval/audit/prelabel.ts';
import { runAuditImages } from '../../../../main/eval/audit/runner.ts';
import { createAudit, readAudit, readImages } from '../../../../main/eval/audit/store.ts';
import { createDemoLabeller } from '../../../../main/eval/labellers/demo.ts';
import { colourAudit } from '../fixtures/audits.ts';
import { fakeGenerator } from '../fixtures/shapes.ts';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'emulsion-labels-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('label files', () => {
  it('keeps the latest label per image and attribute, and a null clears it', async () => {
    const w = await LabelWriter.open(dir, 'ana', 'human');
    await w.write({ image: 'base/c0/0', attribute: 'colour', value: 'red' });
    await w.write({ image: 'base/c0/0', attribute: 'colour', value: 'blue' });
    await w.write({ image: 'base/c0/1', attribute: 'colour', value: 'red' });
    await w.write({ image: 'base/c0/1', attribute: 'colour', value: null });
    await w.close();
    const set = await readLabelSet(dir, 'ana', 'human');
    expect(set.labels.get('base/c0/0')?.get('colour')).toBe('blue');
    expect(set.labels.get('base/c0/1')?.has('colour')).toBe(false);
    expect(await listLabelSources(dir)).toEqual([{ name: 'ana', kind: 'human' }]);
  });

  it('refuses annotator names that could escape the folder', async () => {
    await expect(LabelWriter.open(dir, '../evil', 'human')).rejects.toThrow(/`annotator`/);
  });
});

describe('prelabelAudit', () => {
  it('labels every image with the demo labeller, resumably', async () => {
    await createAudit(dir, colourAudit({ attributes: [DEMO_COLOUR, DEMO_SHAPE] }));
    await runAuditImages(dir, { generate: fakeGenerator() });
    const controller = new AbortController();
    const first = await prelabelAudit(dir, createDemoLabeller(), {
      signal: controller.signal,
      onProgress: (done) => done === 20 && controller.abort(),
    });
    expect(first).toMatchObject({ labelled: 20, status: 'cancelled' });
    const second = await prelabelAudit(dir, createDemoLabeller());
    expect(second).toMatchObject({ labelled: 28, skipped: 20, status: 'complete' });
    const set = await readLabelSet(dir, 'demo', 'machine');
    // The fake draws the colour and shape the prompt names.
    expect(set.labels.get('base/c3/2')).toEqual(
      new Map([
        ['colour', 'blue'],
        ['shape', 'circle'],
      ]),
    );
    expect(set.labels.size).toBe(48);
  });

  it('refuses a labeller that supports none of the attributes', async () => {
    await createAudit(
      dir,
      colourAudit({ attributes: [{ name: 'mood', values: ['happy', 'sad'] }] }),
    );
    await expect(prelabelAudit(dir, createDemoLabeller())).rejects.toThrow(/`labeller`/);
  });
});

describe('labellingQueue', () => {
  it('goes cell by cell, shuffles within a cell per annotator, and skips labelled images', async () => {
    await createAudit(dir, colourAudit());
    await runAuditImages(dir, { generate: fakeGenerator() });
    const def = await readAudit(dir);
    const { byKey } = await readImages(dir);
    const ana = labellingQueue(def, byKey, undefined, { annotator: 'ana' });
    const bob = labellingQueue(def, byKey, undefined, { annotator: 'bob' });
    expect(ana).toHaveLength(48);
    expect(ana.slice(0, 4).every((i) => i.variant === 'base' && i.cell === 'c0')).toBe(true);
    expect(ana.slice(4, 8).every((i) => i.cell === 'c1')).toBe(true);
    expect(new Set(ana.slice(0, 4).map((i) => i.image))).toEqual(
      new Set(bob.slice(0, 4).map((i) => i.image)),
    );
    expect(ana.map((i) => i.image)).not.toEqual(bob.map((i) => i.image));
    expect(labellingQueue(def, byKey, undefined, { annotator: 'ana' })).toEqual(ana);
    const w = await LabelWriter.open(dir, 'ana', 'human');
    await w.write({ image: ana[0].image, attribute: 'colour', value: 'red' });
    await w.close();
    const after = labellingQueue(def, byKey, await readLabelSet(dir, 'ana', 'human'), {
      annotator: 'ana',
    });
    expect(after).toHaveLength(47);
    expect(after.map((i) => i.image)).not.toContain(ana[0].image);
  });
});

describe('LabellingSession', () => {
  const items = ['a', 'b', 'c'].map((image) => ({
    image,
    file: `${image}.png`,
    variant: 'v',
    cell: 'c0',
  }));
  const attrs = [
    { name: 'colour', values: ['red', 'blue'] },
    { name: 'shape', values: ['circle', 'star'] },
  ];

  it('maps number keys to values, 0 to the tenth, c to can’t tell', () => {
    expect(valueForKey(attrs[0], '2')).toBe('blue');
    expect(valueForKey(attrs[0], '3')).toBeUndefined();
    expect(valueForKey(attrs[0], 'c')).toBe(CANT_TELL);
    expect(valueForKey({ name: 'monk', values: '1 2 3 4 5 6 7 8 9 10'.split(' ') }, '0')).toBe(
      '10',
    );
  });

  it('walks attributes then images, with skip, undo and quit', () => {
    const s = new LabellingSession(items, attrs);
    expect(s.press('1')).toEqual({ type: 'set', image: 'a', attribute: 'colour', value: 'red' });
    expect(s.press('c')).toEqual({ type: 'set', image: 'a', attribute: 'shape', value: CANT_TELL });
    expect(s.current).toMatchObject({ index: 1, attribute: { name: 'colour' } });
    expect(s.press('x')).toEqual({ type: 'ignored', key: 'x' });
    expect(s.press('u')).toEqual({ type: 'clear', image: 'a', attribute: 'shape' });
    expect(s.press('2')).toEqual({ type: 'set', image: 'a', attribute: 'shape', value: 'star' });
    expect(s.press('s')).toEqual({ type: 'skip', image: 'b' });
    expect(s.press('2')).toMatchObject({ image: 'c', value: 'blue' });
    expect(s.press('q')).toEqual({ type: 'quit' });
    expect(s.finished).toBe(true);
  });

  it('prints the key help', () => {
    expect(keyHelp(attrs[0])).toBe("1 red  2 blue  c can't tell  s skip  u undo  q quit");
  });
});
